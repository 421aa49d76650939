/**
 * The Alpaca adapter's book of followed orders: synchronous, no I/O. Every Alpaca order
 * snapshot (POST reply, trade update, REST lookup) goes through one `absorb`, which compares
 * the snapshot's cumulative fill with what was already reported: duplicated updates add
 * nothing, a reordered or missed execution is reported once from the difference, and terminal
 * states are reported once. So events stay exact however the stream behaves, and a reconnect
 * only has to re-read the orders.
 *
 * What needs the network (sending a cancel once the Alpaca id is known, re-reading an order
 * whose snapshot was garbled) is asked of the owner through `TrackerHooks`.
 */
import type {trading} from '@alpacahq/alpaca-trade-api';
import {addMicros, formatMicros, type Micros, mulQty, roundMicros, subMicros, ZERO_MICROS} from '../../core/money.js';
import {applyFill, type Holding} from '../../core/position.js';
import type {Order, OrderEvent, OrderEventKind, OrderRequest, OrderStatus, Position} from '../../core/types.js';
import type {OrderEventListener} from '../../ports/broker.js';
import type {AlpacaLog} from './client.js';
import {cumulativeFill, mapOrderStatus, orderFromAlpaca, parseQty, positionFromAlpaca, updateFields, type AlpacaOrder, type UpdateFields} from './mapping.js';
import type {TradeUpdate} from './trade-stream.js';

export interface Tracked {
	request: OrderRequest;
	id: string;
	status: OrderStatus;
	filledQty: number;
	filledNotional: Micros;
	submittedMs: number;
	/** `new` was reported. */
	announced: boolean;
	/** A terminal event was reported. */
	done: boolean;
	/** The POST (or its reconciliation) is still running. */
	placing: boolean;
	/** Reported rejected because placement could not be confirmed; Alpaca may still know it. */
	givenUp: boolean;
	cancelWanted: boolean;
	cancelInFlight: boolean;
	cancelAttempts: number;
	cancelTimer: NodeJS.Timeout | null;
}

/** What the tracker cannot do itself (it never waits on the network). */
export interface TrackerHooks {
	/** The Alpaca id of an order whose cancel was asked for is now known: send the cancel. */
	sendCancel(tracked: Tracked): void;
	/** A streamed snapshot was unusable: read the order's real state from REST. */
	refresh(tracked: Tracked): void;
}

export interface OrderTrackerOptions {
	readonly log: AlpacaLog;
	/** Time for events before any server time is known. */
	readonly now: () => number;
	/** Finished orders kept in memory (late duplicates of older ones are still recognised). */
	readonly retainFinished: number;
}

const OPEN_STATUSES = new Set<OrderStatus>(['pending_new', 'new', 'partially_filled', 'pending_cancel']);
const FINISHED = new Set<OrderStatus>(['filled', 'canceled', 'expired', 'rejected', 'replaced']);

export class OrderTracker {
	private readonly listeners: OrderEventListener[] = [];
	private readonly orders = new Map<string, Tracked>();
	private readonly finishedOrder: string[] = [];
	/** Client ids of finished orders already dropped from `orders` (bounded). */
	private readonly forgotten = new Set<string>();
	private readonly executions = new Set<string>();
	private readonly executionOrder: string[] = [];
	private readonly positions = new Map<string, Holding>();
	private readonly log: AlpacaLog;
	private readonly now: () => number;
	private readonly retainFinished: number;
	/** Latest time the server stamped on anything (market time in emulate mode). */
	private serverMs = 0;
	/** Set by the owner on close: stream updates are dropped from then on. */
	closed = false;
	/** Trade updates / snapshots dropped as unusable. */
	malformedCount = 0;
	/** Executions reported so far (a REST read racing one is read again). */
	executionsReported = 0;
	/** Set once by the owner (the modules that need the network are built after the tracker). */
	hooks: TrackerHooks = {sendCancel: () => {}, refresh: () => {}};

