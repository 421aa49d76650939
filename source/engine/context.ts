/**
 * What a strategy may see and do. The engine binds one context per strategy kind, so a
 * strategy sees only its own position even when two strategies trade one symbol.
 */
import type {Micros} from '../core/money.js';
import type {SessionTimes} from '../core/time.js';
import type {CancelReason, Order, OrderReason, OrderType, Side, StrategyName, TimeInForce} from '../core/types.js';
import type {HftView, LogLine} from './snapshot.js';

export interface OrderSpec {
	readonly symbol: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	readonly limitPrice: Micros | null;
	readonly timeInForce: TimeInForce;
}

export interface SubmitResult {
	/** False when the broker refused the order at once (a sim rule or a synchronous error). */
	readonly accepted: boolean;
	readonly clientOrderId: string;
	readonly message?: string;
}

export interface PositionState {
	readonly qty: number;
	readonly costBasis: Micros;
}

export interface StrategyContext {
	readonly strategy: StrategyName;
	/** Market time now: epoch ms and the nanoseconds inside it. */
	now(): number;
	nowNs(): number;
	session(): SessionTimes | null;
	/** Last trade price (exact), 0 when none is known yet. */
	lastPrice(symbol: string): Micros;
	position(symbol: string): PositionState;
	submit(order: OrderSpec, reason: OrderReason, intent: string): SubmitResult;
	cancel(clientOrderId: string, symbol: string, reason: CancelReason): void;
	transition(symbol: string, from: string, to: string): void;
	signal(symbol: string, fields: Record<string, unknown>): void;
	error(symbol: string | null, message: string): void;
	/** False in backtests: skip building log text at all. */
	readonly logging: boolean;
	/** False when signal lines go nowhere (no journal, no log sink): skip building their fields. */
	readonly recording: boolean;
	log(symbol: string | null, level: LogLine['level'], text: string): void;
}

/** What the engine needs from every per-symbol strategy. */
export interface SymbolStrategy {
	readonly symbol: string;
	readonly kind: 'scalp' | 'hft';
	readonly paused: boolean;
	/**
	 * Rebuild state from what the broker holds (start, new session, reconnect): the open
	 * orders this strategy owns on the symbol and its position (the original's `_init_state`).
	 */
	rebuild(openOrders: readonly Order[], nowMs: number): void;
	/** A new session began: forget the previous session's bars. */
	beginSession(): void;
	onOrderEvent(event: import('../core/types.js').OrderEvent): void;
	checkup(nowMs: number): void;
	pause(): void;
	resume(): void;
	/** Cancel open orders, then sell the position at market. */
	forceSell(): void;
	/** Cancel open orders (the operator takes over: no automatic replacement). */
	cancelOrders(): void;
	/** Client order id of the order this strategy has open, or null. */
	openOrderId(): string | null;
	/** What the console shows of this strategy (called at most once per frame). */
	view(): StrategyView;
}

export interface StrategyOrderView {
	readonly clientOrderId: string;
	readonly side: 'buy' | 'sell';
	readonly type: 'market' | 'limit';
	readonly qty: number;
	readonly filledQty: number;
	readonly limitPrice: Micros | null;
	readonly submittedMs: number;
}

export interface StrategyView {
	/** Scalp: its state name; tick-taker: 'ARMED' or 'DISARMED'. */
	readonly state: string;
	readonly openOrder: StrategyOrderView | null;
	readonly roundTrips: number;
	/** Recent closes and SMA20 in dollars, oldest first (scalp). */
	readonly chart?: {readonly closes: number[]; readonly sma: number[]};
	/** Tick-taker panel data. */
	readonly hft?: HftView;
}
