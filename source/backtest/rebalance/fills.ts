/**
 * The backtest's fill model for one market order at the day's open: sells fill at
 * open[t]; a buy fills at open[t] unless qty x open exceeds the cash at that moment, then it is
 * rejected (skipped). No bar on the day = the order does not fill (it expires at the close).
 * Exact micro-dollars throughout.
 */
import {addMicros, type Micros, mulQty, subMicros} from '../../core/money.js';
import {applyFill, type Holding} from '../../core/position.js';
import type {Side} from '../../core/types.js';

export interface Book {
	cash: Micros;
	/** Open positions in the order they were opened (the order the account lists them). */
	readonly holdings: Map<string, Holding>;
}

export type OrderOutcome = 'filled' | 'rejected' | 'expired';

export interface Execution {
	readonly outcome: OrderOutcome;
	/** Fill price, null when not filled. */
	readonly price: Micros | null;
	readonly note: string | null;
	/** Realized P&L of a filled sell (proceeds - cost of the shares sold). */
	readonly realized: Micros | null;
	readonly positionBefore: number;
	readonly positionAfter: number;
}

export function newBook(cash: Micros): Book {
	return {cash, holdings: new Map()};
}

/** Execute one market order against the book at `open` (null: no bar that day). */
export function executeAtOpen(book: Book, order: {symbol: string; side: Side; qty: number}, open: Micros | null): Execution {
	const held = book.holdings.get(order.symbol);
	const before = held?.qty ?? 0;
	if (open === null) return {outcome: 'expired', price: null, note: 'no bar', realized: null, positionBefore: before, positionAfter: before};
	const notional = mulQty(open, order.qty);
	if (order.side === 'buy') {
		if (!(order.qty > 0) || notional > book.cash) {
			return {outcome: 'rejected', price: null, note: 'insufficient cash', realized: null, positionBefore: before, positionAfter: before};
		}
		book.cash = subMicros(book.cash, notional);
		if (held) applyFill(held, 'buy', order.qty, open);
		else book.holdings.set(order.symbol, {qty: order.qty, costBasis: notional});
		return {outcome: 'filled', price: open, note: null, realized: null, positionBefore: before, positionAfter: before + order.qty};
	}
	if (!held || !(order.qty > 0) || order.qty > held.qty) {
		return {outcome: 'rejected', price: null, note: 'sell exceeds position', realized: null, positionBefore: before, positionAfter: before};
	}
	book.cash = addMicros(book.cash, notional);
	const realized = applyFill(held, 'sell', order.qty, open);
	if (held.qty === 0) book.holdings.delete(order.symbol);
	return {outcome: 'filled', price: open, note: null, realized, positionBefore: before, positionAfter: held.qty};
}
