/**
 * Order planning: from the candidates and the current holdings to the orders that
 * move the portfolio to today's target.
 *
 * - Sell every held symbol that is not a candidate (its whole position).
 * - Buy candidates not held, in rank order (the original iterated a set, in arbitrary order),
 *   at most `maxPositions - (held - sold)` of them, floor(positionSize / last) shares each
 *   (exact), skipping a candidate whose quantity is 0 without counting it.
 */
import {floorDiv} from '../../core/money.js';
import type {Micros} from '../../core/money.js';
import type {Side} from '../../core/types.js';

export interface Holding {
	readonly symbol: string;
	/** Shares held, > 0. */
	readonly qty: number;
}

export interface PlannedOrder {
	readonly symbol: string;
	readonly side: Side;
	readonly qty: number;
	/** The last close the plan used (exact), for display and the buy quantity. */
	readonly last: Micros | null;
	readonly clientOrderId: string;
}

export interface PlanInput {
	/** The trading day the orders are for (YYYY-MM-DD), part of the client order ids. */
	readonly date: string;
	/** Candidate symbols in rank order (after the cash filter). */
	readonly candidates: readonly string[];
	/** Current long positions, in the order the account lists them. */
	readonly holdings: readonly Holding[];
	/** Exact last close of a candidate. */
	readonly lastMicros: (symbol: string) => Micros;
	readonly positionSize: Micros;
	readonly maxPositions: number;
}

export interface RebalancePlan {
	readonly sells: readonly PlannedOrder[];
	readonly buys: readonly PlannedOrder[];
	/** Candidates passed over because floor(positionSize / last) is 0. */
	readonly zeroQty: readonly string[];
	/** Candidates not bought because the position limit was reached. */
	readonly overLimit: readonly string[];
	/** max_positions - (held - sold), before any buy. */
	readonly buySlots: number;
}

/** `rb-<date>-<SYMBOL>-<side>`: one per symbol, side and day, so a retry is refused as a duplicate. */
export function rebalanceOrderId(date: string, symbol: string, side: Side): string {
	return `rb-${date}-${symbol}-${side}`;
}

/** floor(positionSize / last) shares, exactly; 0 when the price is not positive. */
export function sharesFor(positionSize: Micros, last: Micros): number {
	if (!(last > 0) || !(positionSize > 0)) return 0;
	return floorDiv(positionSize, last);
}

export function planOrders(input: PlanInput): RebalancePlan {
	const wanted = new Set(input.candidates);
	const held = new Set<string>();
	const sells: PlannedOrder[] = [];
	for (const h of input.holdings) {
		held.add(h.symbol);
		if (wanted.has(h.symbol)) continue;
		sells.push({
			symbol: h.symbol,
			side: 'sell',
			qty: h.qty,
			last: null,
			clientOrderId: rebalanceOrderId(input.date, h.symbol, 'sell'),
		});
	}
	const buySlots = input.maxPositions - (input.holdings.length - sells.length);
	let slots = buySlots;
	const buys: PlannedOrder[] = [];
	const zeroQty: string[] = [];
	const overLimit: string[] = [];
	for (const symbol of input.candidates) {
		if (held.has(symbol)) continue;
		if (slots <= 0) {
			overLimit.push(symbol);
			continue;
		}
		const last = input.lastMicros(symbol);
		const qty = sharesFor(input.positionSize, last);
		if (qty === 0) {
			zeroQty.push(symbol);
			continue;
		}
		buys.push({symbol, side: 'buy', qty, last, clientOrderId: rebalanceOrderId(input.date, symbol, 'buy')});
		slots--;
	}
	return {sells, buys, zeroQty, overLimit, buySlots};
}