	constructor(options: OrderTrackerOptions) {
		this.log = options.log;
		this.now = options.now;
		this.retainFinished = options.retainFinished;
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	get(clientOrderId: string): Tracked | undefined {
		return this.orders.get(clientOrderId);
	}

	/** Followed now or finished and dropped: either way never sent again. */
	knows(clientOrderId: string): boolean {
		return this.orders.has(clientOrderId) || this.forgotten.has(clientOrderId);
	}

	isForgotten(clientOrderId: string): boolean {
		return this.forgotten.has(clientOrderId);
	}

	/** A copy of the followed orders (safe to iterate across awaits). */
	followed(): Tracked[] {
		return [...this.orders.values()];
	}

	/**
	 * A followed, placed order missing from a list of open orders: it finished unseen and needs
	 * a REST read. Asked per order right before reading it (earlier reads may have finished it).
	 */
	static unlisted(tracked: Tracked, listedOpen: ReadonlySet<string>): boolean {
		return !(tracked.done || tracked.placing || tracked.id === '' || listedOpen.has(tracked.request.clientOrderId));
	}

	/** Streamed position (signed shares, cost basis) of a symbol. */
	position(symbol: string): Position | null {
		const p = this.positions.get(symbol);
		return p ? {symbol, qty: p.qty, costBasis: p.costBasis} : null;
	}

	/** Orders followed that are still open. */
	openOrders(): Order[] {
		const out: Order[] = [];
		for (const t of this.orders.values()) if (!t.done) out.push(view(t));
		return out;
	}

	noteServerTime(ms: number): void {
		if (Number.isFinite(ms) && ms > this.serverMs) this.serverMs = ms;
	}

	eventTime(): number {
		return this.serverMs > 0 ? this.serverMs : this.now();
	}

	/** Replace the position book with the broker's (REST); returns them sorted by symbol. */
	resetPositions(positions: readonly trading.Position[]): Position[] {
		const mapped = positions.map(positionFromAlpaca).filter(p => Number.isFinite(p.qty) && p.qty !== 0);
		this.positions.clear();
		for (const p of mapped) this.positions.set(p.symbol, {qty: p.qty, costBasis: p.costBasis});
		return mapped.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
	}

	// --- stream --------------------------------------------------------------------------

	onUpdate(update: TradeUpdate): void {
		if (this.closed) return;
		const fields = updateFields(update);
		this.noteServerTime(fields.ms);
		if (fields.executionId !== null) {
			if (this.executions.has(fields.executionId)) return;
			this.remember(fields.executionId);
		}
		const execution = fields.event === 'fill' || fields.event === 'partial_fill' ? fields : null;
		if (fields.event === 'order_cancel_rejected') {
			this.log('warn', `Alpaca refused to cancel ${update.order.clientOrderId ?? update.order.id}`);
		}
		this.absorb(update.order, execution, fields);
	}

	private remember(executionId: string): void {
		this.executions.add(executionId);
		this.executionOrder.push(executionId);
		if (this.executionOrder.length > 20_000) {
			for (const old of this.executionOrder.splice(0, 10_000)) this.executions.delete(old);
		}
	}

	// --- the one state transition --------------------------------------------------------

	/**
	 * Bring a followed order up to an Alpaca snapshot, reporting what changed: `new` once,
	 * one execution per unreported filled quantity (exact price when the update carries this
	 * execution, else derived from the cumulative average), then a terminal state once.
	 */
	absorb(snapshot: AlpacaOrder, execution: UpdateFields | null, stamp: UpdateFields | null = execution, adoptSilently = false): Tracked | null {
		const clientOrderId = snapshot.clientOrderId;
		if (typeof clientOrderId !== 'string' || clientOrderId === '') {
			this.malformed(`an order without a client order id (${describeSnapshot(snapshot)})`);
			return null;
		}
		if (this.forgotten.has(clientOrderId)) return null;
		let tracked = this.orders.get(clientOrderId);
		if (!tracked) {
			// An order this session never followed: adopt it only when it makes sense as one.
			const problem = unknownSnapshotProblem(snapshot);
			if (problem !== null) {
				this.malformed(`order ${JSON.stringify(clientOrderId)} ${problem} (${describeSnapshot(snapshot)})`);
				if (problem.startsWith('is already')) this.forget(clientOrderId);
				return null;
			}
			tracked = this.track(requestFromSnapshot(snapshot), {placing: false, snapshot, announced: adoptSilently});
		}
		if (tracked.givenUp && snapshot.status !== 'rejected') {
			// We reported it rejected, but Alpaca has it after all: follow it again from scratch.
			this.log('error', `${describeRequest(tracked.request)} exists at Alpaca after all (status ${snapshot.status}): following it again`);
			tracked.givenUp = false;
			tracked.done = false;
			tracked.announced = false;
			tracked.status = 'pending_new';
		}
		const submitted = orderFromAlpaca(snapshot).submittedMs;
		if (submitted > 0) {
			tracked.submittedMs = submitted;
			if (submitted > this.serverMs) this.serverMs = submitted;
		}
		const ms = stamp && Number.isFinite(stamp.ms) ? stamp.ms : this.eventTime();
		if (typeof snapshot.id === 'string' && snapshot.id !== '' && tracked.id === '') {
			tracked.id = snapshot.id;
			if (tracked.cancelWanted && !tracked.done) this.hooks.sendCancel(tracked);
		}
		if (tracked.done) return tracked;

		const status = mapOrderStatus(snapshot.status);
		if (status === 'rejected') {
			this.reject(tracked, 'rejected by Alpaca', false, ms);
			return tracked;
		}
		if (!tracked.announced) {
			tracked.announced = true;
			tracked.status = status === 'pending_new' ? 'pending_new' : 'new';
			this.emit('new', tracked, ms, 0, ZERO_MICROS, null);
		}

		const cumulative = cumulativeFill(snapshot);
		if (cumulative.qty > tracked.filledQty) {
			const delta = cumulative.qty - tracked.filledQty;
			const exact = execution !== null && execution.qty !== null && execution.price !== null && execution.qty <= delta ? execution : null;
			const missed = exact ? delta - exact.qty! : delta;
			const known = exact ? mulQty(exact.price!, exact.qty!) : ZERO_MICROS;
			// Executions we never saw (stream down, reordered) are priced from the average.
			const price = missed > 0 ? roundMicros((cumulative.notional - tracked.filledNotional - known) / missed) : ZERO_MICROS;
			if (
				!Number.isSafeInteger(cumulative.qty) ||
				tracked.filledQty + delta > tracked.request.qty ||
				(missed > 0 && !(Number.isSafeInteger(price) && price > 0))
			) {
				// A garbled snapshot (no usable average price, more shares than ordered): never book
				// it. One from the stream sends us to REST for the order's real state.
				this.malformed(
					`order ${clientOrderId} reports ${snapshot.filledQty ?? '?'} filled at ${snapshot.filledAvgPrice ?? '?'}: not booked${stamp !== null ? '; reading the order again' : ''}`,
				);
				if (stamp !== null) this.hooks.refresh(tracked);
				return tracked;
			}
			if (missed > 0) this.execute(tracked, missed, price, null, ms);
			if (exact) this.execute(tracked, exact.qty!, exact.price!, exact.positionQty, ms);
		}

		if (!tracked.done) {
			if (status === 'canceled' || status === 'expired' || status === 'replaced') {
				tracked.status = status;
				this.finish(tracked);
				this.emit(status, tracked, ms, 0, ZERO_MICROS, null);
			} else if (status === 'pending_cancel' && OPEN_STATUSES.has(tracked.status)) {
				tracked.status = 'pending_cancel';
			} else if (status === 'new' && tracked.status === 'pending_new') {
				tracked.status = 'new';
			}
		}
		return tracked;
	}

	private execute(tracked: Tracked, qty: number, price: Micros, brokerPosition: number | null, ms: number): void {
		this.executionsReported += 1;
		tracked.filledQty += qty;
		tracked.filledNotional = addMicros(tracked.filledNotional, mulQty(price, qty));
		const complete = tracked.filledQty >= tracked.request.qty;
		tracked.status = complete ? 'filled' : 'partially_filled';
		const book = this.positions.get(tracked.request.symbol) ?? {qty: 0, costBasis: ZERO_MICROS};
		applyFill(book, tracked.request.side, qty, price);
		if (brokerPosition !== null && brokerPosition !== book.qty) {
			// Alpaca's number wins (activity outside this session); keep the average cost.
			book.costBasis = book.qty !== 0 ? roundMicros((book.costBasis / book.qty) * brokerPosition) : ZERO_MICROS;
			book.qty = brokerPosition;
		}
		if (book.qty === 0) {
			this.positions.delete(tracked.request.symbol);
			book.costBasis = ZERO_MICROS;
		} else this.positions.set(tracked.request.symbol, book);
		if (complete) this.finish(tracked);
		this.emit(complete ? 'fill' : 'partial_fill', tracked, ms, qty, price, null);
	}

	reject(tracked: Tracked, message: string, atSubmission: boolean, ms = this.eventTime()): void {
		if (tracked.done) return;
		tracked.status = 'rejected';
		this.finish(tracked);
		this.emit('rejected', tracked, ms, 0, ZERO_MICROS, message, atSubmission);
	}

	/** Refused before anything was sent: followed (so the id is never reused) and rejected. */
	rejectLocally(request: OrderRequest, message: string): void {
		const tracked = this.track(request, {placing: false});
		this.log('warn', `${describeRequest(request)} not sent: ${message}`);
		this.reject(tracked, message, true);
	}

	/**
	 * The broker acknowledged this order once and now knows it by neither id: it was reset (an
	 * emulator restarted on the same port). Nothing more will come for it; the caller's next
	 * loadState() adopts the broker's orders and positions. The execution ids seen so far
	 * belonged to the old broker: they are forgotten, so a new broker that reuses them is heard.
	 */
	lost(tracked: Tracked): void {
		if (tracked.done) return;
		this.log(
			'error',
			`${describeRequest(tracked.request)}: the broker no longer knows this order (restarted or reset?); dropping it and taking orders and positions from the broker`,
		);
		tracked.status = 'canceled';
		this.finish(tracked);
		this.executions.clear();
		this.executionOrder.length = 0;
	}

	private finish(tracked: Tracked): void {
		tracked.done = true;
		tracked.cancelWanted = false;
		if (tracked.cancelTimer) {
			clearTimeout(tracked.cancelTimer);
			tracked.cancelTimer = null;
		}
		this.finishedOrder.push(tracked.request.clientOrderId);
		if (this.finishedOrder.length > this.retainFinished) {
			for (const id of this.finishedOrder.splice(0, this.finishedOrder.length - this.retainFinished)) {
				this.orders.delete(id);
				this.forgotten.add(id);
			}
			if (this.forgotten.size > 100_000) this.forgotten.clear();
		}
	}

	private emit(kind: OrderEventKind, tracked: Tracked, ms: number, fillQty: number, fillPrice: Micros, message: string | null, atSubmission = false): void {
		const event: OrderEvent = {
			event: kind,
			order: view(tracked),
			ms,
			ns: 0,
			fillQty,
			fillPrice,
			positionQty: this.positions.get(tracked.request.symbol)?.qty ?? 0,
			atSubmission,
			...(message === null ? {} : {message}),
		};
		for (const listener of [...this.listeners]) safeCall(() => listener(event), this.log);
	}

	track(request: OrderRequest, how: {placing: boolean; snapshot?: AlpacaOrder; announced?: boolean}): Tracked {
		const {placing, snapshot} = how;
		const tracked: Tracked = {
			request,
			id: snapshot?.id ?? '',
			status: 'pending_new',
			filledQty: 0,
			filledNotional: ZERO_MICROS,
			submittedMs: this.eventTime(),
			announced: how.announced ?? false,
			done: false,
			placing,
			givenUp: false,
			cancelWanted: false,
			cancelInFlight: false,
			cancelAttempts: 0,
			cancelTimer: null,
		};
		if (snapshot && !placing) {
			// An order this session did not place (earlier run, other client): start from its
			// current fill without reporting old executions again; it still gets its `new`.
			const fill = cumulativeFill(snapshot);
			tracked.filledQty = fill.qty;
			tracked.filledNotional = fill.notional;
			const status = mapOrderStatus(snapshot.status);
			tracked.status = fill.qty > 0 ? 'partially_filled' : status === 'pending_cancel' || status === 'new' ? status : 'pending_new';
		}
		this.orders.set(request.clientOrderId, tracked);
		return tracked;
	}

	/** Forget an order id for good: later updates for it are dropped quietly. */
	private forget(clientOrderId: string): void {
		this.forgotten.add(clientOrderId);
		if (this.forgotten.size > 100_000) this.forgotten.clear();
	}

	/** Report a trade update or snapshot that cannot be used: the first 5, then every 100th. */
	private malformed(what: string): void {
		this.malformedCount += 1;
		const n = this.malformedCount;
		if (n <= 5 || n % 100 === 0) this.log('warn', `trade update ignored: ${what}${n > 5 ? ` (${n} so far)` : ''}`);
	}

	/** Stop every cancel-confirmation timer (the adapter is closing). */
	clearTimers(): void {
		for (const t of this.orders.values()) if (t.cancelTimer) clearTimeout(t.cancelTimer);
	}
}

/**
 * Why an order snapshot of an order this session does not follow cannot be adopted, or null.
 * One already finished has nothing left to follow (its fills predate us); one without a
 * symbol, side or quantity is garbage.
 */
function unknownSnapshotProblem(snapshot: AlpacaOrder): string | null {
	if (typeof snapshot.symbol !== 'string' || snapshot.symbol === '') return 'has no symbol';
	if (snapshot.side !== 'buy' && snapshot.side !== 'sell') return `has no side (${String(snapshot.side)})`;
	const qty = parseQty(typeof snapshot.qty === 'string' ? snapshot.qty : null);
	if (!(Number.isSafeInteger(qty) && qty > 0)) return `has no whole quantity (${String(snapshot.qty)})`;
	if (typeof snapshot.status !== 'string') return 'has no status';
	const status = mapOrderStatus(snapshot.status);
	if (FINISHED.has(status)) return `is already ${status} and unknown here: nothing to follow`;
	return null;
}

function describeSnapshot(snapshot: AlpacaOrder): string {
	const text = (value: unknown): string => (typeof value === 'string' || typeof value === 'number' ? String(value) : '?');
	return `${text(snapshot.symbol)} ${text(snapshot.side)} ${text(snapshot.qty)} ${text(snapshot.status)}`.slice(0, 120);
}

function requestFromSnapshot(snapshot: AlpacaOrder): OrderRequest {
	const o = orderFromAlpaca(snapshot);
	return {symbol: o.symbol, side: o.side, type: o.type, qty: o.qty, limitPrice: o.limitPrice, timeInForce: o.timeInForce, clientOrderId: o.clientOrderId};
}

export function view(t: Tracked): Order {
	return {
		...t.request,
		id: t.id,
		status: t.status,
		filledQty: t.filledQty,
		filledNotional: t.filledNotional,
		submittedMs: t.submittedMs,
		submittedNs: 0,
	};
}

export function describeRequest(r: OrderRequest): string {
	const price = r.type === 'limit' && r.limitPrice !== null ? ` @ ${formatMicros(r.limitPrice, 2)}` : ' market';
	return `${r.symbol} ${r.side} ${r.qty}${price} (${r.clientOrderId})`;
}

export function safeCall(fn: () => void, log: AlpacaLog): void {
	try {
		fn();
	} catch (error) {
		log('error', `an order-event listener threw: ${error instanceof Error ? error.message : String(error)}`);
	}
}
