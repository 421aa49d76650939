/**
 * Whether a market event can be used at all: the pure checks behind the engine's market
 * guard (engine/market-guard.ts), shared with the adapters and sessions that must not let a
 * bad event move a clock or a de-duplication mark. Each returns why an event is bad, or null.
 */
import {isRegularSessionStart} from './time.js';
import type {Bar, Quote, Trade} from './types.js';

const isPrice = (p: number): boolean => Number.isSafeInteger(p) && p > 0;
const isSize = (s: number): boolean => typeof s === 'number' && Number.isFinite(s) && s >= 0;
const isTime = (ms: number): boolean => typeof ms === 'number' && Number.isFinite(ms);
const isQuotePrice = (p: number): boolean => Number.isSafeInteger(p) && p >= 0;

/** Why a bar must not be used (duplicates aside), or null when it is fine. */
export function barProblem(bar: Bar): string | null {
	if (!Number.isSafeInteger(bar.start)) return 'no valid start time';
	if (!isPrice(bar.open) || !isPrice(bar.high) || !isPrice(bar.low) || !isPrice(bar.close)) {
		return 'a price is not a positive whole number of micro-dollars';
	}
	if (bar.high < bar.low) return 'high below low';
	// A close or open a little outside high..low occurs in published data; the originals used
	// such bars as they were, so that alone is no reason to drop one.
	if (!isSize(bar.volume)) return 'negative or non-numeric volume';
	if (!isRegularSessionStart(bar.start)) return 'outside the regular session (09:30-16:00 New York)';
	return null;
}

/** Why a quote must not be used, or null. A one-sided book (one price 0) is legal. */
export function quoteProblem(quote: Quote): string | null {
	if (!isTime(quote.ms)) return 'no valid time';
	if (!isQuotePrice(quote.bidPrice) || !isQuotePrice(quote.askPrice)) return 'a price is not a whole number of micro-dollars >= 0';
	if (quote.bidPrice === 0 && quote.askPrice === 0) return 'neither a bid nor an ask';
	if (!isSize(quote.bidSize) || !isSize(quote.askSize)) return 'negative or non-numeric size';
	// A crossed or locked consolidated book happens in real data (the originals traded on it):
	// it is not a reason to drop the quote.
	return null;
}

/** Why a trade must not be used, or null. */
export function tradeProblem(trade: Trade): string | null {
	if (!isTime(trade.ms)) return 'no valid time';
	if (!isPrice(trade.price)) return 'price is not a positive whole number of micro-dollars';
	if (!(isSize(trade.size) && trade.size > 0)) return 'size is not a number > 0';
	return null;
}
