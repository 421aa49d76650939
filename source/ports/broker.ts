import type {Micros} from '../core/money.js';
import type {BrokerState, OrderEvent, OrderRequest} from '../core/types.js';

export type OrderEventListener = (event: OrderEvent) => void;

/**
 * Where orders go. Calls return at once; every outcome arrives as an OrderEvent through
 * `onOrderEvent`.
 *
 * - submitOrder: a broker that can tell at once that it refuses the order (a local check, the
 *   simulated exchange's cash and quantity rules) delivers a `rejected` with `atSubmission`
 *   before the call returns; that refusal is the call's answer (the original algorithms saw a
 *   failed submit call) and nothing more of the order follows. Every other event of the order
 *   (`new`, fills, an IOC remainder's `canceled`, a refusal the server sends) arrives only
 *   after submitOrder has returned, so the caller has recorded the order before hearing of it.
 * - cancelOrder: the simulated exchange confirms (`canceled`) before the call returns; a
 *   network broker when the reply or stream event comes.
 * - flushEvents: a broker that holds events back while a submit is in progress (the simulated
 *   one) delivers them here; the engine calls it after each input it handles, so they arrive
 *   as the next thing, as a network broker's would. Events a held-back broker raises outside a
 *   submit (fills at a bar, cancel confirmations) are delivered at once, after those held.
 */
export interface Broker {
	submitOrder(request: OrderRequest): void;
	/** Cancel by client order id (known at once, unlike the broker's id). */
	cancelOrder(clientOrderId: string): void;
	onOrderEvent(listener: OrderEventListener): () => void;
	/** Deliver the events held back since the last call (absent: nothing is ever held back). */
	flushEvents?(): void;
	/** Cash, open orders and positions as the broker holds them now. */
	loadState(): Promise<BrokerState>;
	/**
	 * The limit price this broker will actually send for `price` (Alpaca: whole cents at or
	 * above $1, ties up). Absent: prices go as they are (the simulated exchange takes any price).
	 * The engine journals what is sent, not what the strategy computed.
	 */
	conformLimitPrice?(price: Micros): Micros;
}
