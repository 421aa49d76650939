/**
 * Exponentially weighted mean with pandas' `adjust=True` weights, computed incrementally.
 *
 * `Series.ewm(span=s, adjust=True).mean()` weighs the i-th most recent value by (1 - alpha)^i,
 * alpha = 2 / (s + 1), and divides by the sum of the weights. pandas evaluates it with a running
 * recurrence rather than the closed form; to rank symbols exactly as the original did, this
 * module repeats that recurrence operation for operation, so every result is bit-identical:
 *
 *   alpha = 1 / (1 + com), com = (span - 1) / 2      (how pandas derives alpha from a span)
 *   first value:  mean = x0, w = 1
 *   each next x:  w = w * (1 - alpha)
 *                 if mean != x: mean = (w * mean + x) / (w + 1)
 *                 w = w + 1
 *
 * The float result is used for scoring only; money never goes through it.
 */

export const EMA_SPAN = 10;

/** The factor (1 - alpha) pandas multiplies the old weight by, for a span. */
export function decayFactor(span: number): number {
	if (!(span >= 1)) throw new RangeError(`EMA span must be >= 1, got ${span}`);
	const com = (span - 1) / 2;
	const alpha = 1 / (1 + com);
	return 1 - alpha;
}

/** Running adjusted EMA of one series; push values oldest first. */
export class AdjustedEma {
	private readonly factor: number;
	private mean = Number.NaN;
	private oldWeight = 1;
	private n = 0;

	constructor(span: number = EMA_SPAN) {
		this.factor = decayFactor(span);
	}

	/** Number of values pushed so far. */
	get count(): number {
		return this.n;
	}

	/** Current mean (NaN before the first value). */
	get value(): number {
		return this.mean;
	}

	/** Add the next value and return the new mean. */
	push(x: number): number {
		if (this.n === 0) {
			this.mean = x;
			this.oldWeight = 1;
		} else {
			this.oldWeight *= this.factor;
			// pandas skips the update when it would not change the mean (constant series).
			if (this.mean !== x) this.mean = (this.oldWeight * this.mean + x) / (this.oldWeight + 1);
			this.oldWeight += 1;
		}
		this.n++;
		return this.mean;
	}
}

/** `pd.Series(values).ewm(span=span, adjust=True).mean()` as an array. */
export function emaSeries(values: ArrayLike<number>, span: number = EMA_SPAN): number[] {
	const ema = new AdjustedEma(span);
	const out: number[] = [];
	for (let i = 0; i < values.length; i++) out.push(ema.push(values[i]!));
	return out;
}

/** The last value of the adjusted EMA of `values` (NaN for an empty series). */
export function emaLast(values: ArrayLike<number>, span: number = EMA_SPAN): number {
	const ema = new AdjustedEma(span);
	for (let i = 0; i < values.length; i++) ema.push(values[i]!);
	return ema.value;
}
