/**
 * Value formats on Alpaca's wire: RFC 3339 instants (UTC "Z" with up to nanoseconds, or New
 * York local time with its offset as the clock endpoint uses), money and quantities as decimal
 * strings.
 */
import {formatMicros, microsToNumber, type Micros} from '../core/money.js';
import {nyOffsetMs} from '../core/time.js';

export interface Stamp {
	readonly ms: number;
	readonly ns: number;
}

function fraction(ms: number, ns: number): string {
	const nanos = (((ms % 1000) + 1000) % 1000) * 1_000_000 + ns;
	if (nanos === 0) return '';
	return `.${String(nanos).padStart(9, '0').replace(/0+$/, '')}`;
}

/** "2019-02-11T14:31:00Z", "2019-02-11T14:31:00.000000123Z". */
export function rfc3339(ms: number, ns = 0): string {
	const whole = Math.floor(ms / 1000) * 1000;
	return `${new Date(whole).toISOString().slice(0, 19)}${fraction(ms, ns)}Z`;
}

export function stampText(stamp: Stamp | null): string | null {
	return stamp === null ? null : rfc3339(stamp.ms, stamp.ns);
}

/** New York local time with offset: "2019-02-11T09:31:00-05:00". */
export function nyRfc3339(ms: number): string {
	const offset = nyOffsetMs(ms);
	const local = ms + offset;
	const whole = Math.floor(local / 1000) * 1000;
	const minutes = Math.abs(offset) / 60_000;
	const sign = offset < 0 ? '-' : '+';
	const hh = String(Math.floor(minutes / 60)).padStart(2, '0');
	const mm = String(minutes % 60).padStart(2, '0');
	return `${new Date(whole).toISOString().slice(0, 19)}${fraction(ms, 0)}${sign}${hh}:${mm}`;
}

/**
 * Money as Alpaca writes it: a decimal string, at least 2 places ("100000.00", "187.25", "0.1234").
 * Takes any micro figure, whole or not (averages, P&L ratios of amounts): rounded to the micro here.
 */
export function money(micros: number): string {
	return formatMicros(Math.round(micros), 2);
}

/** A price with no forced decimals ("187.25", "12"), as order prices are echoed (rounded to the micro, as money). */
export function price(micros: number): string {
	return formatMicros(Math.round(micros), 0);
}

/** Price as a JSON number for market data (exact decimal as written). */
export function priceNumber(micros: Micros): number {
	return microsToNumber(micros);
}

/** A ratio as a decimal string with up to 10 places. */
export function ratio(value: number): string {
	if (!Number.isFinite(value)) return '0';
	const text = value.toFixed(10).replace(/\.?0+$/, '');
	return text === '-0' ? '0' : text;
}
