/**
 * The Broker port over Alpaca. Calls return at once; outcomes arrive as OrderEvents from the
 * POST reply, the trade-updates stream and, when either is missing, REST reconciliation.
 *
 * Every Alpaca order snapshot (reply, update, lookup) goes through one `absorb`, which
 * compares the snapshot's cumulative fill with what was already reported: duplicated
 * updates add nothing, a reordered or missed execution is reported once from the
 * difference, and terminal states are reported once. So events stay exact however the
 * stream behaves, and a reconnect only has to re-read the orders.
 *
 * Placement is idempotent by client order id: a 4xx is a rejection at submission; after a
 * timeout, network error or 5xx the order is looked up by client order id before anything is
 * resent, and a resend reuses the id (a duplicate is refused by Alpaca and then looked up).
 * Cancels go by client order id; one asked before the Alpaca id is known waits for it.
 */
import type {trading} from '@alpacahq/alpaca-trade-api';
import {formatMicros, type Micros} from '../../core/money.js';
import {applyFill, type Holding} from '../../core/position.js';
import type {BrokerState, Order, OrderEvent, OrderEventKind, OrderRequest, OrderStatus, Position} from '../../core/types.js';
import type {Broker, OrderEventListener} from '../../ports/broker.js';
import type {ConnectionState} from '../../ports/market-data.js';
import type {AlpacaLog} from './client.js';
import {
	conformLimitPrice,
	cumulativeFill,
	describeError,
	mapOrderStatus,
	parseQty,
	orderFromAlpaca,
	positionFromAlpaca,
	toOrderInput,
	updateFields,
	type AccountInfo,
	type AlpacaOrder,
	type MarketClock,
	type AlpacaOrderInput,
	type UpdateFields,
} from './mapping.js';
import {errorStatus} from './rate-limit.js';
import type {TradeUpdate, TradeUpdateSource} from './trade-stream.js';

/** The REST calls the broker uses (AlpacaRest, or a fake in unit tests). */
export interface BrokerRest {
	submitOrder(order: AlpacaOrderInput): Promise<trading.Order>;
	orderByClientId(clientOrderId: string): Promise<trading.Order | null>;
	orderById(orderId: string): Promise<trading.Order | null>;
	openOrders(): Promise<trading.Order[]>;
	cancelOrder(orderId: string): Promise<void>;
	positions(): Promise<trading.Position[]>;
	account(): Promise<AccountInfo>;
	clock(): Promise<MarketClock>;
}

export interface AlpacaBrokerOptions {
	readonly rest: BrokerRest;
	readonly stream: TradeUpdateSource;
	readonly log: AlpacaLog;
	/**
	 * Time for events the server did not stamp (a refusal at submission), before any server
	 * time is known; `start()` reads the market clock first, so this is rarely used. Default Date.now.
	 */
	readonly now?: () => number;
	readonly sleep?: (ms: number) => Promise<void>;
	/** Waits before each by-client-id lookup after an ambiguous POST. Default 250, 1000, 3000 ms. */
	readonly lookupDelaysMs?: readonly number[];
	/** POSTs (same client order id) before giving up on an order nobody can find. Default 3. */
	readonly maxPlacementAttempts?: number;
	/** Re-read an order this long after a cancel was accepted without a `canceled` update. Default 5 s. */
	readonly cancelConfirmMs?: number;
	/** Finished orders kept in memory (late duplicates of older ones are still recognised). Default 5000. */
	readonly retainFinished?: number;
	/** After a failed reconciliation, try again after this long (up to 5 times). Default 5 s. */
	readonly reconcileRetryMs?: number;
}

interface Tracked {
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

const OPEN_STATUSES = new Set<OrderStatus>(['pending_new', 'new', 'partially_filled', 'pending_cancel']);

const defaultSleep = (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, ms).unref();
	});

