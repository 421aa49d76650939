/** Largest fall of a series from its running peak: in the series' unit and as a fraction of that peak. */
export class Drawdown {
	peak: number;
	/** Largest fall so far, in the values' unit. */
	max = 0;
	/** Largest fall so far as a fraction of its peak (only peaks above 0 count). */
	maxPct = 0;

	/** `startPeak`: 0 for a P&L curve that starts flat, -Infinity for an equity curve. */
	constructor(startPeak = Number.NEGATIVE_INFINITY) {
		this.peak = startPeak;
	}

	observe(value: number): void {
		if (value > this.peak) {
			this.peak = value;
			return;
		}
		const fall = this.peak - value;
		if (fall > this.max) this.max = fall;
		if (fall > 0 && this.peak > 0 && fall / this.peak > this.maxPct) this.maxPct = fall / this.peak;
	}
}

/** Largest fall from a running peak of `values`, as a fraction of that peak. */
export function maxDrawdownPct(values: readonly number[]): number {
	const drawdown = new Drawdown();
	for (const value of values) drawdown.observe(value);
	return drawdown.maxPct;
}
