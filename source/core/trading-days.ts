/**
 * New York trading days by the NYSE rules (holidays with their weekend shifts, Good Friday
 * from the Easter date, 13:00 early closes), plus calendar-date arithmetic on YYYY-MM-DD
 * strings. Used to tell a hole in cached data (a minute missing inside a session) from a day
 * the market was simply closed. One-off closures (storms, state funerals) are listed by hand.
 */
import {DAY_MS, HOUR_MS} from './time.js';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A valid YYYY-MM-DD calendar date? */
export function isIsoDate(text: string): boolean {
	const m = DATE_RE.exec(text);
	if (!m) return false;
	const t = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
	return new Date(t).toISOString().slice(0, 10) === text;
}

/** `date` plus `days` calendar days. */
export function addDays(date: string, days: number): string {
	return new Date(Date.parse(`${date}T12:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** 0 = Sunday .. 6 = Saturday. */
export function weekday(date: string): number {
	return new Date(`${date}T12:00:00Z`).getUTCDay();
}

function iso(year: number, month: number, day: number): string {
	return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/** The n-th (1-based) given weekday of a month; n = -1: the last one. */
function nthWeekday(year: number, month: number, dow: number, n: number): string {
	if (n > 0) {
		const first = new Date(Date.UTC(year, month - 1, 1)).getUTCDay();
		return iso(year, month, 1 + ((dow - first + 7) % 7) + (n - 1) * 7);
	}
	const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
	const last = new Date(Date.UTC(year, month - 1, lastDay)).getUTCDay();
	return iso(year, month, lastDay - ((last - dow + 7) % 7));
}

/** Gregorian Easter Sunday (the anonymous "Meeus/Jones/Butcher" computation). */
function easter(year: number): string {
	const a = year % 19;
	const b = Math.floor(year / 100);
	const c = year % 100;
	const d = Math.floor(b / 4);
	const e = b % 4;
	const f = Math.floor((b + 8) / 25);
	const g = Math.floor((b - f + 1) / 3);
	const h = (19 * a + b - d - g + 15) % 30;
	const i = Math.floor(c / 4);
	const k = c % 4;
	const l = (32 + 2 * e + 2 * i - h - k) % 7;
	const m = Math.floor((a + 11 * h + 22 * l) / 451);
	const month = Math.floor((h + l - 7 * m + 114) / 31);
	const day = ((h + l - 7 * m + 114) % 31) + 1;
	return iso(year, month, day);
}

/** A fixed-date holiday on a weekend is observed on the Friday before or the Monday after. */
function observed(date: string): string {
	const dow = weekday(date);
	return dow === 6 ? addDays(date, -1) : dow === 0 ? addDays(date, 1) : date;
}

/** Closures outside the rules (weather, national days of mourning). */
const SPECIAL_CLOSURES = new Set([
	'2001-09-11',
	'2001-09-12',
	'2001-09-13',
	'2001-09-14',
	'2004-06-11',
	'2007-01-02',
	'2012-10-29',
	'2012-10-30',
	'2018-12-05',
	'2025-01-09',
]);

const holidayCache = new Map<number, Set<string>>();

function holidays(year: number): Set<string> {
	let set = holidayCache.get(year);
	if (set) return set;
	set = new Set<string>();
	// New Year's Day on a Saturday is not observed on the Friday before (the NYSE rule).
	const newYear = iso(year, 1, 1);
	if (weekday(newYear) !== 6) set.add(observed(newYear));
	if (year >= 1998) set.add(nthWeekday(year, 1, 1, 3));
	set.add(nthWeekday(year, 2, 1, 3));
	set.add(addDays(easter(year), -2));
	set.add(nthWeekday(year, 5, 1, -1));
	if (year >= 2022) set.add(observed(iso(year, 6, 19)));
	set.add(observed(iso(year, 7, 4)));
	set.add(nthWeekday(year, 9, 1, 1));
	set.add(nthWeekday(year, 11, 4, 4));
	set.add(observed(iso(year, 12, 25)));
	holidayCache.set(year, set);
	return set;
}

/** Is the exchange open on this New York date? */
export function isTradingDay(date: string): boolean {
	const dow = weekday(date);
	if (dow === 0 || dow === 6) return false;
	if (SPECIAL_CLOSURES.has(date)) return false;
	return !holidays(Number(date.slice(0, 4))).has(date);
}

/** Milliseconds after New York midnight at which the regular session of a trading day ends. */
export function closeTimeOfDayMs(date: string): number {
	const year = Number(date.slice(0, 4));
	const early =
		(date === iso(year, 7, 3) && isTradingDay(date) && !holidays(year).has(date)) ||
		date === addDays(nthWeekday(year, 11, 4, 4), 1) ||
		(date === iso(year, 12, 24) && isTradingDay(date));
	return early ? 13 * HOUR_MS : 16 * HOUR_MS;
}

/** The trading days in [from, to], ascending. */
export function tradingDays(from: string, to: string): string[] {
	const out: string[] = [];
	for (let d = from; d <= to; d = addDays(d, 1)) if (isTradingDay(d)) out.push(d);
	return out;
}
