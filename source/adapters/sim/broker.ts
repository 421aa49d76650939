import type {BrokerState, OrderRequest} from '../../core/types.js';
import type {Broker, OrderEventListener} from '../../ports/broker.js';
import type {SimExchange} from './exchange.js';

/** The Broker port over the simulated exchange: every outcome arrives before the call returns. */
export class SimBroker implements Broker {
	constructor(readonly exchange: SimExchange) {}

	submitOrder(request: OrderRequest): void {
		this.exchange.submit(request);
	}

	cancelOrder(clientOrderId: string): void {
		this.exchange.cancel(clientOrderId);
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		return this.exchange.onEvent(listener);
	}

	loadState(): Promise<BrokerState> {
		return Promise.resolve(this.exchange.state());
	}
}
