/**
 * Input hygiene for market events. Every bar, quote and trade the engine is handed passes
 * these checks before any strategy sees it; a bad one is dropped and reported (journal
 * `error` line and log), never traded on:
 *
 * - prices that are not whole positive micro-dollars (NaN, zero, negative, fractional);
 * - sizes and volumes that are negative or not numbers (a trade also needs a size > 0);
 * - bars with high below low, or open/close outside high..low;
 * - bars outside the regular session (09:30 <= start < 16:00 New York);
 * - bars older than or equal to the symbol's last bar (duplicates, out of order);
 * - quotes with no side at all or a crossed book (bid above a non-zero ask);
 * - events without a valid time.
 *
 * A flood of bad input must not flood the journal: each symbol's first few drops are
 * reported one by one, then one summary line at 10, 100, 1000, ... drops. Pure: no I/O.
 */
import {barProblem, quoteProblem, tradeProblem} from '../core/market-checks.js';
import {isoMs} from '../core/time.js';
import type {Bar, Quote, Trade} from '../core/types.js';

export {barProblem, quoteProblem, tradeProblem};

export type MarketInputKind = 'bar' | 'quote' | 'trade';

/** Drops reported one by one per symbol before switching to summary lines. */
export const REPORT_FIRST = 5;

function describeTime(ms: number): string {
	return Number.isFinite(ms) && Math.abs(ms) < 8.64e15 ? isoMs(ms) : String(ms);
}

function isPowerOfTen(n: number): boolean {
	if (n < 10) return false;
	while (n % 10 === 0) n /= 10;
	return n === 1;
}

/**
 * Checks events and counts drops per symbol. `check*` return the line to report for a bad
 * event ('' when it is dropped without a line: rate limit), or null when the event is good.
 */
export class MarketGuard {
	private readonly drops = new Map<string, number>();
	private readonly lastBarStart = new Map<string, number>();
	private total = 0;

	constructor(private readonly reportFirst = REPORT_FIRST) {}

	/** Bad market events dropped so far, over every symbol. */
	get dropped(): number {
		return this.total;
	}

	droppedFor(symbol: string): number {
		return this.drops.get(symbol) ?? 0;
	}

	checkBar(bar: Bar): string | null {
		let problem = barProblem(bar);
		if (problem === null) {
			const last = this.lastBarStart.get(bar.symbol);
			if (last !== undefined && bar.start <= last) problem = bar.start === last ? 'duplicate bar' : 'bar out of order';
			else this.lastBarStart.set(bar.symbol, bar.start);
		}
		return problem === null ? null : this.drop('bar', bar.symbol, problem, bar.start);
	}

	checkQuote(quote: Quote): string | null {
		const problem = quoteProblem(quote);
		return problem === null ? null : this.drop('quote', quote.symbol, problem, quote.ms);
	}

	checkTrade(trade: Trade): string | null {
		const problem = tradeProblem(trade);
		return problem === null ? null : this.drop('trade', trade.symbol, problem, trade.ms);
	}

	private drop(kind: MarketInputKind, symbol: string, problem: string, ms: number): string {
		this.total += 1;
		const count = (this.drops.get(symbol) ?? 0) + 1;
		this.drops.set(symbol, count);
		if (count <= this.reportFirst) return `bad ${kind} dropped: ${problem} (${symbol} ${describeTime(ms)})`;
		if (isPowerOfTen(count)) return `${count} bad market events dropped for ${symbol} so far (latest: ${kind}, ${problem})`;
		return '';
	}
}
