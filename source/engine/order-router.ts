/**
 * Order routing: strategies' orders out to the broker port (after the halt, the broker's
 * price increments and the risk guards), the broker's events back to the strategy that owns
 * the order, fills into the position books and cash, and every step into the journal.
 */
import {addMicros, formatMicros, microsToNumber, mulQty, ZERO_MICROS} from '../core/money.js';
import {ChurnMap} from '../core/churn-map.js';
import type {CancelReason, Order, OrderEvent, OrderReason, StrategyName} from '../core/types.js';
import {orderSubmittedRecord, orderUpdateRecord, type JournalRecord} from '../journal/records.js';
import type {Broker} from '../ports/broker.js';
import type {OrderSpec, SubmitResult, SymbolStrategy} from './context.js';
import type {EngineCore} from './engine-core.js';
import type {MarketFanout} from './market-fanout.js';
import {OrderIdFactory, parseClientOrderId} from './order-ids.js';
import type {OrderHistory, OrderRecord} from './order-history.js';
import type {Portfolio, PositionBook} from './portfolio.js';
import type {RiskGuard} from './risk.js';

/**
 * Where one order's events go. Every field is set when a route is made: one object shape, no
 * property added (and no shape change) at an order's first fill.
 */
interface Route {
	readonly strategy: StrategyName;
	readonly symbol: string;
	owner: SymbolStrategy | null;
	order: Order | null;
	/** An order this session neither placed nor found at the broker: no strategy hears of it. */
	readonly foreign: boolean;
	/** The position book fills go to, found on the first fill. */
	book: PositionBook | undefined;
	/** True while the broker's submitOrder call for it runs: a refusal now is the call's answer. */
	placing: boolean;
	/** The broker refused it at once, with this message. */
	refusal: string | undefined;
}

function newRoute(strategy: StrategyName, symbol: string, owner: SymbolStrategy | null, order: Order | null, placing: boolean, foreign = false): Route {
	return {strategy, symbol, owner, order, foreign, book: undefined, placing, refusal: undefined};
}

export class OrderRouter {
	readonly ids: OrderIdFactory;
	/** Routes of the orders in flight (one set and one delete per order: see ChurnMap). */
	private readonly routes = new ChurnMap<string, Route>();
	/** Orders handed to the broker so far (a broker snapshot read meanwhile may lack them). */
	sentCount = 0;
	/** Set at shutdown (and by the kill switch): strategies may no longer send orders. */
	haltedReason: string | null = null;

	constructor(
		private readonly core: EngineCore,
		private readonly broker: Broker,
		private readonly portfolio: Portfolio,
		private readonly market: MarketFanout,
		private readonly risk: RiskGuard | null,
		/** The console's order list per symbol (only with a log sink: backtests skip it). */
		private readonly history: OrderHistory | null,
		runTag: string,
	) {
		this.ids = new OrderIdFactory(runTag);
		broker.onOrderEvent(event => this.onOrderEvent(event));
	}

	// --- out -------------------------------------------------------------------------------

