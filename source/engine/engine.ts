/**
 * The trading engine: fans market events out to per-symbol strategies, routes their orders
 * to the broker port and the broker's events back, keeps positions and P&L, journals
 * everything and answers operator commands. Pure: no I/O but through its ports, no clock
 * but the market time it is given. The same engine runs backtest, sim, paper and live.
 *
 * This module composes the parts and is the engine's public face: market fan-out and prices
 * (market-fanout.ts), order routing (order-router.ts), operator commands
 * (operator-commands.ts), strategy contexts (strategy-contexts.ts); sessions, equity and the
 * risk guards' day are kept here.
 */
import {addMicros, type Micros, mulQty, subMicros, ZERO_MICROS} from '../core/money.js';
import {sessionTimes, type SessionTimes} from '../core/time.js';
import type {Bar, BrokerState, CancelReason, Mode, Order, Quote, StrategyName, Trade} from '../core/types.js';
import type {CommandName, Journal} from '../journal/records.js';
import type {Broker} from '../ports/broker.js';
import type {StrategyContext, SymbolStrategy} from './context.js';
import {EngineCore} from './engine-core.js';
import {MarketFanout, type PriceSlot} from './market-fanout.js';
import type {MarketGuard} from './market-guard.js';
import {OperatorCommands} from './operator-commands.js';
import type {OrderIdFactory} from './order-ids.js';
import {OrderHistory, type OrderRecord} from './order-history.js';
import {OrderRouter} from './order-router.js';
import {Portfolio, type PositionBook} from './portfolio.js';
import {RiskGuard, type RiskHost, type RiskLimits} from './risk.js';
import type {LogLine, RiskView} from './snapshot.js';
import {StrategyContexts} from './strategy-contexts.js';

export interface EngineOptions {
	readonly mode: Mode;
	readonly broker: Broker;
	readonly journal: Journal;
	readonly runTag: string;
	/** Receives log lines (console, log file); omit in backtests to skip building them. */
	readonly logSink?: (line: LogLine) => void;
	/** Risk guards (loss limit, order rate, position cap, kill switch); none by default. */
	readonly risk?: RiskLimits;
}

export type StrategyFactory = (ctx: StrategyContext, book: (symbol: string) => PositionBook) => SymbolStrategy;

/** A kill switch / loss-limit trip an earlier run persisted for its trading day. */
type SavedRisk = {readonly date: string; readonly killed: boolean; readonly dailyLoss: boolean};

export class Engine {
	readonly portfolio = new Portfolio();
	readonly ids: OrderIdFactory;
	/** Strategies in symbol order (then scalp before hft), the order checkups and commands use. */
	readonly strategies: SymbolStrategy[];
	/** Bad market events are dropped here, before any strategy sees them. */
	readonly marketGuard: MarketGuard;
	readonly risk: RiskGuard | null;
	private readonly core: EngineCore;
	private readonly market: MarketFanout;
	private readonly router: OrderRouter;
	private readonly commands: OperatorCommands;
	private readonly contexts: StrategyContexts;
	/**
	 * Equity at the start of the trading day: the broker's last_equity (paper/live) or, where
	 * the broker has none (SIM), this engine's equity when the session began. Day P&L (header
	 * and loss guard alike) is equity now minus this; null before the first session.
	 */
	private dayStartEquity: Micros | null = null;
	/** Guard trips / kill switch persisted by an earlier run, applied when its day begins. */
	private pendingRiskRestore: SavedRisk | null = null;

	constructor(private readonly options: EngineOptions) {
		this.core = new EngineCore(options.journal, options.logSink);
		this.market = new MarketFanout(this.core);
		this.strategies = this.market.strategies;
		this.marketGuard = this.market.guard;
		this.risk = options.risk ? new RiskGuard(options.risk, this.riskHost()) : null;
		const history = options.logSink ? new OrderHistory() : null;
		this.router = new OrderRouter(this.core, options.broker, this.portfolio, this.market, this.risk, history, options.runTag);
		this.ids = this.router.ids;
		this.commands = new OperatorCommands(this.core, this.market, this.router, this.portfolio, this.risk);
		this.contexts = new StrategyContexts(this.core, this.market, this.router, this.portfolio);
	}

	get mode(): Mode {
		return this.options.mode;
	}

	get journal(): Journal {
		return this.options.journal;
	}

	/** Add a strategy; `make` receives the context bound to its kind. */
	add(kind: StrategyName, make: StrategyFactory): SymbolStrategy {
		const strategy = make(this.contexts.for(kind), symbol => this.portfolio.book(kind, symbol));
		this.market.add(strategy);
		return strategy;
	}

