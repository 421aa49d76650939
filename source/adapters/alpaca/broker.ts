/**
 * The Broker port over Alpaca, composed of four parts with one job each:
 * - order-tracker.ts: the synchronous book of followed orders; every Alpaca snapshot goes
 *   through its one `absorb`, so events stay exact however the stream behaves;
 * - placement.ts: idempotent placement by client order id (look up before any resend);
 * - cancels.ts: cancels by client order id, confirmed by re-reading the order;
 * - reconcile.ts: REST reads after a reconnect, at start-up (loadState) and for one order.
 * Calls return at once; outcomes arrive as OrderEvents from the POST reply, the trade-updates
 * stream and, when either is missing, REST reconciliation.
 */
import type {Micros} from '../../core/money.js';
import type {BrokerState, Order, OrderRequest, Position} from '../../core/types.js';
import type {Broker, OrderEventListener} from '../../ports/broker.js';
import type {ConnectionState} from '../../ports/market-data.js';
import type {BrokerRest} from './broker-rest.js';
import {OrderCancels} from './cancels.js';
import type {AlpacaLog} from './client.js';
import {conformLimitPrice, describeError} from './mapping.js';
import {OrderTracker, safeCall} from './order-tracker.js';
import {OrderPlacement} from './placement.js';
import {Reconciler} from './reconcile.js';
import type {TradeUpdateSource} from './trade-stream.js';

export type {BrokerRest} from './broker-rest.js';

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

const defaultSleep = (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, ms).unref();
	});

export class AlpacaBroker implements Broker {
	private readonly reconnectListeners: (() => void)[] = [];
	private readonly stateListeners: ((state: ConnectionState) => void)[] = [];
	private readonly rest: BrokerRest;
	private readonly stream: TradeUpdateSource;
	private readonly log: AlpacaLog;
	private readonly tracker: OrderTracker;
	private readonly placement: OrderPlacement;
	private readonly cancels: OrderCancels;
	private readonly reconciler: Reconciler;

	constructor(options: AlpacaBrokerOptions) {
		this.rest = options.rest;
		this.stream = options.stream;
		this.log = options.log;
		const {rest, log} = options;
		const tracker = new OrderTracker({log, now: options.now ?? Date.now, retainFinished: options.retainFinished ?? 5000});
		this.tracker = tracker;
		this.placement = new OrderPlacement({
			tracker,
			rest,
			log,
			sleep: options.sleep ?? defaultSleep,
			lookupDelaysMs: options.lookupDelaysMs ?? [250, 1000, 3000],
			maxPlacementAttempts: Math.max(1, options.maxPlacementAttempts ?? 3),
		});
		this.reconciler = new Reconciler({tracker, rest, log, placements: this.placement, reconcileRetryMs: options.reconcileRetryMs ?? 5000});
		this.cancels = new OrderCancels({tracker, rest, log, cancelConfirmMs: options.cancelConfirmMs ?? 5000, refresh: t => this.reconciler.refresh(t)});
		tracker.hooks = {
			sendCancel: t => void this.cancels.send(t),
			refresh: t => void this.reconciler.refresh(t),
		};
		this.stream.onUpdate(update => tracker.onUpdate(update));
		this.stream.onState(state => {
			for (const listener of this.stateListeners) listener(state);
		});
		this.stream.onReconnected(() => this.reconciler.afterReconnect(() => this.reconnected()));
	}

	/** Trade updates / snapshots dropped as unusable. */
	get malformedCount(): number {
		return this.tracker.malformedCount;
	}

	// --- port ----------------------------------------------------------------------------

	submitOrder(request: OrderRequest): void {
		this.placement.submit(request);
	}

	cancelOrder(clientOrderId: string): void {
		this.cancels.cancel(clientOrderId);
	}

	conformLimitPrice(price: Micros): Micros {
		// A price the adapter refuses anyway (not positive, not whole micros) is left for that refusal.
		return Number.isSafeInteger(price) && price > 0 ? conformLimitPrice(price).price : price;
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		return this.tracker.onOrderEvent(listener);
	}

	/**
	 * Cash, open orders and positions from REST. Open orders become known to the broker (so
	 * they can be canceled by client order id); news about orders it was already following
	 * is reported as events on the way.
	 */
	loadState(): Promise<BrokerState> {
		return this.reconciler.loadState();
	}

	// --- extras --------------------------------------------------------------------------

	/**
	 * Connect the trade-updates stream; resolves once subscribed. Also reads the market clock,
	 * so events the server does not stamp carry market time (the emulator's is not the wall's).
	 */
	async start(): Promise<void> {
		const clock = this.rest.clock().then(
			c => this.tracker.noteServerTime(c.ms),
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
		return this.tracker.position(symbol);
	}

	/** Orders the broker follows that are still open (streamed state). */
	openOrders(): Order[] {
		return this.tracker.openOrders();
	}

	/**
	 * Re-read open orders, every followed order that is no longer open, and positions, and
	 * report whatever the stream missed. Runs after each trade-updates reconnect.
	 */
	reconcile(): Promise<void> {
		return this.reconciler.reconcile();
	}

	close(): void {
		this.tracker.closed = true;
		this.reconciler.close();
		this.tracker.clearTimers();
		this.stream.stop();
	}

	private reconnected(): void {
		for (const listener of [...this.reconnectListeners]) safeCall(() => listener(), this.log);
	}
}
