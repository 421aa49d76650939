import type {Micros} from '../core/money.js';
import type {BrokerState, OrderEvent, OrderRequest} from '../core/types.js';

export type OrderEventListener = (event: OrderEvent) => void;

/**
 * Where orders go. Calls return at once; every outcome arrives as an OrderEvent through
 * `onOrderEvent`: `new` or a `rejected` with `atSubmission` for a submit, `canceled` for a
 * cancel, fills later. A simulated broker delivers `new`/`rejected`/`canceled` before the call
 * returns; a network broker delivers them when the reply or stream event comes.
 */
export interface Broker {
	submitOrder(request: OrderRequest): void;
	/** Cancel by client order id (known at once, unlike the broker's id). */
	cancelOrder(clientOrderId: string): void;
	onOrderEvent(listener: OrderEventListener): () => void;
	/** Cash, open orders and positions as the broker holds them now. */
	loadState(): Promise<BrokerState>;
	/**
	 * The limit price this broker will actually send for `price` (Alpaca: whole cents at or
	 * above $1, ties up). Absent: prices go as they are (the simulated exchange takes any price).
	 * The engine journals what is sent, not what the strategy computed.
	 */
	conformLimitPrice?(price: Micros): Micros;
}
