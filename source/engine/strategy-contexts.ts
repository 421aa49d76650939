/**
 * The StrategyContext of each strategy kind: market time, prices, the kind's own position
 * (two strategies on one symbol never see each other's shares), orders through the router,
 * and `state` / `signal` journal lines stamped with the kind. One context per kind, made once.
 */
import type {StrategyName} from '../core/types.js';
import type {PositionState, StrategyContext, SymbolStrategy} from './context.js';
import type {EngineCore} from './engine-core.js';
import type {MarketFanout} from './market-fanout.js';
import type {OrderRouter} from './order-router.js';
import type {Portfolio} from './portfolio.js';

export class StrategyContexts {
	private readonly byKind = new Map<StrategyName, StrategyContext>();

	constructor(
		private readonly core: EngineCore,
		private readonly market: MarketFanout,
		private readonly router: OrderRouter,
		private readonly portfolio: Portfolio,
	) {}

	for(kind: StrategyName): StrategyContext {
		const existing = this.byKind.get(kind);
		if (existing) return existing;
		const {core, market, router, portfolio} = this;
		const ctx: StrategyContext = {
			strategy: kind,
			now: () => core.nowMs,
			nowNs: () => core.nowNs,
			session: () => core.session,
			lastPrice: symbol => market.lastPrice(symbol),
			position: (symbol): PositionState => portfolio.book(kind, symbol),
			submit: (order, reason, intent) => router.submit(kind, order, reason, intent, ownStrategy(market.strategiesFor(order.symbol), kind)),
			cancel: (id, symbol, reason) => router.cancel(id, symbol, reason),
			transition: (symbol, from, to) => {
				if (core.journaling) core.journal.write({ts: core.nowMs, type: 'state', symbol, strategy: kind, from, to});
				if (core.logging) core.log(symbol, 'info', `${from} -> ${to}`);
			},
			signal: (symbol, fields) => {
				if (core.journaling) core.journal.write({ts: core.nowMs, type: 'signal', symbol, strategy: kind, ...fields});
				if (core.logging) core.log(symbol, 'info', `signal ${JSON.stringify(fields)}`);
			},
			error: (symbol, message) => core.error(symbol, message),
			logging: core.logging,
			recording: core.journaling || core.logging,
			log: (symbol, level, text) => core.log(symbol, level, text),
		};
		this.byKind.set(kind, ctx);
		return ctx;
	}
}

/** The symbol's strategy of this kind (a loop: no closure per order). */
function ownStrategy(list: readonly SymbolStrategy[], kind: StrategyName): SymbolStrategy | null {
	for (let i = 0; i < list.length; i++) if (list[i]!.kind === kind) return list[i]!;
	return null;
}
