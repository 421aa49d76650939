/**
 * Safe asciichart plotting: downsample to a width, fill gaps, never hand it NaN or an empty
 * series (it throws on those), always pass a height.
 */
import asciichart from 'asciichart';

/** Keep at most `width` points by sampling evenly (the last point is always kept). */
export function downsample(values: readonly number[], width: number): number[] {
	if (values.length <= width || width < 2) return [...values];
	const out: number[] = [];
	const step = (values.length - 1) / (width - 1);
	for (let i = 0; i < width; i++) out.push(values[Math.round(i * step)]!);
	return out;
}

/** Replace non-finite values with the nearest finite one; null when nothing is finite. */
export function fillGaps(values: readonly number[]): number[] | null {
	const firstFinite = values.find(v => Number.isFinite(v));
	if (firstFinite === undefined) return null;
	let last = firstFinite;
	return values.map(v => (Number.isFinite(v) ? (last = v) : last));
}

export interface PlotOptions {
	readonly height: number;
	/** Plot columns (the axis labels come on top of this). */
	readonly width: number;
	readonly colors?: readonly (string | undefined)[];
	readonly format?: (value: number) => string;
}

/** Plot one or more series aligned on the same x; returns '' when there is nothing to draw. */
export function plotSeries(series: readonly (readonly number[])[], options: PlotOptions): string {
	const prepared: number[][] = [];
	const colors: string[] = [];
	series.forEach((values, index) => {
		const filled = fillGaps(downsample(values, options.width));
		if (filled && filled.length > 0) {
			prepared.push(filled);
			const color = options.colors?.[index];
			if (color) colors.push(color);
		}
	});
	if (prepared.length === 0) return '';
	const height = Math.max(1, Math.floor(options.height));
	let min = Infinity;
	let max = -Infinity;
	for (const s of prepared)
		for (const v of s) {
			if (v < min) min = v;
			if (v > max) max = v;
		}
	// A flat line still needs a range, or asciichart divides by zero.
	if (max - min < 1e-9) {
		min -= 0.5;
		max += 0.5;
	}
	return asciichart.plot(prepared.length === 1 ? prepared[0]! : prepared, {
		height,
		min,
		max,
		...(colors.length === prepared.length ? {colors} : {}),
		...(options.format ? {format: (v: number) => options.format!(v)} : {}),
	});
}
