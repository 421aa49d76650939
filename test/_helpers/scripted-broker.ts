/** A broker whose outcomes the test decides: it records submissions and emits what it is told. */
import {addMicros, type Micros, micros, mulQty, ZERO_MICROS} from '../../source/core/money.js';
import type {BrokerState, Order, OrderEvent, OrderEventKind, OrderRequest} from '../../source/core/types.js';
import type {Broker, OrderEventListener} from '../../source/ports/broker.js';

export class ScriptedBroker implements Broker {
	readonly submitted: OrderRequest[] = [];
	readonly canceled: string[] = [];
	private readonly listeners: OrderEventListener[] = [];
	private readonly orders = new Map<string, Order>();
	private positions = new Map<string, number>();
	now = 0;
	/** When set, the next submission is refused at once with this message. */
	refuseNext: string | null = null;

	submitOrder(request: OrderRequest): void {
		this.submitted.push(request);
		const order: Order = {
			...request,
			id: `o${this.submitted.length}`,
			status: 'new',
			filledQty: 0,
			filledNotional: micros(0),
			submittedMs: this.now,
			submittedNs: 0,
		};
		if (this.refuseNext) {
			const message = this.refuseNext;
			this.refuseNext = null;
			this.emit('rejected', {...order, id: '', status: 'rejected'}, 0, ZERO_MICROS, true, message);
			return;
		}
		this.orders.set(request.clientOrderId, order);
	}

	cancelOrder(clientOrderId: string): void {
		this.canceled.push(clientOrderId);
	}

	onOrderEvent(listener: OrderEventListener): () => void {
		this.listeners.push(listener);
		return () => {};
	}

	loadState(): Promise<BrokerState> {
		return Promise.resolve({cash: micros(100_000e6), openOrders: [], positions: []});
	}

	last(): OrderRequest {
		return this.submitted[this.submitted.length - 1]!;
	}

	/** Emit an execution of `qty` at `price` for an order. */
	fill(clientOrderId: string, qty: number, price: Micros): void {
		const order = this.orders.get(clientOrderId)!;
		const filledQty = order.filledQty + qty;
		const next: Order = {
			...order,
			filledQty,
			filledNotional: addMicros(order.filledNotional, mulQty(price, qty)),
			status: filledQty >= order.qty ? 'filled' : 'partially_filled',
		};
		this.orders.set(clientOrderId, next);
		const pos = (this.positions.get(order.symbol) ?? 0) + (order.side === 'buy' ? qty : -qty);
		this.positions.set(order.symbol, pos);
		this.emit(filledQty >= order.qty ? 'fill' : 'partial_fill', next, qty, price, false);
	}

	/** Emit a terminal event (canceled / rejected / expired) for an order. */
	finish(clientOrderId: string, kind: Extract<OrderEventKind, 'canceled' | 'rejected' | 'expired'>, atSubmission = false, message?: string): void {
		const order = this.orders.get(clientOrderId)!;
		this.emit(kind, {...order, status: kind}, 0, ZERO_MICROS, atSubmission, message);
	}

	private emit(kind: OrderEventKind, order: Order, fillQty: number, fillPrice: Micros, atSubmission: boolean, message?: string): void {
		const event: OrderEvent = {
			event: kind,
			order,
			ms: this.now,
			ns: 0,
			fillQty,
			fillPrice,
			positionQty: this.positions.get(order.symbol) ?? 0,
			atSubmission,
			...(message ? {message} : {}),
		};
		for (const l of this.listeners) l(event);
	}
}
