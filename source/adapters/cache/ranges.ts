/**
 * Sets of New York dates as sorted, disjoint, inclusive [from, to] ranges (what a series'
 * manifest records as covered), with union, difference and splitting at period boundaries.
 */
import {addDays} from '../../core/trading-days.js';

export type DateRange = readonly [from: string, to: string];

/** Sorted, merged (adjacent days join). */
export function normalize(ranges: readonly DateRange[]): DateRange[] {
	const sorted = ranges.filter(r => r[0] <= r[1]).sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
	const out: [string, string][] = [];
	for (const [from, to] of sorted) {
		const last = out[out.length - 1];
		if (last && from <= addDays(last[1], 1)) {
			if (to > last[1]) last[1] = to;
		} else {
			out.push([from, to]);
		}
	}
	return out;
}

export function union(a: readonly DateRange[], b: readonly DateRange[]): DateRange[] {
	return normalize([...a, ...b]);
}

/** The dates of `want` not in `have`. */
export function subtract(want: DateRange, have: readonly DateRange[]): DateRange[] {
	const out: DateRange[] = [];
	let cursor = want[0];
	for (const [from, to] of normalize(have)) {
		if (to < cursor) continue;
		if (from > want[1]) break;
		if (from > cursor) out.push([cursor, addDays(from, -1) < want[1] ? addDays(from, -1) : want[1]]);
		cursor = addDays(to, 1);
		if (cursor > want[1]) return out;
	}
	if (cursor <= want[1]) out.push([cursor, want[1]]);
	return out;
}

export function intersect(a: DateRange, b: DateRange): DateRange | null {
	const from = a[0] > b[0] ? a[0] : b[0];
	const to = a[1] < b[1] ? a[1] : b[1];
	return from <= to ? [from, to] : null;
}

/** Every date of the ranges is in `have`? */
export function covers(have: readonly DateRange[], want: DateRange): boolean {
	return subtract(want, have).length === 0;
}

export function formatRanges(ranges: readonly DateRange[]): string {
	return ranges.map(([a, b]) => (a === b ? a : `${a}..${b}`)).join(', ');
}
