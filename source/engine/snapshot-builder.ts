/** Builds the console's EngineSnapshot from the engine (pure; called at most once per frame). */
import type {Mode} from '../core/types.js';
import {SMA_WINDOW} from '../strategies/signal.js';
import type {ConnectionState} from '../ports/market-data.js';
import type {Engine} from './engine.js';
import type {EngineSnapshot, LogLine, RiskView, SymbolView} from './snapshot.js';
import {microsToNumber} from '../core/money.js';

export interface SnapshotExtras {
	readonly mode: Mode;
	readonly connection: ConnectionState;
	readonly speed: number | null;
	readonly log: readonly LogLine[];
	readonly risk: RiskView | null;
	readonly finished: boolean;
	/** Market time to show (the sim clock runs smoothly between bar arrivals). */
	readonly displayMs?: number;
	/** Strategy parameters: the header line and the end-of-day exit time (`--eod`). */
	readonly params?: SessionParams;
	/** Symbols whose bars are synthetic (SIM without recorded data for them). */
	readonly syntheticBars?: ReadonlySet<string>;
	/** The tick-taker trades a synthetic book (SIM). */
	readonly syntheticTicks?: boolean;
	/** Name of the custom buy signal, if one is configured. */
	readonly signalName?: string | null;
}

export interface SessionParams {
	/** One line in flag names ("sma 20 · take-profit 0.01 · ..."). */
	readonly text: string;
	/** New York time of day of the end-of-day exit, ms after midnight. */
	readonly eodMs: number;
	/** The same values as JSON (journaled with the session's start). */
	readonly json: Record<string, unknown>;
	/** Bars in the scalper's SMA (the panels' legend). */
	readonly smaLength?: number;
}

export function buildSnapshot(engine: Engine, extras: SnapshotExtras): EngineSnapshot {
	const now = extras.displayMs ?? engine.now;
	const session = engine.session;
	const symbols: SymbolView[] = [];
	let unrealized = 0;
	let realized = 0;
	let positionValue = 0;
	for (const strategy of engine.strategies) {
		const view = strategy.view();
		const book = engine.portfolio.book(strategy.kind, strategy.symbol);
		const last = engine.lastPrice(strategy.symbol);
		const first = engine.firstPrice(strategy.symbol);
		const u = book.unrealized(last);
		unrealized += u;
		realized += book.realized;
		positionValue += book.qty * last;
		const order = view.openOrder;
		symbols.push({
			symbol: strategy.symbol,
			strategy: strategy.kind === 'hft' ? 'hft' : 'scalp',
			state: view.state,
			paused: strategy.paused,
			lastPrice: last > 0 ? microsToNumber(last) : null,
			change: last > 0 && first > 0 ? microsToNumber(last - first) : null,
			synthetic: strategy.kind === 'hft' ? extras.syntheticTicks === true : extras.syntheticBars?.has(strategy.symbol) === true,
			closes: view.chart?.closes ?? [],
			sma: view.chart?.sma ?? [],
			openOrder: order
				? {
						clientOrderId: order.clientOrderId,
						side: order.side,
						type: order.type,
						qty: order.qty,
						filledQty: order.filledQty,
						limitPrice: order.limitPrice === null ? null : microsToNumber(order.limitPrice),
						ageMs: Math.max(0, engine.now - order.submittedMs),
					}
				: null,
			position: book.qty !== 0 ? {qty: book.qty, avgPrice: microsToNumber(book.costBasis / book.qty), unrealizedPnl: microsToNumber(u)} : null,
			realizedPnl: microsToNumber(book.realized),
			trades: view.roundTrips,
			hft: view.hft ?? null,
			orders: engine.orderHistory(strategy.symbol),
		});
	}
	const cash = engine.portfolio.cash;
	let sessionState: EngineSnapshot['sessionState'] = 'closed';
	if (session) sessionState = now < session.open ? 'pre' : now < session.close ? 'open' : 'closed';
	return {
		mode: extras.mode,
		nowMs: now,
		sessionDate: session?.date ?? null,
		sessionState,
		liquidationMs: session ? (extras.params ? session.midnight + extras.params.eodMs : session.liquidation) : null,
		speed: extras.speed,
		equity: microsToNumber(cash + positionValue),
		cash: microsToNumber(cash),
		realizedPnl: microsToNumber(realized),
		unrealizedPnl: microsToNumber(unrealized),
		dayPnl: microsToNumber(engine.dayPnl()),
		connection: extras.connection,
		symbols,
		log: extras.log,
		risk: extras.risk,
		finished: extras.finished,
		...(extras.params ? {params: extras.params.text} : {}),
		signalName: extras.signalName ?? null,
		smaLength: extras.params?.smaLength ?? SMA_WINDOW,
	};
}
