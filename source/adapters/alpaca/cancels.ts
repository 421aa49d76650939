/**
 * Cancels, by client order id. One asked before the Alpaca id is known waits for it (the
 * tracker asks once the POST reply names it); one for an order this session does not follow
 * is looked up first. An accepted cancel without a `canceled` update is checked by reading
 * the order after `cancelConfirmMs`, and sent again (up to 3 times) while it stays open.
 */
import type {BrokerRest} from './broker-rest.js';
import type {AlpacaLog} from './client.js';
import {describeError} from './mapping.js';
import type {OrderTracker, Tracked} from './order-tracker.js';
import {errorStatus} from './rate-limit.js';

export interface CancelOptions {
	readonly tracker: OrderTracker;
	readonly rest: BrokerRest;
	readonly log: AlpacaLog;
	/** Re-read an order this long after a cancel was accepted without a `canceled` update. */
	readonly cancelConfirmMs: number;
	/** Read one order's real state from REST (the reconciler's). */
	readonly refresh: (tracked: Tracked) => Promise<void>;
}

export class OrderCancels {
	constructor(private readonly options: CancelOptions) {}

	/** The port's cancelOrder. */
	cancel(clientOrderId: string): void {
		const {tracker, log} = this.options;
		const tracked = tracker.get(clientOrderId);
		if (!tracked) {
			if (tracker.isForgotten(clientOrderId)) return;
			void this.cancelUnknown(clientOrderId);
			return;
		}
		if (tracked.done) {
			log('info', `cancel ${clientOrderId}: the order is already ${tracked.status}`);
			return;
		}
		tracked.cancelWanted = true;
		// Before the POST reply there is no Alpaca id yet: the tracker asks once the id is known.
		if (tracked.id !== '') void this.send(tracked);
	}

	async send(tracked: Tracked): Promise<void> {
		const {tracker, rest, log, refresh} = this.options;
		if (tracked.cancelInFlight || tracked.done || tracker.closed) return;
		tracked.cancelInFlight = true;
		tracked.cancelAttempts += 1;
		const id = tracked.request.clientOrderId;
		try {
			await rest.cancelOrder(tracked.id);
			this.scheduleCheck(tracked);
		} catch (error) {
			const status = errorStatus(error);
			const reason = describeError(error);
			if (status === 422 || status === 404) {
				log('info', `cancel ${id}: ${reason}`);
			} else {
				log('warn', `cancel ${id} failed: ${reason}`);
			}
			await refresh(tracked);
			if (!tracked.done && status !== 422 && status !== 404) this.scheduleCheck(tracked);
		} finally {
			tracked.cancelInFlight = false;
		}
	}

	/** If no `canceled` update comes, read the order; cancel again while it stays open. */
	private scheduleCheck(tracked: Tracked): void {
		const {tracker, refresh} = this.options;
		if (tracked.cancelTimer || tracker.closed) return;
		tracked.cancelTimer = setTimeout(() => {
			tracked.cancelTimer = null;
			if (tracked.done || tracker.closed) return;
			void refresh(tracked).then(() => {
				if (!tracked.done && tracked.cancelWanted && tracked.cancelAttempts < 3) void this.send(tracked);
			});
		}, this.options.cancelConfirmMs);
		tracked.cancelTimer.unref();
	}

	private async cancelUnknown(clientOrderId: string): Promise<void> {
		const {tracker, rest, log} = this.options;
		try {
			const snapshot = await rest.orderByClientId(clientOrderId);
			if (!snapshot) {
				log('warn', `cancel ${clientOrderId}: no such order at Alpaca`);
				return;
			}
			const tracked = tracker.absorb(snapshot, null);
			if (tracked && !tracked.done) {
				tracked.cancelWanted = true;
				await this.send(tracked);
			}
		} catch (error) {
			log('warn', `cancel ${clientOrderId} failed: ${describeError(error)}`);
		}
	}
}
