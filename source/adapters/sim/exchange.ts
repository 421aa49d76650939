/**
 * The simulated exchange: an account with cash and positions, order ids and
 * client order ids, and the fill model. Bar mode matches resting orders against minute bars;
 * tick mode fills IOC limits against the displayed top of book. Every event is delivered
 * synchronously, before the call that caused it returns (the emulator answers HTTP from them);
 * the engine's SimBroker holds a submit's events back until the submit returned. Exact
 * micro-dollar arithmetic.
 */
import {addMicros, maxMicros, type Micros, minMicros, mulQty, subMicros, ZERO_MICROS} from '../../core/money.js';
import {ChurnMap} from '../../core/churn-map.js';
import {decimalText} from '../../core/decimal-text.js';
import {applyFill} from '../../core/position.js';
import type {Bar, BrokerState, Order, OrderEvent, OrderEventKind, OrderRequest, OrderStatus, Position, Quote} from '../../core/types.js';
import type {OrderEventListener} from '../../ports/broker.js';

interface SimOrder {
	id: string;
	clientOrderId: string;
	symbol: string;
	side: 'buy' | 'sell';
	type: 'market' | 'limit';
	qty: number;
	limitPrice: Micros | null;
	timeInForce: OrderRequest['timeInForce'];
	status: OrderStatus;
	filledQty: number;
	filledNotional: Micros;
	submittedMs: number;
	submittedNs: number;
	/** Buying power held per unfilled share (0 when open buys reserve nothing). */
	reservePrice: Micros;
}

interface SimPosition {
	qty: number;
	costBasis: Micros;
}

export interface SimExchangeOptions {
	readonly cash: Micros;
	/** Prefix of broker order ids ("sim" gives sim-000001, ...). */
	readonly idPrefix?: string;
	/** Finished orders kept for lookups; older ones are forgotten so memory stays flat. */
	readonly retainClosed?: number;
	/**
	 * Open buys hold buying power (qty x limit, or x last for a market order) until they fill
	 * or end, as Alpaca does; then several open buys can never spend more than the cash.
	 * Default false: the backtests' rule (open buys reserve nothing), as the originals were run.
	 */
	readonly reserveOpenBuys?: boolean;
}

/**
 * Finished orders a backtest's exchange keeps: none is ever looked up (the engine's ids are
 * unique, a cancel of a finished order fails whether it is kept or not), and keeping 1,000
 * kept each order alive across young collections (promoted garbage, page faults).
 */
export const BACKTEST_RETAIN_CLOSED = 16;

export class SimRejection extends Error {}

export class SimExchange {
	cash: Micros;
	/** Per symbol ever traded; qty 0 is flat (kept, not deleted: a round trip costs no map churn). */
	private readonly positions = new Map<string, SimPosition>();
	/** Open orders per symbol, in submission order. */
	private readonly openBySymbol = new Map<string, SimOrder[]>();
	/** Open orders and the last `retainClosed` finished ones (keys churn: see ChurnMap). */
	private readonly byClientId = new ChurnMap<string, SimOrder>();
	/** Last trade price per symbol, in a mutable slot a replay can update without a lookup. */
	private readonly lastPrices = new Map<string, {price: Micros}>();
	private readonly quotes = new Map<string, Quote>();
	private readonly listeners: OrderEventListener[] = [];
	private openCount = 0;
	private seq = 0;
	private nowMs = 0;
	private nowNs = 0;
	private readonly idPrefix: string;
	private readonly retainClosed: number;
	private readonly closedIds: string[] = [];
	private closedCount = 0;
	private readonly reserveOpenBuys: boolean;
	/** Buying power held by open buys (always 0 without `reserveOpenBuys`). */
	private reserved: Micros = ZERO_MICROS;

	constructor(options: SimExchangeOptions) {
		this.cash = options.cash;
		this.reserveOpenBuys = options.reserveOpenBuys ?? false;
		this.idPrefix = options.idPrefix ?? 'sim';
		this.retainClosed = options.retainClosed ?? 1_000;
	}

	onEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	/** Market time of the next submissions and events. */
	setTime(ms: number, ns = 0): void {
		this.nowMs = ms;
		this.nowNs = ns;
	}

