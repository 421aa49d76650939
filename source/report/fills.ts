/**
 * Executions out of journal records: `order_update` fill/partial_fill lines carry the order's
 * cumulative filled quantity and average price, so each execution is the difference from the
 * order's previous update; its side and strategy come from the order's `order_submitted` line
 * (kept until the order ends). Works record by record (O(1) each), for a live session's
 * summary as well as for a report over whole journals.
 */
import {nyDate} from '../core/time.js';
import {dollarsToMicros} from '../core/money.js';

export interface Execution {
	readonly ts: number;
	readonly symbol: string;
	readonly strategy: string;
	readonly side: 'buy' | 'sell';
	readonly qty: number;
	/** Dollars paid or received for this execution, in micro-dollars. */
	readonly notional: number;
	/** Fees or commission of this execution in micro-dollars (0 when none journaled). */
	readonly fee: number;
}

interface OrderInfo {
	side: 'buy' | 'sell';
	strategy: string;
	filledQty: number;
	/** Cumulative notional so far, micros. */
	filledNotional: number;
}

const TERMINAL = new Set(['fill', 'canceled', 'rejected', 'expired']);

/** Strategy and intent from a client order id `<run>-<strategy>-<SYMBOL>-<intent>-<seq>`. */
function fromClientId(id: string): {strategy: string; side: 'buy' | 'sell' | null} {
	const parts = id.split('-');
	const strategy = parts.length >= 5 ? parts[1]! : 'unknown';
	const intent = parts.length >= 5 ? parts[parts.length - 2]! : '';
	const side = intent === 'buy' ? 'buy' : intent === 'tp' || intent === 'exit' || intent === 'sell' ? 'sell' : null;
	return {strategy, side};
}

/** A journaled dollar figure as micros; 0 when it is missing or not a finite number. */
function journaledMicros(v: unknown): number {
	return typeof v === 'number' && Number.isFinite(v) ? dollarsToMicros(v) : 0;
}

export class ExecutionReader {
	private readonly orders = new Map<string, OrderInfo>();
	/** Fills whose side could not be known (no order_submitted, no readable client id). */
	unknownSide = 0;

	/** Feed one record (ts as epoch ms); returns the execution it holds, or null. */
	read(record: {readonly type: string; readonly [field: string]: unknown}, ts: number): Execution | null {
		if (record.type === 'order_submitted') {
			const id = String(record.client_order_id);
			this.orders.set(id, {side: record.side === 'sell' ? 'sell' : 'buy', strategy: String(record.strategy), filledQty: 0, filledNotional: 0});
			return null;
		}
		if (record.type !== 'order_update') return null;
		const id = String(record.client_order_id);
		const event = String(record.event);
		let info = this.orders.get(id);
		let execution: Execution | null = null;
		if (event === 'fill' || event === 'partial_fill') {
			if (!info) {
				// Placed by an earlier run not in this journal, or refused at once: read the id.
				const guess = fromClientId(id);
				if (guess.side === null) {
					this.unknownSide += 1;
					if (TERMINAL.has(event)) this.orders.delete(id);
					return null;
				}
				info = {side: guess.side, strategy: guess.strategy, filledQty: 0, filledNotional: 0};
				this.orders.set(id, info);
			}
			const qty = Number(record.filled_qty);
			const avg = journaledMicros(record.filled_avg_price);
			const cumulative = qty * avg;
			const delta = qty - info.filledQty;
			if (delta > 0) {
				const fee = journaledMicros(record.fee ?? record.commission ?? 0);
				execution = {ts, symbol: String(record.symbol), strategy: info.strategy, side: info.side, qty: delta, notional: cumulative - info.filledNotional, fee};
				info.filledQty = qty;
				info.filledNotional = cumulative;
			}
		}
		if (TERMINAL.has(event)) this.orders.delete(id);
		return execution;
	}
}

export function executionDate(e: Execution): string {
	return nyDate(e.ts);
}
