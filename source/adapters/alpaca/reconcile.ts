/**
 * Bringing the tracker up to Alpaca's state from REST: after a trade-updates reconnect (open
 * orders, every followed order no longer open, positions), at start-up and whenever the
 * engine asks for the broker's state (`loadState`), and for one order whose news is missing.
 * An order Alpaca no longer knows by either id was lost in a broker reset.
 */
import type {BrokerState, Order} from '../../core/types.js';
import type {BrokerRest} from './broker-rest.js';
import type {AlpacaLog} from './client.js';
import {describeError} from './mapping.js';
import {OrderTracker, safeCall, view, type Tracked} from './order-tracker.js';

/** What reconciliation needs to know of placements in flight. */
export interface PlacementsInFlight {
	/** Placements begun so far. */
	readonly started: number;
	readonly pending: number;
	settle(): Promise<void>;
}

export interface ReconcileOptions {
	readonly tracker: OrderTracker;
	readonly rest: BrokerRest;
	readonly log: AlpacaLog;
	readonly placements: PlacementsInFlight;
	/** After a failed reconciliation, try again after this long (up to 5 times). */
	readonly reconcileRetryMs: number;
}

export class Reconciler {
	private running: Promise<void> | null = null;
	private retryTimer: NodeJS.Timeout | null = null;

	constructor(private readonly options: ReconcileOptions) {}

	/**
	 * Cash, open orders and positions from REST. Open orders become known to the tracker (so
	 * they can be canceled by client order id); news about orders it was already following
	 * is reported as events on the way.
	 */
	async loadState(): Promise<BrokerState> {
		const {tracker, rest, placements} = this.options;
		for (let attempt = 1; ; attempt++) {
			// Orders being placed are waited for: the snapshot must list them.
			if (placements.pending > 0) await placements.settle();
			const executionsBefore = tracker.executionsReported;
			const [account, open, positions] = await Promise.all([rest.account(), rest.openOrders(), rest.positions()]);
			// An execution streamed in while reading: the positions may predate it. Read again.
			const raced = tracker.executionsReported !== executionsBefore;
			const placementsBefore = placements.started;
			const openOrders: Order[] = [];
			const listed = new Set<string>();
			for (const snapshot of open) {
				if (typeof snapshot.clientOrderId === 'string') listed.add(snapshot.clientOrderId);
				const tracked = tracker.absorb(snapshot, null, null, true);
				if (tracked && !tracked.done) openOrders.push(view(tracked));
			}
			// Orders followed but no longer open finished while nobody told us (a socket down, an
			// update still on its way): report them now, before the positions that include their
			// fills are adopted, so no fill is booked twice or lost.
			for (const tracked of tracker.followed()) {
				if (!OrderTracker.unlisted(tracked, listed)) continue;
				await this.refresh(tracked);
			}
			// That news made a strategy place an order the snapshot cannot list: read again.
			const placed = placements.started !== placementsBefore;
			if ((raced || placed) && attempt < 3) continue;
			const mapped = tracker.resetPositions(positions);
			const lastEquity = account.lastEquity !== null && Number.isFinite(account.lastEquity) && account.lastEquity > 0 ? {lastEquity: account.lastEquity} : {};
			return {cash: account.cash, openOrders: openOrders.filter(o => tracker.get(o.clientOrderId)?.done === false), positions: mapped, ...lastEquity};
		}
	}

	/**
	 * Re-read open orders, every followed order that is no longer open, and positions, and
	 * report whatever the stream missed. One at a time: a call while one runs joins it.
	 */
	reconcile(): Promise<void> {
		if (!this.running) {
			this.running = this.run().finally(() => {
				this.running = null;
			});
		}
		return this.running;
	}

	/** Reconcile after a reconnect, then `done`; a failure is retried a few times before giving up. */
	afterReconnect(done: () => void, attempt = 1): void {
		const {tracker, log, reconcileRetryMs} = this.options;
		if (tracker.closed) return;
		void this.reconcile().then(
			() => safeCall(done, log),
			error => {
				if (tracker.closed) return;
				const last = attempt >= 5;
				log(
					last ? 'error' : 'warn',
					`reconciling orders after the trade-updates reconnect failed (${describeError(error)})${last ? '; giving up until the next reconnect' : `; trying again in ${Math.round(reconcileRetryMs / 1000)} s`}`,
				);
				if (last) return;
				this.retryTimer = setTimeout(() => {
					this.retryTimer = null;
					this.afterReconnect(done, attempt + 1);
				}, reconcileRetryMs);
				this.retryTimer.unref();
			},
		);
	}

	/** Read one order's real state (by Alpaca id, else by client order id) and absorb it. */
	async refresh(tracked: Tracked): Promise<void> {
		const {tracker, rest, log} = this.options;
		try {
			let snapshot = tracked.id !== '' ? await rest.orderById(tracked.id) : await rest.orderByClientId(tracked.request.clientOrderId);
			// Not found by id: a broker reset (a restarted emulator) or a different id scheme; the
			// client order id is ours and decides.
			if (!snapshot && tracked.id !== '') snapshot = await rest.orderByClientId(tracked.request.clientOrderId);
			if (snapshot) tracker.absorb(snapshot, null);
			else if (tracked.id !== '') tracker.lost(tracked);
		} catch (error) {
			log('warn', `reading order ${tracked.request.clientOrderId} failed: ${describeError(error)}`);
		}
	}

	close(): void {
		if (this.retryTimer) clearTimeout(this.retryTimer);
		this.retryTimer = null;
	}

	private async run(): Promise<void> {
		const {tracker, rest} = this.options;
		const open = await rest.openOrders();
		const openIds = new Set<string>();
		for (const snapshot of open) {
			if (snapshot.clientOrderId) openIds.add(snapshot.clientOrderId);
			// Orders this session never saw are adopted quietly: the engine learns them from loadState().
			tracker.absorb(snapshot, null, null, true);
		}
		for (const tracked of tracker.followed()) {
			if (!OrderTracker.unlisted(tracked, openIds)) continue;
			// Followed, not open any more: it finished while we were not listening.
			await this.refresh(tracked);
		}
		tracker.resetPositions(await rest.positions());
	}
}