export class AlpacaBroker implements Broker {
	private readonly listeners: OrderEventListener[] = [];
	private readonly reconnectListeners: (() => void)[] = [];
	private readonly stateListeners: ((state: ConnectionState) => void)[] = [];
	private readonly orders = new Map<string, Tracked>();
	private readonly finishedOrder: string[] = [];
	/** Client ids of finished orders already dropped from `orders` (bounded). */
	private readonly forgotten = new Set<string>();
	private readonly executions = new Set<string>();
	private readonly executionOrder: string[] = [];
	private readonly positions = new Map<string, Holding>();
	private readonly rest: BrokerRest;
	private readonly stream: TradeUpdateSource;
	private readonly log: AlpacaLog;
	private readonly now: () => number;
	private readonly sleep: (ms: number) => Promise<void>;
	private readonly lookupDelaysMs: readonly number[];
	private readonly maxPlacementAttempts: number;
	private readonly cancelConfirmMs: number;
	private readonly retainFinished: number;
	private readonly reconcileRetryMs: number;
	private reconcileTimer: NodeJS.Timeout | null = null;
	/** Latest time the server stamped on anything (market time in emulate mode). */
	private serverMs = 0;
	private closed = false;
	private reconciling: Promise<void> | null = null;
	/** Trade updates / snapshots dropped as unusable. */
	malformedCount = 0;
	/** Placements still running (POST, lookups, resends). */
	private readonly placements = new Set<Promise<void>>();
	private placementsStarted = 0;
	private executionsReported = 0;

	constructor(options: AlpacaBrokerOptions) {
		this.rest = options.rest;
		this.stream = options.stream;
		this.log = options.log;
		this.now = options.now ?? Date.now;
		this.sleep = options.sleep ?? defaultSleep;
		this.lookupDelaysMs = options.lookupDelaysMs ?? [250, 1000, 3000];
		this.maxPlacementAttempts = Math.max(1, options.maxPlacementAttempts ?? 3);
		this.cancelConfirmMs = options.cancelConfirmMs ?? 5000;
		this.retainFinished = options.retainFinished ?? 5000;
		this.reconcileRetryMs = options.reconcileRetryMs ?? 5000;
		this.stream.onUpdate(update => this.onUpdate(update));
		this.stream.onState(state => {
			for (const listener of this.stateListeners) listener(state);
		});
		this.stream.onReconnected(() => this.reconcileAfterReconnect(1));
	}

	// --- port ----------------------------------------------------------------------------

	submitOrder(request: OrderRequest): void {
		if (this.closed) {
			this.rejectLocally(request, 'the Alpaca adapter is closed');
			return;
		}
		if (this.orders.has(request.clientOrderId) || this.forgotten.has(request.clientOrderId)) {
			this.log('warn', `order ${request.clientOrderId} was already submitted: not sending it twice`);
			return;
		}
		const problem = localProblem(request);
		if (problem) {
			this.rejectLocally(request, problem);
			return;
		}
		let limitText: string | null = null;
		let conformed = request;
		if (request.type === 'limit' && request.limitPrice !== null) {
			const c = conformLimitPrice(request.limitPrice);
			limitText = c.text;
			if (c.changed) {
				this.log(
					'info',
					`${request.symbol} limit ${formatMicros(request.limitPrice, 2)} sent as ${c.text} (Alpaca takes whole cents at or above $1, 4 decimals below)`,
				);
				conformed = {...request, limitPrice: c.price};
			}
		}
		const tracked = this.track(conformed, {placing: true});
		this.placementsStarted += 1;
		const placing = this.place(tracked, toOrderInput(conformed, limitText)).finally(() => this.placements.delete(placing));
		this.placements.add(placing);
	}

	cancelOrder(clientOrderId: string): void {
		const tracked = this.orders.get(clientOrderId);
		if (!tracked) {
			if (this.forgotten.has(clientOrderId)) return;
			void this.cancelUnknown(clientOrderId);
			return;
		}
		if (tracked.done) {
			this.log('info', `cancel ${clientOrderId}: the order is already ${tracked.status}`);
			return;
		}
		tracked.cancelWanted = true;
		// Before the POST reply there is no Alpaca id yet: absorb() sends it once the id is known.
		if (tracked.id !== '') void this.sendCancel(tracked);
	}

