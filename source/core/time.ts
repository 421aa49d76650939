/**
 * Market time. Instants are epoch milliseconds (integers) plus, where the input has it, the
 * nanoseconds inside that millisecond (0..999_999), so LOBSTER's nanosecond stamps reach the
 * strategy untruncated (the tick-taker's 50 ms guard needs them) while every other mode pays nothing for them.
 * New York wall time comes from Intl (no tz library); per-hour offsets are cached, since the
 * UTC offset of America/New_York only changes at 02:00 local time.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 3_600_000;
export const DAY_MS = 86_400_000;
export const NS_PER_MS = 1_000_000;

const nyParts = new Intl.DateTimeFormat('en-US', {
	timeZone: 'America/New_York',
	hourCycle: 'h23',
	year: 'numeric',
	month: '2-digit',
	day: '2-digit',
	hour: '2-digit',
	minute: '2-digit',
	second: '2-digit',
});

const offsetCache = new Map<number, number>();

/** Offset of New York from UTC at `ms`, in milliseconds (e.g. -5 h in winter). */
export function nyOffsetMs(ms: number): number {
	const hour = Math.floor(ms / HOUR_MS);
	const cached = offsetCache.get(hour);
	if (cached !== undefined) return cached;
	const parts: Record<string, number> = {};
	for (const p of nyParts.formatToParts(new Date(hour * HOUR_MS))) {
		if (p.type !== 'literal') parts[p.type] = Number(p.value);
	}
	const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
	const offset = asUtc - hour * HOUR_MS;
	if (offsetCache.size > 100_000) offsetCache.clear();
	offsetCache.set(hour, offset);
	return offset;
}

/** New York calendar date (YYYY-MM-DD) of an instant. */
export function nyDate(ms: number): string {
	return new Date(ms + nyOffsetMs(ms)).toISOString().slice(0, 10);
}

/** Milliseconds since New York midnight for an instant. */
export function nyTimeOfDayMs(ms: number): number {
	const local = ms + nyOffsetMs(ms);
	return ((local % DAY_MS) + DAY_MS) % DAY_MS;
}

/** "HH:MM:SS" New York wall time of an instant. */
export function nyClockText(ms: number): string {
	return new Date(ms + nyOffsetMs(ms)).toISOString().slice(11, 19);
}

/** Epoch ms of New York local midnight starting the given YYYY-MM-DD date. */
/**
 * True when `text` starts with a date that exists (YYYY-MM-DD) and, if a time follows, one
 * within 00:00-23:59:59. Date.parse rolls 2019-02-30 over to March 2 and takes hour 24.
 */
export function isRealDateTime(text: string): boolean {
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(text);
	if (!m) return false;
	const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
	const date = new Date(Date.UTC(year, month - 1, day));
	if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) return false;
	if (m[4] === undefined) return true;
	return Number(m[4]) <= 23 && Number(m[5]) <= 59 && Number(m[6] ?? 0) <= 59;
}

export function nyMidnight(date: string): number {
	const utcMidnight = Date.parse(`${date}T00:00:00Z`);
	if (Number.isNaN(utcMidnight) || !isRealDateTime(date)) throw new RangeError(`not a date: ${date}`);
	// New York is behind UTC: local midnight is UTC midnight minus the offset in force then.
	// Use the offset at local noon of that date (never a DST switch hour).
	const offset = nyOffsetMs(utcMidnight + 12 * HOUR_MS);
	return utcMidnight - offset;
}

/** Epoch ms of a New York wall time (hours, minutes) on a date. */
export function nyTime(date: string, hours: number, minutes: number, seconds = 0): number {
	return nyMidnight(date) + hours * HOUR_MS + minutes * MINUTE_MS + seconds * 1000;
}

export const REGULAR_OPEN_MS = 9 * HOUR_MS + 30 * MINUTE_MS;
export const REGULAR_CLOSE_MS = 16 * HOUR_MS;
export const LIQUIDATION_MS = 15 * HOUR_MS + 55 * MINUTE_MS;

/** The session view the strategies need: fixed New York instants of one trading date. */
export interface SessionTimes {
	readonly date: string;
	readonly midnight: number;
	readonly open: number;
	readonly close: number;
	/** 15:55 New York: no new entries at or after it, positions liquidated. */
	readonly liquidation: number;
}

export function sessionTimes(date: string): SessionTimes {
	const midnight = nyMidnight(date);
	return {
		date,
		midnight,
		open: midnight + REGULAR_OPEN_MS,
		close: midnight + REGULAR_CLOSE_MS,
		liquidation: midnight + LIQUIDATION_MS,
	};
}

/** True when a bar starting at `startMs` lies in the regular session (09:30 <= s < 16:00 NY). */
export function isRegularSessionStart(startMs: number): boolean {
	const t = nyTimeOfDayMs(startMs);
	return t >= REGULAR_OPEN_MS && t < REGULAR_CLOSE_MS;
}

/** ISO-8601 UTC with milliseconds, as the journal writes `ts`. */
export function isoMs(ms: number): string {
	return new Date(ms).toISOString();
}

/** Parse "2m", "90s", "1h30m", "500ms" into milliseconds; NaN when malformed or zero. */
export function parseDuration(text: string): number {
	const s = text.trim().toLowerCase();
	if (!/^(\d+(\.\d+)?(ms|h|m|s))+$/.test(s)) return Number.NaN;
	let total = 0;
	for (const m of s.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)) {
		const n = Number(m[1]);
		const unit = m[2];
		total += unit === 'h' ? n * HOUR_MS : unit === 'm' ? n * MINUTE_MS : unit === 's' ? n * 1000 : n;
	}
	return total > 0 ? Math.round(total) : Number.NaN;
}
