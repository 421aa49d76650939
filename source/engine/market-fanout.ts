/**
 * Market fan-out: the run's strategies per symbol, the last and first price of each symbol,
 * and the delivery of bars, quotes and trades to the strategies of their symbol once the
 * market guard has let them through (a bad event never reaches a strategy).
 */
import {type Micros, ZERO_MICROS} from '../core/money.js';
import type {Bar, Quote, StrategyName, Trade} from '../core/types.js';
import type {SymbolStrategy} from './context.js';
import type {EngineCore} from './engine-core.js';
import {MarketGuard, tradeProblem} from './market-guard.js';

type WithBars = SymbolStrategy & {onBar?(bar: Bar, nowMs: number): void};
type WithQuotes = SymbolStrategy & {onQuote?(quote: Quote): void};
type WithTrades = SymbolStrategy & {onTrade?(trade: Trade): void};

/** A symbol's last price, and the first of the current session (0 before one is known). */
export interface PriceSlot {
	last: Micros;
	first: Micros;
}

/** Symbol order, then scalp before hft. */
function compareStrategies(a: SymbolStrategy, b: SymbolStrategy): number {
	return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.kind === b.kind ? 0 : a.kind === 'scalp' ? -1 : 1;
}

export class MarketFanout {
	/** Strategies in symbol order (then scalp before hft), the order checkups and commands use. */
	readonly strategies: SymbolStrategy[] = [];
	private readonly bySymbol = new Map<string, SymbolStrategy[]>();
	/** One lookup per market event; the first price feeds the console's "change since the open". */
	private readonly prices = new Map<string, PriceSlot>();
	/** Bad market events are dropped here, before any strategy sees them. */
	readonly guard = new MarketGuard();

	constructor(private readonly core: EngineCore) {}

	add(strategy: SymbolStrategy): void {
		// Inserted in place after the last one that sorts before or with it (a stable insertion;
		// sorting on every add made adding 1,000 symbols quadratic).
		const list = this.strategies;
		let lo = 0;
		let hi = list.length;
		while (lo < hi) {
			const mid = (lo + hi) >>> 1;
			if (compareStrategies(list[mid]!, strategy) <= 0) lo = mid + 1;
			else hi = mid;
		}
		list.splice(lo, 0, strategy);
		const ofSymbol = this.bySymbol.get(strategy.symbol) ?? [];
		ofSymbol.push(strategy);
		this.bySymbol.set(strategy.symbol, ofSymbol);
	}

	strategiesFor(symbol: string): readonly SymbolStrategy[] {
		return this.bySymbol.get(symbol) ?? [];
	}

	/** The strategy a symbol's unexplained shares are booked to: the first added for it. */
	primaryStrategy(symbol: string): StrategyName {
		return this.bySymbol.get(symbol)?.[0]?.kind ?? 'manual';
	}

	// --- prices ----------------------------------------------------------------------------

	setLastPrice(symbol: string, price: Micros): void {
		const slot = this.prices.get(symbol);
		if (slot) {
			slot.last = price;
			if (slot.first === 0) slot.first = price;
		} else this.prices.set(symbol, {last: price, first: price});
	}

	lastPrice(symbol: string): Micros {
		return this.prices.get(symbol)?.last ?? ZERO_MICROS;
	}

	firstPrice(symbol: string): Micros {
		return this.prices.get(symbol)?.first ?? ZERO_MICROS;
	}

	/** The symbol's price slot (created at 0), for replays that set the last price on every bar. */
	priceSlot(symbol: string): PriceSlot {
		let slot = this.prices.get(symbol);
		if (!slot) {
			slot = {last: ZERO_MICROS, first: ZERO_MICROS};
			this.prices.set(symbol, slot);
		}
		return slot;
	}

	/** A new session: its first price is not known yet. */
	forgetFirstPrices(): void {
		for (const slot of this.prices.values()) slot.first = ZERO_MICROS;
	}

	// --- market events ---------------------------------------------------------------------

	onBar(bar: Bar, arrivalMs: number): void {
		const list = this.bySymbol.get(bar.symbol);
		if (!list) return;
		const bad = this.guard.checkBar(bar);
		if (bad !== null) return this.dropInput(bar.symbol, bad);
		for (const strategy of list) (strategy as WithBars).onBar?.(bar, arrivalMs);
	}

	onQuote(quote: Quote): void {
		const list = this.bySymbol.get(quote.symbol);
		if (!list) return;
		const bad = this.guard.checkQuote(quote);
		if (bad !== null) return this.dropInput(quote.symbol, bad);
		for (const strategy of list) (strategy as WithQuotes).onQuote?.(quote);
	}

	onTrade(trade: Trade): void {
		const list = this.bySymbol.get(trade.symbol);
		if (!list) {
			// No strategy trades it, yet its price counts (equity of a position held anyway).
			if (tradeProblem(trade) === null) this.setLastPrice(trade.symbol, trade.price);
			return;
		}
		const bad = this.guard.checkTrade(trade);
		if (bad !== null) return this.dropInput(trade.symbol, bad);
		this.setLastPrice(trade.symbol, trade.price);
		for (const strategy of list) (strategy as WithTrades).onTrade?.(trade);
	}

	/** A bad market event was dropped: report it (an empty line means rate-limited). */
	private dropInput(symbol: string, line: string): void {
		if (line !== '') this.core.error(symbol, line);
	}
}
