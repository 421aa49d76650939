import type {BrokerState, OrderEvent, OrderRequest} from '../../core/types.js';
import type {Broker, OrderEventListener} from '../../ports/broker.js';
import type {SimExchange} from './exchange.js';

/**
 * The Broker port over the simulated exchange, delivering as a network broker would: the
 * events a submit raises (`new`, an IOC's fills and remainder cancel) are held until the
 * submit has returned and delivered at the next `flushEvents()` or the next event the
 * exchange raises, whichever comes first, in the order they were raised. A refusal at
 * submission is the submit's answer and is delivered at once; so are events raised outside a
 * submit (fills at a bar, cancel confirmations, expiries), after the held ones.
 */
export class SimBroker implements Broker {
	private readonly listeners: OrderEventListener[] = [];
	/** True while the exchange processes a submit: its events are held back. */
	private submitting = false;
	private readonly held: OrderEvent[] = [];
	/** Index of the next held event to deliver (delivery can nest: a listener may cancel). */
	private next = 0;

	constructor(readonly exchange: SimExchange) {
		exchange.onEvent(event => this.onExchangeEvent(event));
	}

	submitOrder(request: OrderRequest): void {
		this.submitting = true;
		try {
			this.exchange.submit(request);
		} finally {
			this.submitting = false;
		}
	}

	cancelOrder(clientOrderId: string): void {
		this.exchange.cancel(clientOrderId);
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {
			const i = this.listeners.indexOf(listener);
			if (i >= 0) this.listeners.splice(i, 1);
		};
	}

	flushEvents(): void {
		const held = this.held;
		if (held.length === 0) return;
		while (this.next < held.length) this.deliver(held[this.next++]!);
		if (this.next === held.length) {
			held.length = 0;
			this.next = 0;
		}
	}

	loadState(): Promise<BrokerState> {
		return Promise.resolve(this.exchange.state());
	}

	private onExchangeEvent(event: OrderEvent): void {
		if (this.submitting && !event.atSubmission) {
			this.held.push(event);
			return;
		}
		if (!this.submitting && this.next < this.held.length) this.flushEvents();
		this.deliver(event);
	}

	private deliver(event: OrderEvent): void {
		const listeners = this.listeners;
		for (let i = 0; i < listeners.length; i++) listeners[i]!(event);
	}
}