	conformLimitPrice(price: Micros): Micros {
		// A price the adapter refuses anyway (not positive, not whole micros) is left for that refusal.
		return Number.isSafeInteger(price) && price > 0 ? conformLimitPrice(price).price : price;
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	/**
	 * Cash, open orders and positions from REST. Open orders become known to the broker (so
	 * they can be canceled by client order id); news about orders it was already following
	 * is reported as events on the way.
	 */
	async loadState(): Promise<BrokerState> {
		for (let attempt = 1; ; attempt++) {
			// Orders being placed are waited for: the snapshot must list them.
			if (this.placements.size > 0) await Promise.allSettled([...this.placements]);
			const executionsBefore = this.executionsReported;
			const [account, open, positions] = await Promise.all([this.rest.account(), this.rest.openOrders(), this.rest.positions()]);
			// An execution streamed in while reading: the positions may predate it. Read again.
			const raced = this.executionsReported !== executionsBefore;
			const placementsBefore = this.placementsStarted;
			const openOrders: Order[] = [];
			const listed = new Set<string>();
			for (const snapshot of open) {
				if (typeof snapshot.clientOrderId === 'string') listed.add(snapshot.clientOrderId);
				const tracked = this.absorb(snapshot, null, null, true);
				if (tracked && !tracked.done) openOrders.push(view(tracked));
			}
			// Orders followed but no longer open finished while nobody told us (a socket down, an
			// update still on its way): report them now, before the positions that include their
			// fills are adopted, so no fill is booked twice or lost.
			for (const tracked of [...this.orders.values()]) {
				if (tracked.done || tracked.placing || tracked.id === '' || listed.has(tracked.request.clientOrderId)) continue;
				await this.refresh(tracked);
			}
			// That news made a strategy place an order the snapshot cannot list: read again.
			const placed = this.placementsStarted !== placementsBefore;
			if ((raced || placed) && attempt < 3) continue;
			const mapped = this.resetPositions(positions);
			const lastEquity = account.lastEquity !== null && Number.isFinite(account.lastEquity) && account.lastEquity > 0 ? {lastEquity: account.lastEquity} : {};
			return {cash: account.cash, openOrders: openOrders.filter(o => this.orders.get(o.clientOrderId)?.done === false), positions: mapped, ...lastEquity};
		}
	}

	// --- extras --------------------------------------------------------------------------

	/**
	 * Connect the trade-updates stream; resolves once subscribed. Also reads the market clock,
	 * so events the server does not stamp carry market time (the emulator's is not the wall's).
	 */
	async start(): Promise<void> {
		const clock = this.rest.clock().then(
			c => {
				if (Number.isFinite(c.ms) && c.ms > this.serverMs) this.serverMs = c.ms;
			},
			error => this.log('warn', `could not read the market clock: ${describeError(error)}`),
		);
		await Promise.all([this.stream.start(), clock]);
	}

	/** Fired after a trade-updates reconnect, once missed events were recovered by REST. */
	onReconnected(listener: () => void): () => void {
		this.reconnectListeners.push(listener);
		return () => {
			const i = this.reconnectListeners.indexOf(listener);
			if (i >= 0) this.reconnectListeners.splice(i, 1);
		};
	}

	onConnectionState(listener: (state: ConnectionState) => void): () => void {
		this.stateListeners.push(listener);
		return () => {
			const i = this.stateListeners.indexOf(listener);
			if (i >= 0) this.stateListeners.splice(i, 1);
		};
	}

	get connectionState(): ConnectionState {
		return this.stream.state;
	}

	/** Streamed position (signed shares, cost basis) of a symbol: no REST call. */
	position(symbol: string): Position | null {
		const p = this.positions.get(symbol);
		return p ? {symbol, qty: p.qty, costBasis: p.costBasis} : null;
	}

	/** Orders the broker follows that are still open (streamed state). */
	openOrders(): Order[] {
		const out: Order[] = [];
		for (const t of this.orders.values()) if (!t.done) out.push(view(t));
		return out;
	}

	/**
	 * Re-read open orders, every followed order that is no longer open, and positions, and
	 * report whatever the stream missed. Runs after each trade-updates reconnect.
	 */
	reconcile(): Promise<void> {
		if (!this.reconciling) {
			this.reconciling = this.doReconcile().finally(() => {
				this.reconciling = null;
			});
		}
		return this.reconciling;
	}

	close(): void {
		this.closed = true;
		if (this.reconcileTimer) clearTimeout(this.reconcileTimer);
		for (const t of this.orders.values()) if (t.cancelTimer) clearTimeout(t.cancelTimer);
		this.stream.stop();
	}

	/** Reconcile, then tell the listeners; a failure is retried a few times before giving up. */
	private reconcileAfterReconnect(attempt: number): void {
		if (this.closed) return;
		void this.reconcile().then(
			() => {
				for (const listener of [...this.reconnectListeners]) safeCall(() => listener(), this.log);
			},
			error => {
				if (this.closed) return;
				const last = attempt >= 5;
				this.log(
					last ? 'error' : 'warn',
					`reconciling orders after the trade-updates reconnect failed (${describeError(error)})${last ? '; giving up until the next reconnect' : `; trying again in ${Math.round(this.reconcileRetryMs / 1000)} s`}`,
				);
				if (last) return;
				this.reconcileTimer = setTimeout(() => {
					this.reconcileTimer = null;
					this.reconcileAfterReconnect(attempt + 1);
				}, this.reconcileRetryMs);
				this.reconcileTimer.unref();
			},
		);
	}

	// --- placement -----------------------------------------------------------------------

	private async place(tracked: Tracked, input: AlpacaOrderInput): Promise<void> {
		const id = tracked.request.clientOrderId;
		try {
			for (let attempt = 1; attempt <= this.maxPlacementAttempts; attempt++) {
				let failure: unknown;
				try {
					const reply = await this.rest.submitOrder(input);
					this.absorb(reply, null);
					return;
				} catch (error) {
					failure = error;
				}
				if (this.closed || tracked.announced || tracked.done) return;
				const status = errorStatus(failure);
				const reason = describeError(failure);
				if (status === 422 && /client_order_id/i.test(reason)) {
					// Our own earlier attempt got through: find it instead of placing another.
					this.log('info', `${tracked.request.symbol} order ${id}: Alpaca already has it; looking it up`);
				} else if (status !== null && status >= 400 && status < 500) {
					this.reject(tracked, reason, true);
					this.log('warn', `${describeRequest(tracked.request)} rejected by Alpaca: ${reason}`);
					return;
				} else {
					this.log('warn', `${tracked.request.symbol} order ${id}: no answer to the POST (${reason}); looking it up by client order id before resending`);
				}
				const found = await this.lookUp(tracked);
				if (found || this.closed || tracked.announced || tracked.done) return;
				if (attempt < this.maxPlacementAttempts)
					this.log('warn', `${tracked.request.symbol} order ${id} not found at Alpaca: sending it again with the same client order id`);
			}
			tracked.givenUp = true;
			this.reject(tracked, 'order placement could not be confirmed (no reply, not found by client order id)', true);
			this.log(
				'error',
				`${describeRequest(tracked.request)}: placement could not be confirmed; treating it as rejected (reported again if Alpaca shows it later)`,
			);
		} finally {
			tracked.placing = false;
		}
	}

	/** After an ambiguous POST: look the order up by client order id, a few times (404 proves nothing at once). */
	private async lookUp(tracked: Tracked): Promise<boolean> {
		for (const delay of this.lookupDelaysMs) {
			await this.sleep(delay);
			if (this.closed || tracked.announced || tracked.done) return true;
			try {
				const snapshot = await this.rest.orderByClientId(tracked.request.clientOrderId);
				if (snapshot) {
					const other = differsFrom(tracked.request, snapshot);
					if (other !== null) {
						// Not our attempt: another order already carries this client order id.
						this.log('error', `${describeRequest(tracked.request)}: the client order id is taken by another order at Alpaca (${other}); not placed`);
						this.reject(tracked, 'client order id already used by another order', true);
						return true;
					}
					this.absorb(snapshot, null);
					return true;
				}
			} catch (error) {
				this.log('warn', `${tracked.request.symbol} order ${tracked.request.clientOrderId}: lookup failed (${describeError(error)})`);
			}
		}
		return tracked.announced || tracked.done;
	}

	// --- cancels -------------------------------------------------------------------------

	private async sendCancel(tracked: Tracked): Promise<void> {
		if (tracked.cancelInFlight || tracked.done || this.closed) return;
		tracked.cancelInFlight = true;
		tracked.cancelAttempts += 1;
		const id = tracked.request.clientOrderId;
		try {
			await this.rest.cancelOrder(tracked.id);
			this.scheduleCancelCheck(tracked);
		} catch (error) {
			const status = errorStatus(error);
			const reason = describeError(error);
			if (status === 422 || status === 404) {
				this.log('info', `cancel ${id}: ${reason}`);
			} else {
				this.log('warn', `cancel ${id} failed: ${reason}`);
			}
			await this.refresh(tracked);
			if (!tracked.done && status !== 422 && status !== 404) this.scheduleCancelCheck(tracked);
		} finally {
			tracked.cancelInFlight = false;
		}
	}

	/** If no `canceled` update comes, read the order; cancel again while it stays open. */
	private scheduleCancelCheck(tracked: Tracked): void {
		if (tracked.cancelTimer || this.closed) return;
		tracked.cancelTimer = setTimeout(() => {
			tracked.cancelTimer = null;
			if (tracked.done || this.closed) return;
			void this.refresh(tracked).then(() => {
				if (!tracked.done && tracked.cancelWanted && tracked.cancelAttempts < 3) void this.sendCancel(tracked);
			});
		}, this.cancelConfirmMs);
		tracked.cancelTimer.unref();
	}

	private async cancelUnknown(clientOrderId: string): Promise<void> {
		try {
			const snapshot = await this.rest.orderByClientId(clientOrderId);
			if (!snapshot) {
				this.log('warn', `cancel ${clientOrderId}: no such order at Alpaca`);
				return;
			}
			const tracked = this.absorb(snapshot, null);
			if (tracked && !tracked.done) {
				tracked.cancelWanted = true;
				await this.sendCancel(tracked);
			}
		} catch (error) {
			this.log('warn', `cancel ${clientOrderId} failed: ${describeError(error)}`);
		}
	}

	private async refresh(tracked: Tracked): Promise<void> {
		try {
			let snapshot = tracked.id !== '' ? await this.rest.orderById(tracked.id) : await this.rest.orderByClientId(tracked.request.clientOrderId);
			// Not found by id: a broker reset (a restarted emulator) or a different id scheme; the
			// client order id is ours and decides.
			if (!snapshot && tracked.id !== '') snapshot = await this.rest.orderByClientId(tracked.request.clientOrderId);
			if (snapshot) this.absorb(snapshot, null);
			else if (tracked.id !== '') this.lost(tracked);
		} catch (error) {
			this.log('warn', `reading order ${tracked.request.clientOrderId} failed: ${describeError(error)}`);
		}
	}

	/**
	 * The broker acknowledged this order once and now knows it by neither id: it was reset (an
	 * emulator restarted on the same port). Nothing more will come for it; the caller's next
	 * loadState() adopts the broker's orders and positions. The execution ids seen so far
	 * belonged to the old broker: they are forgotten, so a new broker that reuses them is heard.
	 */
	private lost(tracked: Tracked): void {
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

	// --- stream --------------------------------------------------------------------------

	private onUpdate(update: TradeUpdate): void {
		if (this.closed) return;
		const fields = updateFields(update);
		if (Number.isFinite(fields.ms) && fields.ms > this.serverMs) this.serverMs = fields.ms;
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
	private absorb(snapshot: AlpacaOrder, execution: UpdateFields | null, stamp: UpdateFields | null = execution, adoptSilently = false): Tracked | null {
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
			if (tracked.cancelWanted && !tracked.done) void this.sendCancel(tracked);
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
			this.emit('new', tracked, ms, 0, 0, null);
		}

		const cumulative = cumulativeFill(snapshot);
		if (cumulative.qty > tracked.filledQty) {
			const delta = cumulative.qty - tracked.filledQty;
			const exact = execution !== null && execution.qty !== null && execution.price !== null && execution.qty <= delta ? execution : null;
			const missed = exact ? delta - exact.qty! : delta;
			const known = exact ? exact.qty! * exact.price! : 0;
			// Executions we never saw (stream down, reordered) are priced from the average.
			const price = missed > 0 ? Math.round((cumulative.notional - tracked.filledNotional - known) / missed) : 0;
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
				if (stamp !== null) void this.refresh(tracked);
				return tracked;
			}
			if (missed > 0) this.execute(tracked, missed, price, null, ms);
			if (exact) this.execute(tracked, exact.qty!, exact.price!, exact.positionQty, ms);
		}

		if (!tracked.done) {
			if (status === 'canceled' || status === 'expired' || status === 'replaced') {
				tracked.status = status;
				this.finish(tracked);
				this.emit(status, tracked, ms, 0, 0, null);
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
		tracked.filledNotional += qty * price;
		const complete = tracked.filledQty >= tracked.request.qty;
		tracked.status = complete ? 'filled' : 'partially_filled';
		const book = this.positions.get(tracked.request.symbol) ?? {qty: 0, costBasis: 0};
		applyFill(book, tracked.request.side, qty, price);
		if (brokerPosition !== null && brokerPosition !== book.qty) {
			// Alpaca's number wins (activity outside this session); keep the average cost.
			book.costBasis = book.qty !== 0 ? Math.round((book.costBasis / book.qty) * brokerPosition) : 0;
			book.qty = brokerPosition;
		}
		if (book.qty === 0) {
			this.positions.delete(tracked.request.symbol);
			book.costBasis = 0;
		} else this.positions.set(tracked.request.symbol, book);
		if (complete) this.finish(tracked);
		this.emit(complete ? 'fill' : 'partial_fill', tracked, ms, qty, price, null);
	}

	private reject(tracked: Tracked, message: string, atSubmission: boolean, ms = this.eventTime()): void {
		if (tracked.done) return;
		tracked.status = 'rejected';
		this.finish(tracked);
		this.emit('rejected', tracked, ms, 0, 0, message, atSubmission);
	}

	private rejectLocally(request: OrderRequest, message: string): void {
		const tracked = this.track(request, {placing: false});
		this.log('warn', `${describeRequest(request)} not sent: ${message}`);
		this.reject(tracked, message, true);
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

	private track(request: OrderRequest, how: {placing: boolean; snapshot?: AlpacaOrder; announced?: boolean}): Tracked {
		const {placing, snapshot} = how;
		const tracked: Tracked = {
			request,
			id: snapshot?.id ?? '',
			status: 'pending_new',
			filledQty: 0,
			filledNotional: 0,
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

	private eventTime(): number {
		return this.serverMs > 0 ? this.serverMs : this.now();
	}

	private resetPositions(positions: readonly trading.Position[]): Position[] {
		const mapped = positions.map(positionFromAlpaca).filter(p => Number.isFinite(p.qty) && p.qty !== 0);
		this.positions.clear();
		for (const p of mapped) this.positions.set(p.symbol, {qty: p.qty, costBasis: p.costBasis});
		return mapped.sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
	}

	private async doReconcile(): Promise<void> {
		const open = await this.rest.openOrders();
		const openIds = new Set<string>();
		for (const snapshot of open) {
			if (snapshot.clientOrderId) openIds.add(snapshot.clientOrderId);
			// Orders this session never saw are adopted quietly: the engine learns them from loadState().
			this.absorb(snapshot, null, null, true);
		}
		for (const tracked of [...this.orders.values()]) {
			if (tracked.done || tracked.placing || tracked.id === '' || openIds.has(tracked.request.clientOrderId)) continue;
			// Followed, not open any more: it finished while we were not listening.
			await this.refresh(tracked);
		}
		this.resetPositions(await this.rest.positions());
	}
}

function localProblem(request: OrderRequest): string | null {
	if (!Number.isSafeInteger(request.qty) || request.qty <= 0) return 'qty must be a whole number of shares > 0';
	if (request.type === 'limit' && !(request.limitPrice !== null && Number.isSafeInteger(request.limitPrice) && request.limitPrice > 0)) {
		return 'limit price must be > 0';
	}
	if (request.clientOrderId === '' || request.clientOrderId.length > 128) return 'client order id must be 1..128 characters';
	return null;
}

const FINISHED = new Set<OrderStatus>(['filled', 'canceled', 'expired', 'rejected', 'replaced']);

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

/** How an order found by client order id differs from the one we tried to place, or null. */
function differsFrom(request: OrderRequest, snapshot: AlpacaOrder): string | null {
	const found = orderFromAlpaca(snapshot);
	if (found.symbol !== request.symbol || found.side !== request.side || found.qty !== request.qty || found.type !== request.type) {
		return `${found.symbol} ${found.side} ${found.qty} ${found.type}`;
	}
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

function view(t: Tracked): Order {
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

function describeRequest(r: OrderRequest): string {
	const price = r.type === 'limit' && r.limitPrice !== null ? ` @ ${formatMicros(r.limitPrice, 2)}` : ' market';
	return `${r.symbol} ${r.side} ${r.qty}${price} (${r.clientOrderId})`;
}

function safeCall(fn: () => void, log: AlpacaLog): void {
	try {
		fn();
	} catch (error) {
		log('error', `an order-event listener threw: ${error instanceof Error ? error.message : String(error)}`);
	}
}
