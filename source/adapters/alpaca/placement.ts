/**
 * Placing orders at Alpaca, idempotently by client order id: a 4xx is a rejection at
 * submission; after a timeout, network error or 5xx the order is looked up by client order id
 * before anything is resent, and a resend reuses the id (a duplicate is refused by Alpaca and
 * then looked up). A limit price Alpaca would refuse (sub-penny) is conformed first, and said so.
 */
import {formatMicros} from '../../core/money.js';
import type {OrderRequest} from '../../core/types.js';
import type {BrokerRest} from './broker-rest.js';
import type {AlpacaLog} from './client.js';
import {conformLimitPrice, describeError, orderFromAlpaca, toOrderInput, type AlpacaOrder, type AlpacaOrderInput} from './mapping.js';
import {describeRequest, type OrderTracker, type Tracked} from './order-tracker.js';
import {errorStatus} from './rate-limit.js';

export interface PlacementOptions {
	readonly tracker: OrderTracker;
	readonly rest: BrokerRest;
	readonly log: AlpacaLog;
	readonly sleep: (ms: number) => Promise<void>;
	/** Waits before each by-client-id lookup after an ambiguous POST. */
	readonly lookupDelaysMs: readonly number[];
	/** POSTs (same client order id) before giving up on an order nobody can find. */
	readonly maxPlacementAttempts: number;
}

export class OrderPlacement {
	/** Placements still running (POST, lookups, resends). */
	private readonly running = new Set<Promise<void>>();
	/** Placements begun so far (a REST read that raced one is read again). */
	started = 0;

	constructor(private readonly options: PlacementOptions) {}

	get pending(): number {
		return this.running.size;
	}

	/** Resolves once every placement running now has settled. */
	async settle(): Promise<void> {
		if (this.running.size > 0) await Promise.allSettled([...this.running]);
	}

	/** The port's submitOrder: refuse locally, or follow the order and start placing it. */
	submit(request: OrderRequest): void {
		const {tracker, log} = this.options;
		if (tracker.closed) {
			tracker.rejectLocally(request, 'the Alpaca adapter is closed');
			return;
		}
		if (tracker.knows(request.clientOrderId)) {
			log('warn', `order ${request.clientOrderId} was already submitted: not sending it twice`);
			return;
		}
		const problem = localProblem(request);
		if (problem) {
			tracker.rejectLocally(request, problem);
			return;
		}
		let limitText: string | null = null;
		let conformed = request;
		if (request.type === 'limit' && request.limitPrice !== null) {
			const c = conformLimitPrice(request.limitPrice);
			limitText = c.text;
			if (c.changed) {
				log(
					'info',
					`${request.symbol} limit ${formatMicros(request.limitPrice, 2)} sent as ${c.text} (Alpaca takes whole cents at or above $1, 4 decimals below)`,
				);
				conformed = {...request, limitPrice: c.price};
			}
		}
		const tracked = tracker.track(conformed, {placing: true});
		this.started += 1;
		const placing = this.place(tracked, toOrderInput(conformed, limitText)).finally(() => this.running.delete(placing));
		this.running.add(placing);
	}

	private async place(tracked: Tracked, input: AlpacaOrderInput): Promise<void> {
		const {tracker, rest, log, maxPlacementAttempts} = this.options;
		const id = tracked.request.clientOrderId;
		try {
			for (let attempt = 1; attempt <= maxPlacementAttempts; attempt++) {
				let failure: unknown;
				try {
					const reply = await rest.submitOrder(input);
					tracker.absorb(reply, null);
					return;
				} catch (error) {
					failure = error;
				}
				if (tracker.closed || tracked.announced || tracked.done) return;
				const status = errorStatus(failure);
				const reason = describeError(failure);
				if (status === 422 && /client_order_id/i.test(reason)) {
					// Our own earlier attempt got through: find it instead of placing another.
					log('info', `${tracked.request.symbol} order ${id}: Alpaca already has it; looking it up`);
				} else if (status !== null && status >= 400 && status < 500) {
					tracker.reject(tracked, reason, true);
					log('warn', `${describeRequest(tracked.request)} rejected by Alpaca: ${reason}`);
					return;
				} else {
					log('warn', `${tracked.request.symbol} order ${id}: no answer to the POST (${reason}); looking it up by client order id before resending`);
				}
				const found = await this.lookUp(tracked);
				if (found || tracker.closed || tracked.announced || tracked.done) return;
				if (attempt < maxPlacementAttempts)
					log('warn', `${tracked.request.symbol} order ${id} not found at Alpaca: sending it again with the same client order id`);
			}
			tracked.givenUp = true;
			tracker.reject(tracked, 'order placement could not be confirmed (no reply, not found by client order id)', true);
			log('error', `${describeRequest(tracked.request)}: placement could not be confirmed; treating it as rejected (reported again if Alpaca shows it later)`);
		} finally {
			tracked.placing = false;
		}
	}

	/** After an ambiguous POST: look the order up by client order id, a few times (404 proves nothing at once). */
	private async lookUp(tracked: Tracked): Promise<boolean> {
		const {tracker, rest, log, sleep} = this.options;
		for (const delay of this.options.lookupDelaysMs) {
			await sleep(delay);
			if (tracker.closed || tracked.announced || tracked.done) return true;
			try {
				const snapshot = await rest.orderByClientId(tracked.request.clientOrderId);
				if (snapshot) {
					const other = differsFrom(tracked.request, snapshot);
					if (other !== null) {
						// Not our attempt: another order already carries this client order id.
						log('error', `${describeRequest(tracked.request)}: the client order id is taken by another order at Alpaca (${other}); not placed`);
						tracker.reject(tracked, 'client order id already used by another order', true);
						return true;
					}
					tracker.absorb(snapshot, null);
					return true;
				}
			} catch (error) {
				log('warn', `${tracked.request.symbol} order ${tracked.request.clientOrderId}: lookup failed (${describeError(error)})`);
			}
		}
		return tracked.announced || tracked.done;
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

/** How an order found by client order id differs from the one we tried to place, or null. */
function differsFrom(request: OrderRequest, snapshot: AlpacaOrder): string | null {
	const found = orderFromAlpaca(snapshot);
	if (found.symbol !== request.symbol || found.side !== request.side || found.qty !== request.qty || found.type !== request.type) {
		return `${found.symbol} ${found.side} ${found.qty} ${found.type}`;
	}
	return null;
}
