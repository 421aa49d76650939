/**
 * Ranking and the candidate filter.
 *
 * - Rank ascending by score, ties by symbol (the original sorted a dict built in symbol order
 *   with a stable sort, which is the same thing).
 * - Take the first floor(n / 20) of the ranking (n = number of scored symbols).
 * - Of those, the candidates are the ones whose last close is not above the account's cash,
 *   compared exactly in micro-dollars. No refill from further down the ranking.
 */
import type {Micros} from '../../core/money.js';
import type {Scored} from './score.js';

/** Fraction of the ranking considered: the top 1/20th. */
export const TOP_FRACTION_DIVISOR = 20;

export function compareScored(a: Scored, b: Scored): number {
	if (a.score < b.score) return -1;
	if (a.score > b.score) return 1;
	return a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0;
}

/** A new array, most oversold first. NaN scores (never produced from valid prices) go last. */
export function rankScores(scored: readonly Scored[]): Scored[] {
	const finite = scored.filter(s => !Number.isNaN(s.score));
	const rest = scored.filter(s => Number.isNaN(s.score)).sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
	return finite.sort(compareScored).concat(rest);
}

/** How many of the ranking are looked at: floor(n / 20). */
export function topCount(rankedLength: number): number {
	return Math.floor(rankedLength / TOP_FRACTION_DIVISOR);
}

export interface CandidateSelection {
	/** The first floor(n / 20) of the ranking, before the cash filter. */
	readonly top: readonly Scored[];
	/** Those of `top` whose last close (exact) is <= cash, in rank order. */
	readonly candidates: readonly Scored[];
	/** Those of `top` dropped because their last close is above cash. */
	readonly tooExpensive: readonly Scored[];
}

/**
 * Apply the top-1/20th cut and the cash filter. `lastMicros` gives the exact last close of a
 * symbol (the same close `Scored.last` holds as a float).
 */
export function selectCandidates(
	ranked: readonly Scored[],
	lastMicros: (symbol: string) => Micros,
	cash: Micros,
	/** How many to look at; pass floor(n / 20) of the full ranking when `ranked` is only its head. */
	count: number = topCount(ranked.length),
): CandidateSelection {
	const top = ranked.slice(0, count);
	const candidates: Scored[] = [];
	const tooExpensive: Scored[] = [];
	for (const s of top) {
		if (lastMicros(s.symbol) <= cash) candidates.push(s);
		else tooExpensive.push(s);
	}
	return {top, candidates, tooExpensive};
}

/**
 * The first `k` positions of the ranking of `scores` (indices into it), exactly as a full sort
 * by (score, index) would order them, in O(n * k) with an early exit: the backtest's per-day
 * ranking, where only the top twentieth (plus a few for the report) is ever looked at. NaN
 * scores are skipped. Callers pass indices in symbol order, so index order is the tie-break.
 */
export function topIndices(scores: ArrayLike<number>, k: number, out: number[] = []): number[] {
	out.length = 0;
	if (k <= 0) return out;
	for (let i = 0; i < scores.length; i++) {
		const s = scores[i]!;
		if (Number.isNaN(s)) continue;
		if (out.length === k) {
			if (!(s < scores[out[k - 1]!]!)) continue; // equal scores keep the earlier index ahead
			out.pop();
		}
		let j = out.length;
		while (j > 0 && scores[out[j - 1]!]! > s) j--;
		out.splice(j, 0, i);
	}
	return out;
}