	strategiesFor(symbol: string): readonly SymbolStrategy[] {
		return this.market.strategiesFor(symbol);
	}

	// --- time and sessions ---------------------------------------------------------------

	setTime(ms: number, ns = 0): void {
		this.core.setTime(ms, ns);
	}

	get now(): number {
		return this.core.nowMs;
	}

	get session(): SessionTimes | null {
		return this.core.session;
	}

	get cash(): Micros {
		return this.portfolio.cash;
	}

	/**
	 * Start a session (or resume after a reconnect/restart) from the broker's state: cash,
	 * positions and open orders; each strategy rebuilds as the original `_init_state` did.
	 */
	beginSession(date: string, state: BrokerState, nowMs: number, options: {newSession?: boolean} = {}): void {
		this.setTime(nowMs);
		const isNew = options.newSession ?? this.core.session?.date !== date;
		this.core.session = sessionTimes(date);
		this.reconcile(state);
		if (isNew) {
			this.market.forgetFirstPrices();
			for (const strategy of this.strategies) strategy.beginSession();
			this.risk?.resetSession();
			if (state.lastEquity === undefined) this.dayStartEquity = this.equity();
		}
		// The broker's figure wins whenever it has one: a restart keeps counting from its close.
		if (state.lastEquity !== undefined) this.dayStartEquity = state.lastEquity;
		else if (this.dayStartEquity === null) this.dayStartEquity = this.equity();
		this.applyRiskRestore(date);
		for (const strategy of this.strategies) {
			const mine = state.openOrders.filter(order => this.router.ownerOf(order) === strategy);
			strategy.rebuild(mine, nowMs);
		}
		this.router.deliverHeld();
		this.changed();
	}

	/** Adopt the broker's cash, positions and open orders (start, reconnect, new session). */
	reconcile(state: BrokerState): void {
		this.portfolio.cash = state.cash;
		const notes = this.portfolio.reconcile(state.positions, symbol => this.market.primaryStrategy(symbol));
		for (const note of notes) this.log(null, 'warn', `reconcile: ${note}`);
		this.router.adopt(state.openOrders);
	}

	// --- market events -------------------------------------------------------------------

	/** Step 1 of bar mode: the bar's close becomes the symbol's last trade price. */
	setLastPrice(symbol: string, price: Micros): void {
		this.market.setLastPrice(symbol, price);
	}

	lastPrice(symbol: string): Micros {
		return this.market.lastPrice(symbol);
	}

	/** The symbol's price slot, for replays that set the last price on every bar. */
	priceSlot(symbol: string): PriceSlot {
		return this.market.priceSlot(symbol);
	}

	/** The current session's first price (0 before one is known). */
	firstPrice(symbol: string): Micros {
		return this.market.firstPrice(symbol);
	}

	// Each input ends with the delivery of order events a simulated broker held back.

	onBar(bar: Bar, arrivalMs: number): void {
		this.market.onBar(bar, arrivalMs);
		this.router.deliverHeld();
	}

	onQuote(quote: Quote): void {
		this.market.onQuote(quote);
		this.router.deliverHeld();
	}

	onTrade(trade: Trade): void {
		this.market.onTrade(trade);
		this.router.deliverHeld();
	}

	/** The periodic checkup, for every strategy of the run in symbol order. */
	checkup(nowMs: number): void {
		this.risk?.evaluate();
		const list = this.strategies;
		for (let i = 0; i < list.length; i++) list[i]!.checkup(nowMs);
		this.router.deliverHeld();
	}

	/** Tell listeners (the console's store) that something visible changed. */
	changed(): void {
		this.core.changed();
	}

	onChange(listener: () => void): () => void {
		return this.core.onChange(listener);
	}

	// --- orders --------------------------------------------------------------------------

	/** Stop every new order (shutdown, kill switch); cancels still go out. */
	halt(reason: string): void {
		this.router.haltedReason = reason;
	}

	get halted(): string | null {
		return this.router.haltedReason;
	}

	/** The symbol's recent orders with status and fills, oldest first (console only; else empty). */
	orderHistory(symbol: string): readonly OrderRecord[] {
		return this.router.orderHistory(symbol);
	}

	/** Orders the engine knows to be open (for exposure checks and the console). */
	openOrders(): Order[] {
		return this.router.openOrders();
	}

	openOrderCount(): number {
		return this.router.openOrderCount();
	}

	/** Orders handed to the broker so far: a state read from the broker while this grew may lack one. */
	get ordersSent(): number {
		return this.router.sentCount;
	}

