/**
 * Backtest statistics, updated in O(1) per bar: per-symbol P&L curves and drawdowns, time in
 * market, and a total equity curve kept bounded by halving its resolution when it fills.
 */
import {type Micros, roundMicros} from '../core/money.js';
import {Drawdown} from './drawdown.js';

export class SymbolStats {
	/** Bars seen (each stands for one minute of market time). */
	bars = 0;
	barsHeld = 0;
	private readonly drawdown = new Drawdown(0);

	constructor(readonly symbol: string) {}

	/** Record the symbol's P&L (realized + unrealized) at one of its bars. */
	observe(pnl: Micros, holding: boolean): void {
		this.bars += 1;
		if (holding) this.barsHeld += 1;
		this.drawdown.observe(pnl);
	}

	/** Largest fall of the P&L from its running peak (which starts at 0); a difference of whole micros. */
	get maxDrawdown(): Micros {
		return roundMicros(this.drawdown.max);
	}
}

/** Equity samples with bounded memory: when full, every other point is dropped. */
export class EquityCurve {
	readonly times: number[] = [];
	readonly values: number[] = [];
	private stride = 1;
	private skipped = 0;
	private readonly drawdown = new Drawdown();

	constructor(private readonly capacity = 2048) {}

	add(ms: number, equity: Micros): void {
		this.drawdown.observe(equity);
		this.skipped += 1;
		if (this.skipped < this.stride) return;
		this.skipped = 0;
		this.times.push(ms);
		this.values.push(equity);
		if (this.values.length >= this.capacity) {
			let w = 0;
			for (let r = 0; r < this.values.length; r += 2, w++) {
				this.times[w] = this.times[r]!;
				this.values[w] = this.values[r]!;
			}
			this.times.length = w;
			this.values.length = w;
			this.stride *= 2;
		}
	}

	get maxDrawdown(): Micros {
		return roundMicros(this.drawdown.max);
	}

	get maxDrawdownPct(): number {
		return this.drawdown.maxPct;
	}
}
