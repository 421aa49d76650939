/**
 * The mean-reversion score: how far the last close sits below its EMA, relative
 * to the close. Negative = below the EMA = oversold; the most negative rank first.
 */
import {AdjustedEma, EMA_SPAN} from './ema.js';

/** A symbol needs more than this many closes to be scored (the original's `len <= 10` skip). */
export const MIN_CLOSES_EXCLUSIVE = 10;

export interface Scored {
	readonly symbol: string;
	/** (last - ema) / last, as a float exactly like the original's pandas computation. */
	readonly score: number;
	/** Last close as a float (dollars), the one the score used. */
	readonly last: number;
	readonly ema: number;
}

/** Score from a last close and its EMA, both floats. */
export function scoreOf(last: number, ema: number): number {
	return (last - ema) / last;
}

/**
 * Score a symbol's closes (oldest first, float dollars). Null when there are not more than 10
 * closes, as the original skipped such symbols.
 */
export function scoreCloses(symbol: string, closes: ArrayLike<number>, span: number = EMA_SPAN): Scored | null {
	if (closes.length <= MIN_CLOSES_EXCLUSIVE) return null;
	const ema = new AdjustedEma(span);
	for (let i = 0; i < closes.length; i++) ema.push(closes[i]!);
	const last = closes[closes.length - 1]!;
	return {symbol, score: scoreOf(last, ema.value), last, ema: ema.value};
}
