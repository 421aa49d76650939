/**
 * Journal records (one JSON object per line, appended as events happen). Every record carries `ts` (market time, epoch ms) and `type`;
 * the writer turns `ts` into ISO-8601 UTC with milliseconds. Prices are dollars as numbers.
 */
import {type Micros, microsToNumber} from '../core/money.js';
import type {CancelReason, OrderEventKind, OrderReason, OrderType, Side, StrategyName, TimeInForce} from '../core/types.js';

export type CommandName = 'pause' | 'resume' | 'force_sell' | 'cancel' | 'liquidate_all' | 'quit' | 'kill_switch';

export type JournalRecord =
	| {ts: number; type: 'session'; event: 'start' | 'end'; mode: string; version: string; symbols: string[]; [extra: string]: unknown}
	| {
			ts: number;
			type: 'order_submitted';
			symbol: string;
			strategy: StrategyName;
			client_order_id: string;
			side: Side;
			order_type: OrderType;
			qty: number;
			limit_price: number | null;
			time_in_force: TimeInForce;
			reason: OrderReason;
	  }
	| {
			ts: number;
			type: 'order_update';
			symbol: string;
			client_order_id: string;
			order_id: string | null;
			event: OrderEventKind;
			filled_qty: number;
			filled_avg_price: number | null;
			position_qty: number;
			message?: string;
	  }
	| {ts: number; type: 'cancel_requested'; symbol: string; client_order_id: string; reason: CancelReason}
	| {ts: number; type: 'state'; symbol: string; strategy: StrategyName; from: string; to: string}
	| {ts: number; type: 'signal'; symbol: string; strategy: StrategyName; [field: string]: unknown}
	| {ts: number; type: 'command'; command: CommandName; symbol: string | null; [extra: string]: unknown}
	| {ts: number; type: 'error'; message: string; symbol: string | null}
	| {ts: number; type: 'risk'; guard: string; message: string; symbol: string | null; restored?: boolean}
	// An addition to the fixed journal types (readers skip types they do not know): the session's
	// figures, written just before its `session` end line.
	| {ts: number; type: 'session_summary'; mode: string; trades: number; realized_pnl: number; [field: string]: unknown}
	// Also added (paper and live only): a minute's bars were evaluated by the strategies, `ts`
	// being their arrival (the end of the minute), `symbols` those with a bar.
	| {ts: number; type: 'bars_evaluated'; symbols: string[]};

export type JournalType = JournalRecord['type'];

/** Where journal records go. Implementations never throw on write (a trade must not stop for I/O). */
export interface Journal {
	write(record: JournalRecord): void;
	/** Push buffered lines to the file (a no-op for unbuffered writers). */
	flush(): void;
	close(): void;
}

/** A journal that drops everything (backtests with --journal off, unit tests). */
export const nullJournal: Journal = {write() {}, flush() {}, close() {}};

/** Collects records in memory (tests, the console's log pane). */
export class MemoryJournal implements Journal {
	readonly records: JournalRecord[] = [];
	write(record: JournalRecord): void {
		this.records.push(record);
	}
	flush(): void {}
	close(): void {}
	ofType<T extends JournalType>(type: T): Extract<JournalRecord, {type: T}>[] {
		return this.records.filter((r): r is Extract<JournalRecord, {type: T}> => r.type === type);
	}
}

// Builders: the one place each order record is shaped, so every writer (engine, backtests,
// rebalancer) journals the same fields the same way.

/** What an `order_submitted` line describes: a request as the engine or a strategy sends it. */
export interface SubmittedOrder {
	readonly symbol: string;
	readonly side: Side;
	readonly type: OrderType;
	readonly qty: number;
	readonly limitPrice: Micros | null;
	readonly timeInForce: TimeInForce;
}

export function orderSubmittedRecord(ts: number, order: SubmittedOrder, strategy: StrategyName, clientOrderId: string, reason: OrderReason): JournalRecord {
	return {
		ts,
		type: 'order_submitted',
		symbol: order.symbol,
		strategy,
		client_order_id: clientOrderId,
		side: order.side,
		order_type: order.type,
		qty: order.qty,
		limit_price: order.limitPrice === null ? null : microsToNumber(order.limitPrice),
		time_in_force: order.timeInForce,
		reason,
	};
}

/** The order as an `order_update` line reports it (id '' = the broker gave none yet). */
export interface UpdatedOrder {
	readonly symbol: string;
	readonly clientOrderId: string;
	readonly id: string;
	readonly filledQty: number;
	readonly filledNotional: Micros;
}

/** `order_update`; the average fill price is rounded to the micro, null before any fill. */
export function orderUpdateRecord(ts: number, order: UpdatedOrder, event: OrderEventKind, positionQty: number, message?: string | null): JournalRecord {
	return {
		ts,
		type: 'order_update',
		symbol: order.symbol,
		client_order_id: order.clientOrderId,
		order_id: order.id === '' ? null : order.id,
		event,
		filled_qty: order.filledQty,
		filled_avg_price: order.filledQty > 0 ? microsToNumber(Math.round(order.filledNotional / order.filledQty)) : null,
		position_qty: positionQty,
		...(message ? {message} : {}),
	};
}

export function sessionRecord(
	ts: number,
	event: 'start' | 'end',
	mode: string,
	version: string,
	symbols: readonly string[],
	extra?: Record<string, unknown>,
): JournalRecord {
	return {ts, type: 'session', event, mode, version, symbols: [...symbols], ...extra};
}