	get time(): number {
		return this.nowMs;
	}

	setLastPrice(symbol: string, price: Micros): void {
		const slot = this.lastPrices.get(symbol);
		if (slot) slot.price = price;
		else this.lastPrices.set(symbol, {price});
	}

	lastPrice(symbol: string): Micros {
		return this.lastPrices.get(symbol)?.price ?? ZERO_MICROS;
	}

	/** The symbol's last-price slot (created at 0), for replays that update it every bar. */
	priceSlot(symbol: string): {price: Micros} {
		let slot = this.lastPrices.get(symbol);
		if (!slot) {
			slot = {price: ZERO_MICROS};
			this.lastPrices.set(symbol, slot);
		}
		return slot;
	}

	/**
	 * The symbol's open orders (a live list, never replaced): a replay skips matchBar for a
	 * symbol whose list is empty without a map lookup per bar.
	 */
	openOrdersOf(symbol: string): readonly {readonly symbol: string}[] {
		let list = this.openBySymbol.get(symbol);
		if (!list) {
			list = [];
			this.openBySymbol.set(symbol, list);
		}
		return list;
	}

	/** Tick mode: the top of book IOC orders fill against. */
	setQuote(quote: Quote): void {
		this.quotes.set(quote.symbol, quote);
	}

	hasOpenOrders(): boolean {
		return this.openCount > 0;
	}

	// --- broker side ---------------------------------------------------------------------

	submit(request: OrderRequest): void {
		const problem = this.checkSubmission(request);
		const order: SimOrder = {
			id: problem ? '' : this.nextId(),
			clientOrderId: request.clientOrderId,
			symbol: request.symbol,
			side: request.side,
			type: request.type,
			qty: request.qty,
			limitPrice: request.type === 'market' ? null : request.limitPrice,
			timeInForce: request.timeInForce,
			status: problem ? 'rejected' : 'new',
			filledQty: 0,
			filledNotional: ZERO_MICROS,
			submittedMs: this.nowMs,
			submittedNs: this.nowNs,
			reservePrice: ZERO_MICROS,
		};
		if (problem) {
			this.emit('rejected', order, 0, ZERO_MICROS, true, problem);
			return;
		}
		this.byClientId.set(order.clientOrderId, order);
		if (request.timeInForce === 'ioc') {
			this.emit('new', order, 0, ZERO_MICROS, false);
			this.fillIoc(order);
			return;
		}
		let list = this.openBySymbol.get(order.symbol);
		if (!list) {
			list = [];
			this.openBySymbol.set(order.symbol, list);
		}
		list.push(order);
		this.openCount += 1;
		if (this.reserveOpenBuys && order.side === 'buy') {
			order.reservePrice = order.type === 'limit' ? order.limitPrice! : this.lastPrice(order.symbol);
			this.reserved = addMicros(this.reserved, mulQty(order.reservePrice, order.qty));
		}
		this.emit('new', order, 0, ZERO_MICROS, false);
	}

	private checkSubmission(request: OrderRequest): string | null {
		if (!Number.isInteger(request.qty) || request.qty <= 0) return 'qty must be > 0';
		if (request.type === 'limit' && !(request.limitPrice !== null && request.limitPrice > 0)) return 'limit price must be > 0';
		if (this.byClientId.has(request.clientOrderId)) return 'client_order_id must be unique';
		if (request.side === 'buy') {
			const price = request.type === 'limit' ? request.limitPrice! : this.lastPrice(request.symbol);
			if (!(price > 0)) return 'no price known for a market buy';
			if (request.qty * price > this.cash - this.reserved) return 'insufficient buying power';
			return null;
		}
		const held = this.positions.get(request.symbol)?.qty ?? 0;
		let openSells = 0;
		for (const o of this.openBySymbol.get(request.symbol) ?? []) if (o.side === 'sell') openSells += o.qty - o.filledQty;
		if (request.qty > held - openSells) return `insufficient qty available for order (requested: ${request.qty}, available: ${Math.max(held - openSells, 0)})`;
		return null;
	}