	/** Cancel every open order (shutdown). */
	cancelAll(reason: CancelReason): void {
		this.router.cancelAll(reason);
		this.router.deliverHeld();
	}

	hasExposure(): boolean {
		if (this.router.openOrderCount() > 0) return true;
		for (const book of this.portfolio.all()) if (book.qty !== 0) return true;
		return false;
	}

	// --- operator commands ---------------------------------------------------------------

	pause(symbol: string): void {
		this.commands.pause(symbol);
	}

	resume(symbol: string): void {
		this.commands.resume(symbol);
	}

	forceSell(symbol: string): void {
		this.commands.forceSell(symbol);
	}

	cancel(symbol: string): void {
		this.commands.cancel(symbol);
	}

	/**
	 * Sell everything, and pause every symbol that had a position or an open order: without
	 * the pause its strategy would buy again at the next signal. Returns the paused symbols.
	 */
	liquidateAll(): string[] {
		return this.commands.liquidateAll();
	}

	/** Journal an operator command handled outside the engine (quit, kill switch). */
	note(command: CommandName, symbol: string | null = null): void {
		this.commands.note(command, symbol);
	}

	/** The operator's kill switch: strategies may send nothing more; open orders are canceled. */
	killSwitch(): void {
		this.commands.killSwitch();
	}

	// --- equity and the risk guards' day ---------------------------------------------------

	riskView(): RiskView | null {
		return this.risk?.view() ?? null;
	}

	realizedTotal(): Micros {
		let total = ZERO_MICROS;
		for (const book of this.portfolio.all()) total = addMicros(total, book.realized);
		return total;
	}

	/**
	 * Cash plus positions at the last price; a position with no price yet (just after a
	 * restart) counts at its cost, so a missing quote never reads as a loss.
	 */
	equity(): Micros {
		let equity = this.portfolio.cash;
		for (const book of this.portfolio.all()) {
			if (book.qty === 0) continue;
			const last = this.lastPrice(book.symbol);
			equity = addMicros(equity, last > 0 ? mulQty(last, book.qty) : book.costBasis);
		}
		return equity;
	}

	/** The trading day's P&L: equity now minus equity at the day's start (0 before a session). */
	dayPnl(): Micros {
		return this.dayStartEquity === null ? ZERO_MICROS : subMicros(this.equity(), this.dayStartEquity);
	}

	/**
	 * Re-apply a kill switch / loss-limit trip an earlier run persisted, once the session of
	 * `date` begins; a different trading day discards it (guards start over each day).
	 */
	restoreRisk(saved: SavedRisk): void {
		this.pendingRiskRestore = saved;
	}

	private applyRiskRestore(date: string): void {
		const saved = this.pendingRiskRestore;
		if (saved === null || !this.risk) return;
		this.pendingRiskRestore = null;
		if (saved.date !== date) return;
		const restored = this.risk.restore(saved.killed, saved.dailyLoss);
		for (const guard of restored) {
			this.journal.write({
				ts: this.now,
				type: 'risk',
				guard,
				message: `${guard.replace('_', ' ')} re-applied: it tripped earlier on ${date} before the restart`,
				symbol: null,
				restored: true,
			});
			this.log(null, 'warn', `risk: ${guard.replace('_', ' ')} re-applied (tripped earlier today, before the restart)`);
		}
	}

	/** What must survive a restart within the trading day (see operator-state.ts). */
	riskPersisted(): SavedRisk | null {
		const session = this.core.session;
		if (!this.risk || !session) return null;
		const {killed, dailyLoss} = this.risk.persisted();
		return killed || dailyLoss ? {date: session.date, killed, dailyLoss} : null;
	}

	private riskHost(): RiskHost {
		return {
			now: () => this.core.nowMs,
			dayPnl: () => this.dayPnl(),
			symbolQty: symbol => this.portfolio.symbolQty(symbol),
			lastPrice: symbol => this.lastPrice(symbol),
			journalRisk: (guard, message, symbol) => {
				this.journal.write({ts: this.now, type: 'risk', guard, message, symbol});
				this.log(symbol, 'warn', `risk: ${message}`);
				// Listeners persist the trip (operator-state.ts) and redraw the header.
				this.changed();
			},
			flattenAll: () => {
				for (const s of this.strategies) s.forceSell();
			},
		};
	}

	// --- logging -------------------------------------------------------------------------

	log(symbol: string | null, level: LogLine['level'], text: string): void {
		this.core.log(symbol, level, text);
	}

	error(symbol: string | null, message: string): void {
		this.core.error(symbol, message);
	}
}
