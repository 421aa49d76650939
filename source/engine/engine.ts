/**
 * The trading engine: fans market events out to per-symbol strategies, routes their orders
 * to the broker port and the broker's events back, keeps positions and P&L, journals
 * everything and answers operator commands. Pure: no I/O but through its ports, no clock
 * but the market time it is given. The same engine runs backtest, sim, paper and live.
 */
import {formatMicros, type Micros} from '../core/money.js';
import {sessionTimes, type SessionTimes} from '../core/time.js';
import type {Bar, BrokerState, CancelReason, Mode, Order, OrderEvent, OrderReason, Quote, StrategyName, Trade} from '../core/types.js';
import {nullJournal, orderSubmittedRecord, orderUpdateRecord, type CommandName, type Journal, type JournalRecord} from '../journal/records.js';
import type {Broker} from '../ports/broker.js';
import type {OrderSpec, PositionState, StrategyContext, SubmitResult, SymbolStrategy} from './context.js';
import {MarketGuard, tradeProblem} from './market-guard.js';
import {OrderIdFactory, parseClientOrderId} from './order-ids.js';
import {OrderHistory, type OrderRecord} from './order-history.js';
import {Portfolio, type PositionBook} from './portfolio.js';
import {RiskGuard, type RiskLimits} from './risk.js';
import type {LogLine, RiskView} from './snapshot.js';

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

interface OrderEntry {
	readonly strategy: StrategyName;
	readonly symbol: string;
	owner: SymbolStrategy | null;
	order: Order | null;
	/** An order this session neither placed nor found at the broker: no strategy hears of it. */
	foreign?: boolean;
	/** The position book fills go to, found on the first fill. */
	book?: PositionBook;
}

export type StrategyFactory = (ctx: StrategyContext, book: (symbol: string) => PositionBook) => SymbolStrategy;

export class Engine {
	readonly portfolio = new Portfolio();
	readonly ids: OrderIdFactory;
	/** Strategies in symbol order (then scalp before hft), the order checkups and commands use. */
	readonly strategies: SymbolStrategy[] = [];
	private readonly bySymbol = new Map<string, SymbolStrategy[]>();
	private readonly orders = new Map<string, OrderEntry>();
	/**
	 * Last price per symbol, and the first of the current session (reset when a session
	 * begins; the console's "change since the open"): one lookup per market event.
	 */
	private readonly prices = new Map<string, {last: Micros; first: Micros}>();
	private readonly contexts = new Map<StrategyName, StrategyContext>();
	private readonly changeListeners = new Set<() => void>();
	private nowMs = 0;
	private nowNsValue = 0;
	private currentSession: SessionTimes | null = null;
	private submitting: string | null = null;
	private submitRefusal: string | null = null;
	/** False with the null journal: records are not even built (backtest hot path). */
	private readonly journaling: boolean;
	/** Set at shutdown (and by the kill switch): strategies may no longer send orders. */
	private haltedReason: string | null = null;
	/**
	 * The `order_submitted` line of the order being placed, written when the broker first
	 * answers for it; dropped when the broker refuses the order at once (a refused order was
	 * never submitted: the original's submit call raised). Its `rejected` update stays.
	 */
	private pendingSubmitted: JournalRecord | null = null;
	readonly risk: RiskGuard | null;
	/**
	 * Equity at the start of the trading day: the broker's last_equity (paper/live) or, where
	 * the broker has none (SIM), this engine's equity when the session began. Day P&L (header
	 * and loss guard alike) is equity now minus this; null before the first session.
	 */
	private dayStartEquity: Micros | null = null;
	/** Guard trips / kill switch persisted by an earlier run, applied when its day begins. */
	private pendingRiskRestore: {readonly date: string; readonly killed: boolean; readonly dailyLoss: boolean} | null = null;
	/** Bad market events are dropped here, before any strategy sees them. */
	readonly marketGuard = new MarketGuard();
	/** The console's order list per symbol (only with a log sink: backtests skip it). */
	private readonly history: OrderHistory | null;

	constructor(private readonly options: EngineOptions) {
		this.journaling = options.journal !== nullJournal;
		this.history = options.logSink ? new OrderHistory() : null;
		this.risk = options.risk ? new RiskGuard(options.risk, this.riskHost()) : null;
		this.ids = new OrderIdFactory(options.runTag);
		options.broker.onOrderEvent(event => this.onOrderEvent(event));
	}

