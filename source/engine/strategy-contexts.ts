/**
 * The StrategyContext of each strategy kind: market time, prices, the kind's own position
 * (two strategies on one symbol never see each other's shares), orders through the router,
 * and `state` / `signal` journal lines stamped with the kind. One context per kind, made once.
 */
import type {Micros} from '../core/money.js';
import type {SessionTimes} from '../core/time.js';
import type {CancelReason, OrderReason, StrategyName} from '../core/types.js';
import type {OrderSpec, PositionState, StrategyContext, SubmitResult, SymbolStrategy} from './context.js';
import type {EngineCore} from './engine-core.js';
import type {MarketFanout} from './market-fanout.js';
import type {OrderRouter} from './order-router.js';
import type {Portfolio} from './portfolio.js';
import type {LogLine} from './snapshot.js';

export class StrategyContexts {
	private readonly byKind = new Map<StrategyName, StrategyContext>();

	constructor(
		private readonly core: EngineCore,
		private readonly market: MarketFanout,
		private readonly router: OrderRouter,
		private readonly portfolio: Portfolio,
	) {}

	for(kind: StrategyName): StrategyContext {
		let ctx = this.byKind.get(kind);
		if (!ctx) this.byKind.set(kind, (ctx = new KindContext(kind, this.core, this.market, this.router, this.portfolio)));
		return ctx;
	}
}

/**
 * A class, not an object of arrow functions: its methods are the same functions in every
 * engine, so a strategy's calls into its context keep one target from run to run. With
 * closures made per engine, each new backtest on a thread (every sweep job) called new
 * functions, and V8 threw away the optimized strategy code that had bound the last run's.
 */
class KindContext implements StrategyContext {
	readonly logging: boolean;
	readonly recording: boolean;

	constructor(
		readonly strategy: StrategyName,
		private readonly core: EngineCore,
		private readonly market: MarketFanout,
		private readonly router: OrderRouter,
		private readonly portfolio: Portfolio,
	) {
		this.logging = core.logging;
		this.recording = core.journaling || core.logging;
	}

	now(): number {
		return this.core.nowMs;
	}

	nowNs(): number {
		return this.core.nowNs;
	}

	session(): SessionTimes | null {
		return this.core.session;
	}

	lastPrice(symbol: string): Micros {
		return this.market.lastPrice(symbol);
	}

	position(symbol: string): PositionState {
		return this.portfolio.book(this.strategy, symbol);
	}

	submit(order: OrderSpec, reason: OrderReason, intent: string): SubmitResult {
		const kind = this.strategy;
		return this.router.submit(kind, order, reason, intent, ownStrategy(this.market.strategiesFor(order.symbol), kind));
	}

	cancel(clientOrderId: string, symbol: string, reason: CancelReason): void {
		this.router.cancel(clientOrderId, symbol, reason);
	}

	transition(symbol: string, from: string, to: string): void {
		const core = this.core;
		if (core.journaling) core.journal.write({ts: core.nowMs, type: 'state', symbol, strategy: this.strategy, from, to});
		if (core.logging) core.log(symbol, 'info', `${from} -> ${to}`);
	}

	signal(symbol: string, fields: Record<string, unknown>): void {
		const core = this.core;
		if (core.journaling) core.journal.write({ts: core.nowMs, type: 'signal', symbol, strategy: this.strategy, ...fields});
		if (core.logging) core.log(symbol, 'info', `signal ${JSON.stringify(fields)}`);
	}

	error(symbol: string | null, message: string): void {
		this.core.error(symbol, message);
	}

	log(symbol: string | null, level: LogLine['level'], text: string): void {
		this.core.log(symbol, level, text);
	}
}

/** The symbol's strategy of this kind (a loop: no closure per order). */
function ownStrategy(list: readonly SymbolStrategy[], kind: StrategyName): SymbolStrategy | null {
	for (let i = 0; i < list.length; i++) if (list[i]!.kind === kind) return list[i]!;
	return null;
}
