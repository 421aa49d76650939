/**
 * The console's order list: the last orders of each symbol with their status and fills, in a
 * bounded ring per symbol. Fed by the engine from its own submits and the broker's order
 * events (console only; backtests skip it). `list(symbol)` returns the same array until that
 * symbol's orders change, so a frame costs nothing when nothing happened.
 */
import {microsToNumber, type Micros} from '../core/money.js';
import type {OrderEvent, OrderReason, OrderType, Side} from '../core/types.js';

export type OrderRecordStatus = 'sent' | 'new' | 'partially_filled' | 'filled' | 'canceled' | 'rejected' | 'expired' | 'replaced' | 'refused';

export interface OrderRecord {
	readonly clientOrderId: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	/** Dollars, or null for a market order. */
	readonly limitPrice: number | null;
	/** Why the order was sent (signal, take_profit, manual, ...); null for adopted orders. */
	readonly reason: OrderReason | null;
	readonly status: OrderRecordStatus;
	readonly filledQty: number;
	/** Average fill price in dollars, or null before the first fill. */
	readonly avgFillPrice: number | null;
	readonly submittedMs: number;
	readonly updatedMs: number;
	/** Why it was refused or rejected, if it was. */
	readonly message: string | null;
}

export const ORDER_HISTORY_PER_SYMBOL = 50;

const STATUS_OF_EVENT: Readonly<Record<OrderEvent['event'], OrderRecordStatus>> = {
	new: 'new',
	partial_fill: 'partially_filled',
	fill: 'filled',
	canceled: 'canceled',
	rejected: 'rejected',
	expired: 'expired',
	replaced: 'replaced',
};

interface SymbolOrders {
	readonly records: OrderRecord[];
	cached: readonly OrderRecord[] | null;
}

export class OrderHistory {
	private readonly bySymbol = new Map<string, SymbolOrders>();
	private static readonly empty: readonly OrderRecord[] = Object.freeze([]);

	constructor(private readonly capacity = ORDER_HISTORY_PER_SYMBOL) {}

	/** An order this engine sent (`refusal`: stopped before the broker, e.g. by a risk guard). */
	sent(
		symbol: string,
		order: {clientOrderId: string; side: Side; type: OrderType; qty: number; limitPrice: Micros | null},
		reason: OrderReason,
		ms: number,
		refusal: string | null = null,
	): void {
		this.put(symbol, {
			clientOrderId: order.clientOrderId,
			side: order.side,
			type: order.type,
			qty: order.qty,
			limitPrice: order.limitPrice === null ? null : microsToNumber(order.limitPrice),
			reason,
			status: refusal === null ? 'sent' : 'refused',
			filledQty: 0,
			avgFillPrice: null,
			submittedMs: ms,
			updatedMs: ms,
			message: refusal,
		});
	}

	/** A broker event: updates the order's line (or adds one for an order found at the broker). */
	event(event: OrderEvent, ms: number): void {
		const order = event.order;
		const slot = this.slot(order.symbol);
		const index = slot.records.findLastIndex(record => record.clientOrderId === order.clientOrderId);
		const previous = index >= 0 ? slot.records[index]! : null;
		const record: OrderRecord = {
			clientOrderId: order.clientOrderId,
			side: order.side,
			type: order.type,
			qty: order.qty,
			limitPrice: order.limitPrice === null ? null : microsToNumber(order.limitPrice),
			reason: previous?.reason ?? null,
			status: STATUS_OF_EVENT[event.event],
			filledQty: order.filledQty,
			avgFillPrice: order.filledQty > 0 ? microsToNumber(order.filledNotional / order.filledQty) : null,
			submittedMs: previous?.submittedMs ?? (order.submittedMs > 0 ? order.submittedMs : ms),
			updatedMs: ms,
			message: event.message ?? previous?.message ?? null,
		};
		if (previous) {
			slot.records[index] = record;
			slot.cached = null;
		} else this.put(order.symbol, record);
	}

	/** The symbol's orders, oldest first (at most the capacity); the same array until one changes. */
	list(symbol: string): readonly OrderRecord[] {
		const slot = this.bySymbol.get(symbol);
		if (!slot) return OrderHistory.empty;
		if (slot.cached === null) slot.cached = Object.freeze([...slot.records]);
		return slot.cached;
	}

	private slot(symbol: string): SymbolOrders {
		let slot = this.bySymbol.get(symbol);
		if (!slot) {
			slot = {records: [], cached: null};
			this.bySymbol.set(symbol, slot);
		}
		return slot;
	}

	private put(symbol: string, record: OrderRecord): void {
		const slot = this.slot(symbol);
		slot.records.push(record);
		if (slot.records.length > this.capacity) slot.records.splice(0, slot.records.length - this.capacity);
		slot.cached = null;
	}
}