	get mode(): Mode {
		return this.options.mode;
	}

	get journal(): Journal {
		return this.options.journal;
	}

	/** Add a strategy; `make` receives the context bound to its kind. */
	add(kind: StrategyName, make: StrategyFactory): SymbolStrategy {
		const ctx = this.context(kind);
		const strategy = make(ctx, symbol => this.portfolio.book(kind, symbol));
		this.strategies.push(strategy);
		this.strategies.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : a.kind === b.kind ? 0 : a.kind === 'scalp' ? -1 : 1));
		const list = this.bySymbol.get(strategy.symbol) ?? [];
		list.push(strategy);
		this.bySymbol.set(strategy.symbol, list);
		return strategy;
	}

	strategiesFor(symbol: string): readonly SymbolStrategy[] {
		return this.bySymbol.get(symbol) ?? [];
	}

	// --- time and sessions ---------------------------------------------------------------

	setTime(ms: number, ns = 0): void {
		this.nowMs = ms;
		this.nowNsValue = ns;
	}

	get now(): number {
		return this.nowMs;
	}

	get session(): SessionTimes | null {
		return this.currentSession;
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
		const isNew = options.newSession ?? this.currentSession?.date !== date;
		this.currentSession = sessionTimes(date);
		this.reconcile(state);
		if (isNew) {
			for (const slot of this.prices.values()) slot.first = 0;
			for (const strategy of this.strategies) strategy.beginSession();
			this.risk?.resetSession();
			if (state.lastEquity === undefined) this.dayStartEquity = this.equity();
		}
		// The broker's figure wins whenever it has one: a restart keeps counting from its close.
		if (state.lastEquity !== undefined) this.dayStartEquity = state.lastEquity;
		else if (this.dayStartEquity === null) this.dayStartEquity = this.equity();
		this.applyRiskRestore(date);
		for (const strategy of this.strategies) {
			const mine = state.openOrders.filter(order => this.entryFor(order).owner === strategy).map(order => order);
			strategy.rebuild(mine, nowMs);
		}
		this.changed();
	}

	/** Adopt the broker's cash, positions and open orders (start, reconnect, new session). */
	reconcile(state: BrokerState): void {
		this.portfolio.cash = state.cash;
		const notes = this.portfolio.reconcile(state.positions, symbol => this.primaryStrategy(symbol));
		for (const note of notes) this.log(null, 'warn', `reconcile: ${note}`);
		const open = new Set(state.openOrders.map(o => o.clientOrderId));
		for (const [id, _entry] of this.orders) if (!open.has(id)) this.orders.delete(id);
		for (const order of state.openOrders) {
			this.ids.observe(order.clientOrderId);
			// The broker lists it: an order kept away from the strategies is adopted now.
			if (this.orders.get(order.clientOrderId)?.foreign) this.orders.delete(order.clientOrderId);
			const entry = this.entryFor(order);
			entry.order = order;
		}
	}

	private primaryStrategy(symbol: string): StrategyName {
		return this.bySymbol.get(symbol)?.[0]?.kind ?? 'manual';
	}

	/** Find or create the routing entry of an order the broker reports. */
	private entryFor(order: Order): OrderEntry {
		let entry = this.orders.get(order.clientOrderId);
		if (entry) return entry;
		const parsed = parseClientOrderId(order.clientOrderId);
		const candidates = this.bySymbol.get(order.symbol) ?? [];
		const owner = (parsed && candidates.find(s => s.kind === parsed.strategy)) ?? (parsed?.strategy === 'manual' ? null : candidates[0]) ?? null;
		entry = {strategy: owner?.kind ?? parsed?.strategy ?? 'manual', symbol: order.symbol, owner, order};
		this.orders.set(order.clientOrderId, entry);
		return entry;
	}

	// --- market events -------------------------------------------------------------------

	/** Step 1 of bar mode: the bar's close becomes the symbol's last trade price. */
	setLastPrice(symbol: string, price: Micros): void {
		const slot = this.prices.get(symbol);
		if (slot) {
			slot.last = price;
			if (slot.first === 0) slot.first = price;
		} else this.prices.set(symbol, {last: price, first: price});
	}

	lastPrice(symbol: string): Micros {
		return this.prices.get(symbol)?.last ?? 0;
	}

	/** The symbol's price slot, for replays that set the last price on every bar. */
	priceSlot(symbol: string): {last: Micros; first: Micros} {
		let slot = this.prices.get(symbol);
		if (!slot) {
			slot = {last: 0, first: 0};
			this.prices.set(symbol, slot);
		}
		return slot;
	}

	/** The current session's first price (0 before one is known). */
	firstPrice(symbol: string): Micros {
		return this.prices.get(symbol)?.first ?? 0;
	}

	onBar(bar: Bar, arrivalMs: number): void {
		const list = this.bySymbol.get(bar.symbol);
		if (!list) return;
		const bad = this.marketGuard.checkBar(bar);
		if (bad !== null) return this.dropInput(bar.symbol, bad);
		for (const strategy of list) {
			const withBars = strategy as SymbolStrategy & {onBar?(bar: Bar, nowMs: number): void};
			withBars.onBar?.(bar, arrivalMs);
		}
	}

	onQuote(quote: Quote): void {
		const list = this.bySymbol.get(quote.symbol);
		if (!list) return;
		const bad = this.marketGuard.checkQuote(quote);
		if (bad !== null) return this.dropInput(quote.symbol, bad);
		for (const strategy of list) (strategy as SymbolStrategy & {onQuote?(q: Quote): void}).onQuote?.(quote);
	}

	onTrade(trade: Trade): void {
		const list = this.bySymbol.get(trade.symbol);
		if (!list) {
			if (tradeProblem(trade) === null) this.setLastPrice(trade.symbol, trade.price);
			return;
		}
		const bad = this.marketGuard.checkTrade(trade);
		if (bad !== null) return this.dropInput(trade.symbol, bad);
		this.setLastPrice(trade.symbol, trade.price);
		for (const strategy of list) (strategy as SymbolStrategy & {onTrade?(t: Trade): void}).onTrade?.(trade);
	}

	/** A bad market event was dropped: report it (an empty line means rate-limited). */
	private dropInput(symbol: string, line: string): void {
		if (line !== '') this.error(symbol, line);
	}

	/** The periodic checkup, for every strategy of the run in symbol order. */
	checkup(nowMs: number): void {
		this.risk?.evaluate();
		const list = this.strategies;
		for (let i = 0; i < list.length; i++) list[i]!.checkup(nowMs);
	}

	/** Tell listeners (the console's store) that something visible changed. */
	changed(): void {
		if (this.changeListeners.size === 0) return;
		for (const listener of this.changeListeners) listener();
	}

	onChange(listener: () => void): () => void {
		this.changeListeners.add(listener);
		return () => this.changeListeners.delete(listener);
	}

	// --- orders --------------------------------------------------------------------------

	/** Stop every new order (shutdown, kill switch); cancels still go out. */
	halt(reason: string): void {
		this.haltedReason = reason;
	}

	get halted(): string | null {
		return this.haltedReason;
	}

	private submit(kind: StrategyName, spec: OrderSpec, reason: OrderReason, intent: string, owner: SymbolStrategy | null): SubmitResult {
		const clientOrderId = this.ids.next(kind, spec.symbol, intent);
		if (this.haltedReason !== null) {
			this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, this.nowMs, `not sent: ${this.haltedReason}`);
			this.log(spec.symbol, 'warn', `not sent (${this.haltedReason}): ${spec.side} ${spec.qty} ${spec.type}`);
			return {accepted: false, clientOrderId, message: this.haltedReason};
		}
		const sent = spec.limitPrice !== null && this.options.broker.conformLimitPrice ? this.options.broker.conformLimitPrice(spec.limitPrice) : spec.limitPrice;
		if (sent !== spec.limitPrice) {
			// Journal, risk check and order carry the price that goes out (170.0701 -> 170.07).
			this.log(
				spec.symbol,
				'info',
				`limit ${formatMicros(spec.limitPrice!, 2)} sent as ${formatMicros(sent!, 2)} (the broker takes whole cents at or above $1)`,
			);
			spec = {...spec, limitPrice: sent};
		}
		const veto = this.risk?.check(spec, kind, reason) ?? null;
		const submitted: JournalRecord | null = this.journaling ? orderSubmittedRecord(this.nowMs, spec, kind, clientOrderId, reason) : null;
		if (veto !== null) {
			if (submitted) this.options.journal.write(submitted);
			const refused = {symbol: spec.symbol, clientOrderId, id: '', filledQty: 0, filledNotional: 0};
			this.options.journal.write(orderUpdateRecord(this.nowMs, refused, 'rejected', this.portfolio.symbolQty(spec.symbol), veto));
			this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, this.nowMs, veto);
			this.log(spec.symbol, 'warn', `order refused by risk guard: ${veto}`);
			return {accepted: false, clientOrderId, message: veto};
		}
		this.orders.set(clientOrderId, {strategy: kind, symbol: spec.symbol, owner, order: null});
		this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, this.nowMs);
		if (this.options.logSink) {
			const price = spec.limitPrice === null ? 'market' : `@ ${(spec.limitPrice / 1e6).toFixed(2)}`;
			this.log(spec.symbol, 'info', `submit ${spec.side} ${spec.qty} ${price} (${reason})`);
		}
		this.submitting = clientOrderId;
		this.submitRefusal = null;
		this.pendingSubmitted = submitted;
		try {
			this.options.broker.submitOrder({
				symbol: spec.symbol,
				side: spec.side,
				type: spec.type,
				qty: spec.qty,
				limitPrice: spec.limitPrice,
				timeInForce: spec.timeInForce,
				clientOrderId,
			});
		} finally {
			this.submitting = null;
			if (this.pendingSubmitted) this.options.journal.write(this.pendingSubmitted);
			this.pendingSubmitted = null;
		}
		const refusal = this.submitRefusal;
		if (refusal !== null) {
			this.submitRefusal = null;
			return {accepted: false, clientOrderId, message: refusal};
		}
		this.changed();
		return {accepted: true, clientOrderId};
	}

	private requestCancel(clientOrderId: string, symbol: string, reason: CancelReason): void {
		if (this.journaling) this.options.journal.write({ts: this.nowMs, type: 'cancel_requested', symbol, client_order_id: clientOrderId, reason});
		if (this.options.logSink) this.log(symbol, 'info', `cancel ${clientOrderId} (${reason})`);
		this.options.broker.cancelOrder(clientOrderId);
	}

	private onOrderEvent(event: OrderEvent): void {
		const order = event.order;
		if (this.pendingSubmitted !== null && this.submitting === order.clientOrderId) {
			if (!event.atSubmission) this.options.journal.write(this.pendingSubmitted);
			this.pendingSubmitted = null;
		}
		const entry = this.orders.get(order.clientOrderId) ?? this.unknownOrder(event);
		entry.order = order;
		if (event.ms > this.nowMs || (event.ms === this.nowMs && event.ns > this.nowNsValue)) this.setTime(event.ms, event.ns);
		this.history?.event(event, this.nowMs);
		if ((event.event === 'fill' || event.event === 'partial_fill') && event.fillQty > 0) {
			const book = entry.book ?? (entry.book = this.portfolio.book(entry.strategy, order.symbol));
			book.apply(order.side, event.fillQty, event.fillPrice);
			this.portfolio.cash += (order.side === 'buy' ? -1 : 1) * event.fillQty * event.fillPrice;
		}
		if (this.journaling) this.options.journal.write(orderUpdateRecord(this.nowMs, order, event.event, event.positionQty, event.message));
		if (this.options.logSink) this.logOrderEvent(event);
		const terminal =
			event.event === 'fill' || event.event === 'canceled' || event.event === 'rejected' || event.event === 'expired' || event.event === 'replaced';
		if (terminal) this.orders.delete(order.clientOrderId);
		if (event.atSubmission && this.submitting === order.clientOrderId) {
			// Refused while being placed: the submit call reports it to the strategy.
			this.submitRefusal = event.message ?? 'rejected';
			return;
		}
		entry.owner?.onOrderEvent(event);
		this.changed();
	}

	/**
	 * An event for an order the engine has no entry for. Before the first session began (the
	 * stream can speak before the broker state is read) and for this run's own ids it is
	 * adopted as usual; the rebuild from the broker decides. Otherwise (another run's order the
	 * broker did not list at the last rebuild, another client's, a garbled id) it is journaled
	 * as an error and kept away from the strategies: its fills go to the `manual` book so the
	 * positions still add up to the broker's, but no strategy trades on it. The next rebuild
	 * adopts it if the broker then lists it as open.
	 */
	private unknownOrder(event: OrderEvent): OrderEntry {
		const order = event.order;
		const parsed = parseClientOrderId(order.clientOrderId);
		if (this.currentSession === null || parsed?.runTag === this.ids.runTag) return this.entryFor(order);
		const entry: OrderEntry = {strategy: 'manual', symbol: order.symbol, owner: null, order, foreign: true};
		this.orders.set(order.clientOrderId, entry);
		this.error(
			order.symbol === '' ? null : order.symbol,
			`${event.event} for unknown order ${JSON.stringify(order.clientOrderId)} (${order.symbol || 'no symbol'} ${order.side} ${order.qty}): not placed by this session nor listed by the broker; no strategy acts on it`,
		);
		return entry;
	}

	private logOrderEvent(event: OrderEvent): void {
		const o = event.order;
		const what =
			event.event === 'fill' || event.event === 'partial_fill'
				? `${event.event} ${o.side} ${event.fillQty} @ ${(event.fillPrice / 1e6).toFixed(4).replace(/0{1,2}$/, '')}`
				: `${o.side} ${o.type} ${event.event}${event.message ? `: ${event.message}` : ''}`;
		this.log(o.symbol, event.event === 'rejected' ? 'warn' : 'info', what);
	}

	/** The symbol's recent orders with status and fills, oldest first (console only; else empty). */
	orderHistory(symbol: string): readonly OrderRecord[] {
		return this.history?.list(symbol) ?? [];
	}

	/** Orders the engine knows to be open (for exposure checks and the console). */
	openOrders(): Order[] {
		const out: Order[] = [];
		for (const entry of this.orders.values()) if (entry.order && entry.order.status !== 'canceled') out.push(entry.order);
		return out;
	}

	openOrderCount(): number {
		return this.orders.size;
	}

	// --- operator commands ---------------------------------------------------------------

	private command(command: CommandName, symbol: string | null): void {
		this.options.journal.write({ts: this.nowMs, type: 'command', command, symbol});
		this.log(symbol, 'info', `operator: ${command.replace('_', ' ')}${symbol ? '' : ' (all)'}`);
	}

	pause(symbol: string): void {
		this.command('pause', symbol);
		for (const s of this.strategiesFor(symbol)) s.pause();
		this.changed();
	}

	resume(symbol: string): void {
		this.command('resume', symbol);
		for (const s of this.strategiesFor(symbol)) s.resume();
		this.changed();
	}

	forceSell(symbol: string): void {
		this.command('force_sell', symbol);
		for (const s of this.strategiesFor(symbol)) s.forceSell();
		this.changed();
	}

	cancel(symbol: string): void {
		this.command('cancel', symbol);
		for (const s of this.strategiesFor(symbol)) s.cancelOrders();
		this.cancelUnowned(symbol, 'manual');
		this.changed();
	}

	/**
	 * Sell everything, and pause every symbol that had a position or an open order: without
	 * the pause its strategy would buy again at the next signal. Returns the paused symbols.
	 */
	liquidateAll(): string[] {
		this.command('liquidate_all', null);
		const sold = new Set<string>();
		for (const entry of this.orders.values()) sold.add(entry.symbol);
		for (const book of this.portfolio.all()) if (book.qty !== 0) sold.add(book.symbol);
		for (const s of this.strategies) s.forceSell();
		this.cancelUnowned(null, 'manual');
		const paused = [...sold].filter(symbol => this.strategiesFor(symbol).length > 0).sort();
		for (const symbol of paused) if (!this.strategiesFor(symbol).every(s => s.paused)) this.pause(symbol);
		if (paused.length > 0) this.log(null, 'info', `liquidate: paused ${paused.join(', ')} so no strategy buys again (p resumes)`);
		this.changed();
		return paused;
	}

	/** Journal an operator command handled outside the engine (quit, kill switch). */
	note(command: CommandName, symbol: string | null = null): void {
		this.command(command, symbol);
	}

	/** Cancel every open order (shutdown). */
	cancelAll(reason: CancelReason): void {
		for (const [id, entry] of [...this.orders]) this.requestCancel(id, entry.symbol, reason);
	}

	private cancelUnowned(symbol: string | null, reason: CancelReason): void {
		for (const [id, entry] of [...this.orders]) {
			if (entry.owner === null && (symbol === null || entry.symbol === symbol)) this.requestCancel(id, entry.symbol, reason);
		}
	}

	/** The operator's kill switch: strategies may send nothing more; open orders are canceled. */
	killSwitch(): void {
		this.command('kill_switch', null);
		if (!this.risk) return;
		this.risk.kill();
		this.cancelAll('manual');
		this.changed();
	}

	riskView(): RiskView | null {
		return this.risk?.view() ?? null;
	}

	realizedTotal(): Micros {
		let total = 0;
		for (const book of this.portfolio.all()) total += book.realized;
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
			equity += last > 0 ? book.qty * last : book.costBasis;
		}
		return equity;
	}

	/** The trading day's P&L: equity now minus equity at the day's start (0 before a session). */
	dayPnl(): Micros {
		return this.dayStartEquity === null ? 0 : this.equity() - this.dayStartEquity;
	}

	/**
	 * Re-apply a kill switch / loss-limit trip an earlier run persisted, once the session of
	 * `date` begins; a different trading day discards it (guards start over each day).
	 */
	restoreRisk(saved: {readonly date: string; readonly killed: boolean; readonly dailyLoss: boolean}): void {
		this.pendingRiskRestore = saved;
	}

	private applyRiskRestore(date: string): void {
		const saved = this.pendingRiskRestore;
		if (saved === null || !this.risk) return;
		this.pendingRiskRestore = null;
		if (saved.date !== date) return;
		const restored = this.risk.restore(saved.killed, saved.dailyLoss);
		for (const guard of restored) {
			this.options.journal.write({
				ts: this.nowMs,
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
	riskPersisted(): {readonly date: string; readonly killed: boolean; readonly dailyLoss: boolean} | null {
		if (!this.risk || !this.currentSession) return null;
		const {killed, dailyLoss} = this.risk.persisted();
		return killed || dailyLoss ? {date: this.currentSession.date, killed, dailyLoss} : null;
	}

	private riskHost(): import('./risk.js').RiskHost {
		return {
			now: () => this.nowMs,
			dayPnl: () => this.dayPnl(),
			symbolQty: symbol => this.portfolio.symbolQty(symbol),
			lastPrice: symbol => this.lastPrice(symbol),
			journalRisk: (guard, message, symbol) => {
				this.options.journal.write({ts: this.nowMs, type: 'risk', guard, message, symbol});
				this.log(symbol, 'warn', `risk: ${message}`);
				// Listeners persist the trip (operator-state.ts) and redraw the header.
				this.changed();
			},
			flattenAll: () => {
				for (const s of this.strategies) s.forceSell();
			},
		};
	}

	hasExposure(): boolean {
		if (this.orders.size > 0) return true;
		for (const book of this.portfolio.all()) if (book.qty !== 0) return true;
		return false;
	}

	// --- logging -------------------------------------------------------------------------

	log(symbol: string | null, level: LogLine['level'], text: string): void {
		this.options.logSink?.({ms: this.nowMs, symbol, level, text});
	}

	error(symbol: string | null, message: string): void {
		this.options.journal.write({ts: this.nowMs, type: 'error', message, symbol});
		this.log(symbol, 'error', message);
	}

	// --- contexts ------------------------------------------------------------------------

	private context(kind: StrategyName): StrategyContext {
		const existing = this.contexts.get(kind);
		if (existing) return existing;
		const ctx: StrategyContext = {
			strategy: kind,
			now: () => this.nowMs,
			nowNs: () => this.nowNsValue,
			session: () => this.currentSession,
			lastPrice: symbol => this.lastPrice(symbol),
			position: (symbol): PositionState => this.portfolio.book(kind, symbol),
			submit: (order, reason, intent) => this.submit(kind, order, reason, intent, this.strategiesFor(order.symbol).find(s => s.kind === kind) ?? null),
			cancel: (id, symbol, reason) => this.requestCancel(id, symbol, reason),
			transition: (symbol, from, to) => {
				if (this.journaling) this.options.journal.write({ts: this.nowMs, type: 'state', symbol, strategy: kind, from, to});
				if (this.options.logSink) this.log(symbol, 'info', `${from} -> ${to}`);
			},
			signal: (symbol, fields) => {
				if (this.journaling) this.options.journal.write({ts: this.nowMs, type: 'signal', symbol, strategy: kind, ...fields});
				if (this.options.logSink) this.log(symbol, 'info', `signal ${JSON.stringify(fields)}`);
			},
			error: (symbol, message) => this.error(symbol, message),
			logging: this.options.logSink !== undefined,
			log: (symbol, level, text) => this.log(symbol, level, text),
		};
		this.contexts.set(kind, ctx);
		return ctx;
	}
}
