/**
 * Positions and P&L kept by the engine from the fills it is told about, per strategy and
 * symbol, so two strategies trading one symbol each see their own shares. Exact micros.
 */
import {addMicros, type Micros, mulQty, subMicros, ZERO_MICROS} from '../core/money.js';
import {applyFill} from '../core/position.js';
import type {Position, Side, StrategyName} from '../core/types.js';

export class PositionBook {
	qty = 0;
	costBasis: Micros = ZERO_MICROS;
	realized: Micros = ZERO_MICROS;

	constructor(
		readonly strategy: StrategyName,
		readonly symbol: string,
	) {}

	/** Apply one execution (average cost, core/position.ts); returns the realized P&L it produced. */
	apply(side: Side, qty: number, price: Micros): Micros {
		const realized = applyFill(this, side, qty, price);
		this.realized = addMicros(this.realized, realized);
		return realized;
	}

	unrealized(last: Micros): Micros {
		return this.qty === 0 || !(last > 0) ? ZERO_MICROS : subMicros(mulQty(last, this.qty), this.costBasis);
	}
}

export class Portfolio {
	cash: Micros = ZERO_MICROS;
	private readonly books = new Map<string, PositionBook>();
	private readonly byStrategy = new Map<StrategyName, Map<string, PositionBook>>();
	/** Each symbol's books (over strategies): a symbol's total without a scan of every book. */
	private readonly bySymbol = new Map<string, PositionBook[]>();

	book(strategy: StrategyName, symbol: string): PositionBook {
		let books = this.byStrategy.get(strategy);
		if (!books) {
			books = new Map();
			this.byStrategy.set(strategy, books);
		}
		let book = books.get(symbol);
		if (!book) {
			book = new PositionBook(strategy, symbol);
			books.set(symbol, book);
			this.books.set(`${strategy}\u0000${symbol}`, book);
			const ofSymbol = this.bySymbol.get(symbol);
			if (ofSymbol) ofSymbol.push(book);
			else this.bySymbol.set(symbol, [book]);
		}
		return book;
	}

	all(): IterableIterator<PositionBook> {
		return this.books.values();
	}

	/** Total shares held on a symbol over every strategy. */
	symbolQty(symbol: string): number {
		const books = this.bySymbol.get(symbol);
		if (!books) return 0;
		let total = 0;
		for (let i = 0; i < books.length; i++) total += books[i]!.qty;
		return total;
	}

	/**
	 * Make the books agree with the broker's positions: a symbol whose total differs is given
	 * the difference on its primary strategy (the one listed first for the symbol).
	 */
	reconcile(positions: readonly Position[], primaryOf: (symbol: string) => StrategyName): string[] {
		const notes: string[] = [];
		const bySymbol = new Map(positions.map(p => [p.symbol, p]));
		const symbols = new Set<string>([...bySymbol.keys()]);
		for (const book of this.books.values()) symbols.add(book.symbol);
		for (const symbol of symbols) {
			const broker = bySymbol.get(symbol);
			const brokerQty = broker?.qty ?? 0;
			const brokerCost = broker?.costBasis ?? ZERO_MICROS;
			if (this.symbolQty(symbol) === brokerQty) continue;
			const primary = this.book(primaryOf(symbol), symbol);
			let otherQty = 0;
			let otherCost = ZERO_MICROS;
			for (const book of this.bySymbol.get(symbol)!) {
				if (book === primary) continue;
				if (brokerQty === 0) {
					book.qty = 0;
					book.costBasis = ZERO_MICROS;
				}
				otherQty += book.qty;
				otherCost = addMicros(otherCost, book.costBasis);
			}
			notes.push(`${symbol}: position ${this.symbolQty(symbol)} -> ${brokerQty} (from broker)`);
			primary.qty = brokerQty - otherQty;
			primary.costBasis = primary.qty === 0 ? ZERO_MICROS : subMicros(brokerCost, otherCost);
		}
		return notes;
	}
}