	submit(kind: StrategyName, spec: OrderSpec, reason: OrderReason, intent: string, owner: SymbolStrategy | null): SubmitResult {
		const core = this.core;
		const clientOrderId = this.ids.next(kind, spec.symbol, intent);
		if (this.haltedReason !== null) {
			this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, core.nowMs, `not sent: ${this.haltedReason}`);
			core.log(spec.symbol, 'warn', `not sent (${this.haltedReason}): ${spec.side} ${spec.qty} ${spec.type}`);
			return {accepted: false, clientOrderId, message: this.haltedReason};
		}
		const sent = spec.limitPrice !== null && this.broker.conformLimitPrice ? this.broker.conformLimitPrice(spec.limitPrice) : spec.limitPrice;
		if (sent !== spec.limitPrice) {
			// Journal, risk check and order carry the price that goes out (170.0701 -> 170.07).
			core.log(
				spec.symbol,
				'info',
				`limit ${formatMicros(spec.limitPrice!, 2)} sent as ${formatMicros(sent!, 2)} (the broker takes whole cents at or above $1)`,
			);
			spec = {...spec, limitPrice: sent};
		}
		const veto = this.risk?.check(spec, kind, reason) ?? null;
		const submitted: JournalRecord | null = core.journaling ? orderSubmittedRecord(core.nowMs, spec, kind, clientOrderId, reason) : null;
		if (veto !== null) {
			if (submitted) core.journal.write(submitted);
			const refused = {symbol: spec.symbol, clientOrderId, id: '', filledQty: 0, filledNotional: ZERO_MICROS};
			core.journal.write(orderUpdateRecord(core.nowMs, refused, 'rejected', this.portfolio.symbolQty(spec.symbol), veto));
			this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, core.nowMs, veto);
			core.log(spec.symbol, 'warn', `order refused by risk guard: ${veto}`);
			return {accepted: false, clientOrderId, message: veto};
		}
		const route = newRoute(kind, spec.symbol, owner, null, true);
		this.routes.set(clientOrderId, route);
		this.sentCount += 1;
		this.history?.sent(spec.symbol, {...spec, clientOrderId}, reason, core.nowMs);
		if (core.logging) {
			const price = spec.limitPrice === null ? 'market' : `@ ${(microsToNumber(spec.limitPrice)).toFixed(2)}`;
			core.log(spec.symbol, 'info', `submit ${spec.side} ${spec.qty} ${price} (${reason})`);
		}
		try {
			this.broker.submitOrder({
				symbol: spec.symbol,
				side: spec.side,
				type: spec.type,
				qty: spec.qty,
				limitPrice: spec.limitPrice,
				timeInForce: spec.timeInForce,
				clientOrderId,
			});
		} finally {
			route.placing = false;
			// The order's events come after this call returns, so this line precedes them. A
			// refusal at once drops it: the order was never submitted (the original's submit
			// call raised); its `rejected` update stays.
			if (submitted && route.refusal === undefined) core.journal.write(submitted);
		}
		if (route.refusal !== undefined) return {accepted: false, clientOrderId, message: route.refusal};
		core.changed();
		return {accepted: true, clientOrderId};
	}

	/**
	 * After each input the engine handles: a broker that held events back during submits (the
	 * simulated one) delivers them now, so strategies hear of their orders after, not inside,
	 * their submit calls, as from a network broker.
	 */
	deliverHeld(): void {
		this.broker.flushEvents?.();
	}

	cancel(clientOrderId: string, symbol: string, reason: CancelReason): void {
		if (this.core.journaling) this.core.journal.write({ts: this.core.nowMs, type: 'cancel_requested', symbol, client_order_id: clientOrderId, reason});
		if (this.core.logging) this.core.log(symbol, 'info', `cancel ${clientOrderId} (${reason})`);
		this.broker.cancelOrder(clientOrderId);
	}

	/** Cancel every open order (shutdown, kill switch). */
	cancelAll(reason: CancelReason): void {
		for (const [id, route] of [...this.routes]) this.cancel(id, route.symbol, reason);
	}

	/** Cancel the open orders no strategy owns, of one symbol or (null) of all. */
	cancelUnowned(symbol: string | null, reason: CancelReason): void {
		for (const [id, route] of [...this.routes]) {
			if (route.owner === null && (symbol === null || route.symbol === symbol)) this.cancel(id, route.symbol, reason);
		}
	}

	// --- back ------------------------------------------------------------------------------

	private onOrderEvent(event: OrderEvent): void {
		const core = this.core;
		const order = event.order;
		const route = this.routes.get(order.clientOrderId) ?? this.unknownOrder(event);
		route.order = order;
		if (event.ms > core.nowMs || (event.ms === core.nowMs && event.ns > core.nowNs)) core.setTime(event.ms, event.ns);
		this.history?.event(event, core.nowMs);
		if ((event.event === 'fill' || event.event === 'partial_fill') && event.fillQty > 0) {
			const book = route.book ?? (route.book = this.portfolio.book(route.strategy, order.symbol));
			book.apply(order.side, event.fillQty, event.fillPrice);
			this.portfolio.cash = addMicros(this.portfolio.cash, mulQty(event.fillPrice, (order.side === 'buy' ? -1 : 1) * event.fillQty));
		}
		if (core.journaling) core.journal.write(orderUpdateRecord(core.nowMs, order, event.event, event.positionQty, event.message));
		if (core.logging) this.logOrderEvent(event);
		const terminal =
			event.event === 'fill' || event.event === 'canceled' || event.event === 'rejected' || event.event === 'expired' || event.event === 'replaced';
		if (terminal) this.routes.delete(order.clientOrderId);
		if (event.atSubmission && route.placing) {
			// Refused at once: the submit call reports it to the strategy.
			route.refusal = event.message ?? 'rejected';
			return;
		}
		route.owner?.onOrderEvent(event);
		core.changed();
	}

	/**
	 * An event for an order the engine has no route for. Before the first session began (the
	 * stream can speak before the broker state is read) and for this run's own ids it is
	 * adopted as usual; the rebuild from the broker decides. Otherwise (another run's order the
	 * broker did not list at the last rebuild, another client's, a garbled id) it is journaled
	 * as an error and kept away from the strategies: its fills go to the `manual` book so the
	 * positions still add up to the broker's, but no strategy trades on it. The next rebuild
	 * adopts it if the broker then lists it as open.
	 */
	private unknownOrder(event: OrderEvent): Route {
		const order = event.order;
		const parsed = parseClientOrderId(order.clientOrderId);
		if (this.core.session === null || parsed?.runTag === this.ids.runTag) return this.routeOf(order);
		const route = newRoute('manual', order.symbol, null, order, false, true);
		this.routes.set(order.clientOrderId, route);
		this.core.error(
			order.symbol === '' ? null : order.symbol,
			`${event.event} for unknown order ${JSON.stringify(order.clientOrderId)} (${order.symbol || 'no symbol'} ${order.side} ${order.qty}): not placed by this session nor listed by the broker; no strategy acts on it`,
		);
		return route;
	}

	private logOrderEvent(event: OrderEvent): void {
		const o = event.order;
		const what =
			event.event === 'fill' || event.event === 'partial_fill'
				? `${event.event} ${o.side} ${event.fillQty} @ ${microsToNumber(event.fillPrice)
						.toFixed(4)
						.replace(/0{1,2}$/, '')}`
				: `${o.side} ${o.type} ${event.event}${event.message ? `: ${event.message}` : ''}`;
		this.core.log(o.symbol, event.event === 'rejected' ? 'warn' : 'info', what);
	}

	// --- the broker's open orders ------------------------------------------------------------

	/** Adopt the broker's open orders (start, reconnect, new session); forget the others. */
	adopt(openOrders: readonly Order[]): void {
		const open = new Set(openOrders.map(o => o.clientOrderId));
		for (const id of this.routes.keys()) if (!open.has(id)) this.routes.delete(id);
		for (const order of openOrders) {
			this.ids.observe(order.clientOrderId);
			// The broker lists it: an order kept away from the strategies is adopted now.
			if (this.routes.get(order.clientOrderId)?.foreign) this.routes.delete(order.clientOrderId);
			this.routeOf(order).order = order;
		}
	}

	/** The strategy an order the broker reports belongs to (null: the operator's or unknown). */
	ownerOf(order: Order): SymbolStrategy | null {
		return this.routeOf(order).owner;
	}

	/** Find or create the route of an order the broker reports: its id names the strategy. */
	private routeOf(order: Order): Route {
		let route = this.routes.get(order.clientOrderId);
		if (route) return route;
		const parsed = parseClientOrderId(order.clientOrderId);
		const candidates = this.market.strategiesFor(order.symbol);
		const owner = (parsed && candidates.find(s => s.kind === parsed.strategy)) ?? (parsed?.strategy === 'manual' ? null : candidates[0]) ?? null;
		route = newRoute(owner?.kind ?? parsed?.strategy ?? 'manual', order.symbol, owner, order, false);
		this.routes.set(order.clientOrderId, route);
		return route;
	}

	// --- views -----------------------------------------------------------------------------

	/** Orders the engine knows to be open (for exposure checks and the console). */
	openOrders(): Order[] {
		const out: Order[] = [];
		for (const route of this.routes.values()) if (route.order && route.order.status !== 'canceled') out.push(route.order);
		return out;
	}

	openOrderCount(): number {
		return this.routes.size;
	}

	/** Symbols with an order in flight. */
	symbolsWithOrders(): Set<string> {
		const out = new Set<string>();
		for (const route of this.routes.values()) out.add(route.symbol);
		return out;
	}

	/** The symbol's recent orders with status and fills, oldest first (console only; else empty). */
	orderHistory(symbol: string): readonly OrderRecord[] {
		return this.history?.list(symbol) ?? [];
	}
}
