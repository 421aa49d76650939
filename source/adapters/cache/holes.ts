/**
 * Holes in a series: a trading day inside the requested dates with no bar at all (a missing
 * day), or, for minute bars, minutes of a regular session with no bar (09:30 to 16:00, or to
 * 13:00 on an early close). They are counted and reported, never filled in: a thin IEX
 * symbol really has minutes without a trade.
 */
import {addDays, closeTimeOfDayMs, isTradingDay} from '../../core/trading-days.js';
import {MINUTE_MS, nyMidnight, REGULAR_OPEN_MS} from '../../core/time.js';
import type {CacheTimeframe} from './key.js';

export interface HoleCount {
	/** Minutes missing inside sessions that have bars (minute bars only). */
	missingMinutes: number;
	/** Sessions with at least one missing minute. */
	daysWithHoles: number;
	/** Trading days in the range without a single bar. */
	missingDays: number;
	/** The first few missing days, for the message. */
	readonly missingDayList: string[];
}

export function emptyHoles(): HoleCount {
	return {missingMinutes: 0, daysWithHoles: 0, missingDays: 0, missingDayList: []};
}

export function addHoles(into: HoleCount, from: HoleCount): void {
	into.missingMinutes += from.missingMinutes;
	into.daysWithHoles += from.daysWithHoles;
	into.missingDays += from.missingDays;
	for (const d of from.missingDayList) if (into.missingDayList.length < 5) into.missingDayList.push(d);
}

/** Count holes of one symbol's bar starts (ms, ascending) over the New York dates [from, to]. */
export function countHoles(starts: ArrayLike<number>, timeframe: CacheTimeframe, from: string, to: string): HoleCount {
	const out = emptyHoles();
	let i = 0;
	let next = nyMidnight(from);
	for (let day = from; day <= to; day = addDays(day, 1)) {
		const midnight = next;
		next = nyMidnight(addDays(day, 1));
		while (i < starts.length && starts[i]! < midnight) i++;
		const startIndex = i;
		while (i < starts.length && starts[i]! < next) i++;
		const count = i - startIndex;
		if (!isTradingDay(day)) continue;
		if (count === 0) {
			out.missingDays += 1;
			if (out.missingDayList.length < 5) out.missingDayList.push(day);
			continue;
		}
		if (timeframe !== '1Min') continue;
		const expected = (closeTimeOfDayMs(day) - REGULAR_OPEN_MS) / MINUTE_MS;
		if (count < expected) {
			out.missingMinutes += expected - count;
			out.daysWithHoles += 1;
		}
	}
	return out;
}

export function describeHoles(h: HoleCount, timeframe: CacheTimeframe = '1Min'): string {
	const parts: string[] = [];
	if (timeframe === '1Min')
		parts.push(
			h.missingMinutes === 0
				? 'no missing minutes'
				: `${h.missingMinutes.toLocaleString('en-US')} missing minute${h.missingMinutes === 1 ? '' : 's'} in ${h.daysWithHoles} session${h.daysWithHoles === 1 ? '' : 's'}`,
		);
	parts.push(
		h.missingDays === 0
			? 'no missing days'
			: `${h.missingDays} trading day${h.missingDays === 1 ? '' : 's'} without bars (${h.missingDayList.join(', ')}${h.missingDays > h.missingDayList.length ? ', ...' : ''})`,
	);
	return parts.join(', ');
}
