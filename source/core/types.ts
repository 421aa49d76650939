/**
 * Domain types shared by every layer. Prices are exact micro-dollars (core/money.ts);
 * instants are epoch ms plus nanoseconds inside the ms (core/time.ts).
 */
import type {Micros} from './money.js';

export type Side = 'buy' | 'sell';
export type OrderType = 'market' | 'limit';
export type TimeInForce = 'day' | 'ioc' | 'gtc';
export type StrategyName = 'scalp' | 'hft' | 'rebalance' | 'manual';
export type Mode = 'sim' | 'paper' | 'live';

/** Why an order was sent (journal `order_submitted.reason`). */
export type OrderReason = 'signal' | 'take_profit' | 'bailout' | 'eod' | 'exit_after' | 'manual' | 'imbalance' | 'rebalance';

/** Why a cancel was asked for (journal `cancel_requested.reason`). */
export type CancelReason = 'stale_buy' | 'manual' | 'eod' | 'exit_after' | 'pause';

/** A one-minute bar labelled by its start; it becomes known at start + 60 s. */
export interface Bar {
	readonly symbol: string;
	readonly start: number;
	readonly open: Micros;
	readonly high: Micros;
	readonly low: Micros;
	readonly close: Micros;
	readonly volume: number;
}

/** Top of book. Sizes in shares. */
export interface Quote {
	readonly symbol: string;
	readonly ms: number;
	readonly ns: number;
	readonly bidPrice: Micros;
	readonly bidSize: number;
	readonly askPrice: Micros;
	readonly askSize: number;
}

export interface Trade {
	readonly symbol: string;
	readonly ms: number;
	readonly ns: number;
	readonly price: Micros;
	readonly size: number;
}

export interface OrderRequest {
	readonly symbol: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	/** Limit price for limit orders, null for market orders. */
	readonly limitPrice: Micros | null;
	readonly timeInForce: TimeInForce;
	/** Unique per order ever sent; a retry reuses it so the broker can refuse a duplicate. */
	readonly clientOrderId: string;
}

export type OrderStatus = 'pending_new' | 'new' | 'partially_filled' | 'filled' | 'pending_cancel' | 'canceled' | 'expired' | 'rejected' | 'replaced';

export interface Order extends OrderRequest {
	/** Broker id; '' until the broker acknowledged the order. */
	readonly id: string;
	readonly status: OrderStatus;
	readonly filledQty: number;
	/** Sum of qty x price over executions (exact), so the average is filledNotional / filledQty. */
	readonly filledNotional: Micros;
	readonly submittedMs: number;
	readonly submittedNs: number;
}

export type OrderEventKind = 'new' | 'fill' | 'partial_fill' | 'canceled' | 'rejected' | 'expired' | 'replaced';

export interface OrderEvent {
	readonly event: OrderEventKind;
	/** The order after this event (cumulative filled quantity and notional). */
	readonly order: Order;
	readonly ms: number;
	readonly ns: number;
	/** This execution only (fill / partial_fill), else 0. */
	readonly fillQty: number;
	readonly fillPrice: Micros;
	/** Signed position of the symbol after the event, as the broker reports it. */
	readonly positionQty: number;
	/**
	 * True when the broker refused the order at submission (a synchronous HTTP 4xx, or a sim
	 * broker rule). The original algorithms treated that as a failed submit call, not an event.
	 */
	readonly atSubmission: boolean;
	readonly message?: string;
}

export interface Position {
	readonly symbol: string;
	/** Signed share count (the strategies only ever hold longs). */
	readonly qty: number;
	/** Total cost of the open shares (exact), so the average entry is costBasis / qty. */
	readonly costBasis: Micros;
}

/** What the broker says is true: the start point of every (re)build of strategy state. */
export interface BrokerState {
	readonly cash: Micros;
	readonly openOrders: readonly Order[];
	readonly positions: readonly Position[];
	/**
	 * The broker's equity at the previous trading day's close (Alpaca's `last_equity`): today's
	 * P&L is equity now minus this. Absent where the broker has no such figure (SIM).
	 */
	readonly lastEquity?: Micros;
}

export function averagePrice(notional: Micros, qty: number): number {
	return qty === 0 ? 0 : notional / qty;
}

export function isOpenStatus(status: OrderStatus): boolean {
	return status === 'pending_new' || status === 'new' || status === 'partially_filled' || status === 'pending_cancel';
}
