/**
 * The clock and calendar endpoints from the replay: the clock reads the replay's discrete
 * market time (New York offset), the calendar lists the session dates present in the data
 * (regular 09:30-16:00 hours; holidays and early closes are whatever the data has).
 */
import {DAY_MS, nyClockText} from '../core/time.js';
import {invalidField} from './errors.js';
import type {Json} from './order-json.js';
import type {MarketReplay} from './replay.js';
import {nyRfc3339} from './wire-format.js';

export function clockJson(replay: MarketReplay): Json {
	const now = replay.now;
	const open = replay.isOpen;
	const next = replay.nextSession();
	return {
		timestamp: nyRfc3339(now),
		is_open: open,
		next_open: nyRfc3339(next.open),
		next_close: nyRfc3339(open ? replay.closeOf(replay.session.date) : next.close),
	};
}

/** A `start`/`end` parameter: YYYY-MM-DD or an RFC 3339 time (its UTC date). */
function dateParam(value: string | null, name: string): string | null {
	if (value === null || value === '') return null;
	const m = /^(\d{4}-\d{2}-\d{2})/.exec(value);
	if (!m || Number.isNaN(Date.parse(`${m[1]}T00:00:00Z`))) throw invalidField(`invalid ${name}: ${value}`);
	return m[1]!;
}

function nextWeekday(date: string): string {
	let t = Date.parse(`${date}T12:00:00Z`);
	do t += DAY_MS;
	while ([0, 6].includes(new Date(t).getUTCDay()));
	return new Date(t).toISOString().slice(0, 10);
}

export function calendarJson(replay: MarketReplay, query: URLSearchParams): Json[] {
	const start = dateParam(query.get('start'), 'start');
	const end = dateParam(query.get('end'), 'end');
	const out: Json[] = [];
	for (const date of replay.sessionDates) {
		if (start !== null && date < start) continue;
		if (end !== null && date > end) continue;
		const close = nyClockText(replay.closeOf(date)).slice(0, 5);
		out.push({
			date,
			open: '09:30',
			close,
			session_open: '0400',
			session_close: close === '16:00' ? '2000' : '1700',
			settlement_date: nextWeekday(date),
		});
	}
	return out;
}
