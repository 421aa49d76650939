/**
 * Tick tapes as the sweep needs them: the New York trading days a tape holds, the tape cut to
 * some of those days (walk-forward windows), and a copy of a tape in one SharedArrayBuffer so
 * every worker thread reads the same bytes instead of a structured-clone copy each.
 */
import type {TickTape} from '../adapters/replay/tick-tape.js';
import {HOUR_MS, nyDate, nyMidnight} from '../core/time.js';

export interface TapeDay {
	readonly date: string;
	/** Event range [begin, end) of the day (a time-ordered tape holds each day as one run). */
	readonly begin: number;
	readonly end: number;
}

/** The days of a tape in order, found by jumping midnight to midnight (no date per event). */
export function tapeDays(tape: TickTape): TapeDay[] {
	const days: TapeDay[] = [];
	let i = 0;
	while (i < tape.length) {
		const date = nyDate(tape.ms[i]!);
		// The date 30 h after this midnight is always the next one, whatever the DST switch.
		const nextMidnight = nyMidnight(nyDate(nyMidnight(date) + 30 * HOUR_MS));
		let j = i;
		while (j < tape.length && tape.ms[j]! < nextMidnight) j++;
		days.push({date, begin: i, end: j});
		i = j;
	}
	return days;
}

const COLUMNS = ['symbol', 'kind', 'ms', 'ns', 'price', 'size', 'askPrice', 'askSize'] as const;
type Column = (typeof COLUMNS)[number];

/**
 * The events of the given days only (every day when `days` is null). Consecutive days are one
 * range of the tape, so the usual case (a walk-forward window) is views, not a copy.
 */
export function tapeOnDays(tape: TickTape, days: readonly string[] | null): TickTape {
	if (days === null) return tape;
	const wanted = new Set(days);
	const ranges = tapeDays(tape).filter(d => wanted.has(d.date));
	const contiguous = ranges.every((r, i) => i === 0 || ranges[i - 1]!.end === r.begin);
	if (contiguous) {
		const begin = ranges[0]?.begin ?? 0;
		const end = ranges.at(-1)?.end ?? 0;
		const cut = Object.fromEntries(COLUMNS.map(c => [c, tape[c].subarray(begin, end)])) as Pick<TickTape, Column>;
		return {symbols: tape.symbols, length: end - begin, ...cut};
	}
	const length = ranges.reduce((n, r) => n + r.end - r.begin, 0);
	const out = Object.fromEntries(
		COLUMNS.map(c => {
			const source = tape[c];
			const column = new (source.constructor as new (n: number) => typeof source)(length);
			let at = 0;
			for (const r of ranges) {
				column.set(source.subarray(r.begin, r.end), at);
				at += r.end - r.begin;
			}
			return [c, column];
		}),
	) as Pick<TickTape, Column>;
	return {symbols: tape.symbols, length, ...out};
}

/** The tape copied into one SharedArrayBuffer (8-byte columns first, so every view is aligned). */
export function shareTape(tape: TickTape): TickTape {
	const order: Column[] = ['ms', 'price', 'size', 'askPrice', 'askSize', 'ns', 'symbol', 'kind'];
	const bytes = order.reduce((n, c) => n + tape[c].BYTES_PER_ELEMENT * tape.length, 0);
	const buffer = new SharedArrayBuffer(Math.max(8, bytes));
	let offset = 0;
	const out: Partial<Record<Column, TickTape[Column]>> = {};
	for (const c of order) {
		const source = tape[c];
		const view = new (source.constructor as new (b: SharedArrayBuffer, o: number, n: number) => typeof source)(buffer, offset, tape.length);
		view.set(source.subarray(0, tape.length));
		out[c] = view;
		offset += source.BYTES_PER_ELEMENT * tape.length;
	}
	return {symbols: [...tape.symbols], length: tape.length, ...(out as Pick<TickTape, Column>)};
}