	/** Cancel an open order; the `canceled` event is delivered before this returns. */
	cancel(clientOrderId: string): boolean {
		const order = this.byClientId.get(clientOrderId);
		if (!order || !this.isOpen(order)) return false;
		this.removeOpen(order);
		order.status = 'canceled';
		this.emit('canceled', order, 0, ZERO_MICROS, false);
		return true;
	}

	private isOpen(order: SimOrder): boolean {
		return order.status === 'new' || order.status === 'partially_filled';
	}

	private removeOpen(order: SimOrder): void {
		const list = this.openBySymbol.get(order.symbol);
		if (!list) return;
		const i = list.indexOf(order);
		if (i >= 0) {
			// Shifted down in place (splice would allocate the array of removed orders).
			for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j]!;
			list.pop();
			this.openCount -= 1;
			this.reserved = subMicros(this.reserved, mulQty(order.reservePrice, order.qty - order.filledQty));
		}
	}

	/** Cash not held by open buys: what a new buy may spend. */
	buyingPower(): Micros {
		return subMicros(this.cash, this.reserved);
	}

	/** Buying power an open order holds (a replace frees it before checking the new one). */
	reservedBy(clientOrderId: string): Micros {
		const order = this.byClientId.get(clientOrderId);
		return order && this.isOpen(order) ? mulQty(order.reservePrice, order.qty - order.filledQty) : ZERO_MICROS;
	}

	// --- bar mode ------------------------------------------------------------------------

	/**
	 * Match the symbol's open orders submitted at or before the bar's start against it
	 * (bar mode): limit buy fills if low <= L at min(L, open); limit sell fills if
	 * high >= L at max(L, open); market at open. Whole fills, at the current time (A).
	 */
	matchBar(bar: Bar): void {
		if (this.openCount === 0) return;
		const list = this.openBySymbol.get(bar.symbol);
		if (!list || list.length === 0) return;
		// Fills remove orders from the list: walk it by index, stepping back after a removal.
		for (let i = 0; i < list.length; i++) {
			const order = list[i]!;
			if (!this.isOpen(order) || order.submittedMs > bar.start) continue;
			let price: Micros;
			if (order.type === 'market') price = bar.open;
			else if (order.side === 'buy') {
				if (bar.low > order.limitPrice!) continue;
				price = minMicros(order.limitPrice!, bar.open);
			} else {
				if (bar.high < order.limitPrice!) continue;
				price = maxMicros(order.limitPrice!, bar.open);
			}
			const before = list.length;
			this.execute(order, order.qty - order.filledQty, price);
			if (list.length < before) i -= before - list.length;
		}
	}

	/** End of session: every open order expires. */
	expireAll(): void {
		if (this.openCount === 0) return;
		const all: SimOrder[] = [];
		for (const list of this.openBySymbol.values()) all.push(...list);
		all.sort((a, b) => (a.id < b.id ? -1 : 1));
		for (const order of all) {
			this.removeOpen(order);
			order.status = 'expired';
			this.emit('expired', order, 0, ZERO_MICROS, false);
		}
	}

	// --- tick mode -----------------------------------------------------------------------

	/**
	 * IOC limit against the top of book last seen: fills at once at the displayed opposite
	 * price if no worse than the limit, up to the displayed size; the rest is canceled.
	 */
	private fillIoc(order: SimOrder): void {
		const quote = this.quotes.get(order.symbol);
		let qty = 0;
		let price = ZERO_MICROS;
		if (quote) {
			if (order.side === 'buy' && quote.askPrice > 0 && (order.limitPrice === null || quote.askPrice <= order.limitPrice)) {
				qty = Math.min(order.qty, quote.askSize);
				price = quote.askPrice;
			} else if (order.side === 'sell' && quote.bidPrice > 0 && (order.limitPrice === null || quote.bidPrice >= order.limitPrice)) {
				qty = Math.min(order.qty, quote.bidSize);
				price = quote.bidPrice;
			}
		}
		if (qty > 0) this.execute(order, qty, price);
		if (this.isOpen(order)) {
			order.status = 'canceled';
			this.emit('canceled', order, 0, ZERO_MICROS, false);
		}
	}

	// --- fills ---------------------------------------------------------------------------

	private execute(order: SimOrder, qty: number, price: Micros): void {
		this.reserved = subMicros(this.reserved, mulQty(order.reservePrice, qty));
		order.filledQty += qty;
		order.filledNotional = addMicros(order.filledNotional, mulQty(price, qty));
		const complete = order.filledQty >= order.qty;
		order.status = complete ? 'filled' : 'partially_filled';
		if (complete && order.timeInForce !== 'ioc') this.removeOpen(order);
		let position = this.positions.get(order.symbol);
		if (!position) {
			position = {qty: 0, costBasis: ZERO_MICROS};
			this.positions.set(order.symbol, position);
		}
		this.cash = order.side === 'buy' ? subMicros(this.cash, mulQty(price, qty)) : addMicros(this.cash, mulQty(price, qty));
		applyFill(position, order.side, qty, price);
		this.emit(complete ? 'fill' : 'partial_fill', order, qty, price, false);
	}

	// --- state ---------------------------------------------------------------------------

	state(): BrokerState {
		const openOrders: Order[] = [];
		for (const list of this.openBySymbol.values()) for (const o of list) openOrders.push(snapshotOrder(o));
		openOrders.sort((a, b) => (a.id < b.id ? -1 : 1));
		const positions: Position[] = [];
		for (const [symbol, p] of this.positions) if (p.qty !== 0) positions.push({symbol, qty: p.qty, costBasis: p.costBasis});
		positions.sort((a, b) => (a.symbol < b.symbol ? -1 : 1));
		return {cash: this.cash, openOrders, positions};
	}

	position(symbol: string): Position | null {
		const p = this.positions.get(symbol);
		return p && p.qty !== 0 ? {symbol, qty: p.qty, costBasis: p.costBasis} : null;
	}

	order(clientOrderId: string): Order | null {
		const o = this.byClientId.get(clientOrderId);
		return o ? snapshotOrder(o) : null;
	}

	orderById(id: string): Order | null {
		for (const o of this.byClientId.values()) if (o.id === id) return snapshotOrder(o);
		return null;
	}

	/** Every order ever accepted, in submission order (the emulator lists closed ones too). */
	allOrders(): Order[] {
		return [...this.byClientId.values()].map(snapshotOrder);
	}

	/** Mark-to-market equity at the last prices. */
	equity(): Micros {
		let value = this.cash;
		for (const [symbol, p] of this.positions) if (p.qty !== 0) value = addMicros(value, mulQty(this.lastPrices.get(symbol)?.price ?? ZERO_MICROS, p.qty));
		return value;
	}

	private nextId(): string {
		this.seq += 1;
		return `${this.idPrefix}-${decimalText(this.seq).padStart(6, '0')}`;
	}

	private emit(kind: OrderEventKind, order: SimOrder, fillQty: number, fillPrice: Micros, atSubmission: boolean, message?: string): void {
		// One object shape for every event (no spreads): this runs for every order change.
		const event: OrderEvent = {
			event: kind,
			order: snapshotOrder(order),
			ms: this.nowMs,
			ns: this.nowNs,
			fillQty,
			fillPrice,
			positionQty: this.positions.get(order.symbol)?.qty ?? 0,
			atSubmission,
			message,
		};
		for (const listener of this.listeners) listener(event);
		if (kind === 'fill' || kind === 'canceled' || kind === 'expired') this.forgetLater(order.clientOrderId);
	}

	private forgetLater(clientOrderId: string): void {
		// A ring of the last `retainClosed` finished ids: the one it pushes out is forgotten.
		const slot = this.closedCount % this.retainClosed;
		const oldest = this.closedIds[slot];
		if (oldest !== undefined) this.byClientId.delete(oldest);
		this.closedIds[slot] = clientOrderId;
		this.closedCount += 1;
	}
}

function snapshotOrder(o: SimOrder): Order {
	return {
		id: o.id,
		clientOrderId: o.clientOrderId,
		symbol: o.symbol,
		side: o.side,
		type: o.type,
		qty: o.qty,
		limitPrice: o.limitPrice,
		timeInForce: o.timeInForce,
		status: o.status,
		filledQty: o.filledQty,
		filledNotional: o.filledNotional,
		submittedMs: o.submittedMs,
		submittedNs: o.submittedNs,
	};
}
