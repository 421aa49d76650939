/**
 * The operator's commands (console keys, quit, kill switch): each is journaled as a `command`
 * line, logged, then passed to the strategies of its symbol (or all); orders no strategy owns
 * are canceled here.
 */
import type {CommandName} from '../journal/records.js';
import type {EngineCore} from './engine-core.js';
import type {MarketFanout} from './market-fanout.js';
import type {OrderRouter} from './order-router.js';
import type {Portfolio} from './portfolio.js';
import type {RiskGuard} from './risk.js';

export class OperatorCommands {
	constructor(
		private readonly core: EngineCore,
		private readonly market: MarketFanout,
		private readonly router: OrderRouter,
		private readonly portfolio: Portfolio,
		private readonly risk: RiskGuard | null,
	) {}

	/** Journal and log a command (also one handled outside the engine: quit, kill switch). */
	note(command: CommandName, symbol: string | null): void {
		this.core.journal.write({ts: this.core.nowMs, type: 'command', command, symbol});
		this.core.log(symbol, 'info', `operator: ${command.replace('_', ' ')}${symbol ? '' : ' (all)'}`);
	}

	pause(symbol: string): void {
		this.note('pause', symbol);
		for (const s of this.market.strategiesFor(symbol)) s.pause();
		this.router.deliverHeld();
		this.core.changed();
	}

	resume(symbol: string): void {
		this.note('resume', symbol);
		for (const s of this.market.strategiesFor(symbol)) s.resume();
		this.router.deliverHeld();
		this.core.changed();
	}

	forceSell(symbol: string): void {
		this.note('force_sell', symbol);
		for (const s of this.market.strategiesFor(symbol)) s.forceSell();
		this.router.deliverHeld();
		this.core.changed();
	}

	cancel(symbol: string): void {
		this.note('cancel', symbol);
		for (const s of this.market.strategiesFor(symbol)) s.cancelOrders();
		this.router.cancelUnowned(symbol, 'manual');
		this.router.deliverHeld();
		this.core.changed();
	}

	/**
	 * Sell everything, and pause every symbol that had a position or an open order: without
	 * the pause its strategy would buy again at the next signal. Returns the paused symbols.
	 */
	liquidateAll(): string[] {
		this.note('liquidate_all', null);
		const sold = this.router.symbolsWithOrders();
		for (const book of this.portfolio.all()) if (book.qty !== 0) sold.add(book.symbol);
		for (const s of this.market.strategies) s.forceSell();
		this.router.cancelUnowned(null, 'manual');
		const paused = [...sold].filter(symbol => this.market.strategiesFor(symbol).length > 0).sort();
		for (const symbol of paused) if (!this.market.strategiesFor(symbol).every(s => s.paused)) this.pause(symbol);
		if (paused.length > 0) this.core.log(null, 'info', `liquidate: paused ${paused.join(', ')} so no strategy buys again (p resumes)`);
		this.router.deliverHeld();
		this.core.changed();
		return paused;
	}

	/** The kill switch: strategies may send nothing more; open orders are canceled. */
	killSwitch(): void {
		this.note('kill_switch', null);
		if (!this.risk) return;
		this.risk.kill();
		this.router.cancelAll('manual');
		this.router.deliverHeld();
		this.core.changed();
	}
}
