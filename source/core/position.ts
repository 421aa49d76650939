/**
 * Average-cost accounting of a position, the one rule every book uses (the engine's books, the
 * simulated exchange, the rebalancer's simulated account). Exact micros.
 */
import {addMicros, type Micros, mulQty, roundMicros, subMicros, ZERO_MICROS} from './money.js';
import type {Side} from './types.js';

/** Shares held (negative: short) and their total cost (negative for a short: what it sold for). */
export interface Holding {
	qty: number;
	costBasis: Micros;
}

/**
 * Apply one fill of `qty` shares (> 0) at `price` to `holding` (mutated) and return the P&L it
 * realized. Shares that add to the position add their cost. Shares that reduce it take their
 * proportional part of the cost away (rounded to the micro; the last share takes what is left)
 * and realize the difference to the fill price. A fill that crosses zero closes the whole
 * position and opens the remainder the other way at `price`.
 */
export function applyFill(holding: Holding, side: Side, qty: number, price: Micros): Micros {
	const delta = side === 'buy' ? qty : -qty;
	const held = holding.qty;
	if (held === 0 || held > 0 === delta > 0) {
		holding.qty = held + delta;
		holding.costBasis = addMicros(holding.costBasis, mulQty(price, delta));
		return ZERO_MICROS;
	}
	const size = Math.abs(held);
	const closing = Math.min(qty, size);
	const removed = closing === size ? holding.costBasis : roundMicros((holding.costBasis * closing) / size);
	const realized = subMicros(mulQty(price, held > 0 ? closing : -closing), removed);
	holding.qty = held + delta;
	holding.costBasis = qty > size ? mulQty(price, holding.qty) : subMicros(holding.costBasis, removed);
	return realized;
}
