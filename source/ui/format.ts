/**
 * Display formatting for the console: money, prices, ages, clocks and log lines.
 * Every function is total: NaN, Infinity and null render as a placeholder, never throw.
 */
import {nyClockText} from '../core/time.js';
import type {LogLine} from '../engine/snapshot.js';

/** What a missing or non-finite number renders as. */
export const MISSING = '--';

const money = new Intl.NumberFormat('en-US', {minimumFractionDigits: 2, maximumFractionDigits: 2});
const whole = new Intl.NumberFormat('en-US', {maximumFractionDigits: 0});

function finite(value: number | null | undefined): value is number {
	return typeof value === 'number' && Number.isFinite(value);
}

/** "$1,234.56", "-$3.10". */
export function formatUsd(value: number | null | undefined): string {
	if (!finite(value)) return MISSING;
	const text = money.format(Math.abs(value));
	return value < 0 && text !== '0.00' ? `-$${text}` : `$${text}`;
}

/** Signed dollars for P&L: "+$12.30", "-$4.00", "$0.00". */
export function formatPnl(value: number | null | undefined): string {
	if (!finite(value)) return MISSING;
	const text = money.format(Math.abs(value));
	if (text === '0.00') return '$0.00';
	return value < 0 ? `-$${text}` : `+$${text}`;
}

/** A price: two decimals; four below one dollar when it has sub-penny digits. */
export function formatPrice(value: number | null | undefined): string {
	if (!finite(value)) return MISSING;
	const subPenny = Math.abs(value * 100 - Math.round(value * 100)) > 1e-6;
	return Math.abs(value) < 1 && subPenny ? value.toFixed(4) : value.toFixed(2);
}

/** A signed price change: "+1.25", "-0.40", "0.00". */
export function formatChange(value: number | null | undefined): string {
	if (!finite(value)) return MISSING;
	const text = Math.abs(value).toFixed(2);
	if (Number(text) === 0) return text;
	return value < 0 ? `-${text}` : `+${text}`;
}

/** Share counts with thousands separators. */
export function formatQty(value: number | null | undefined): string {
	if (!finite(value)) return MISSING;
	return whole.format(value);
}

/** Order age: "12s", "3m05s", "1h02m". */
export function formatAge(ms: number | null | undefined): string {
	if (!finite(ms) || ms < 0) return MISSING;
	const seconds = Math.floor(ms / 1000);
	if (seconds < 60) return `${seconds}s`;
	const minutes = Math.floor(seconds / 60);
	if (minutes < 60) return `${minutes}m${String(seconds % 60).padStart(2, '0')}s`;
	return `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** A countdown "H:MM:SS" (negative durations clamp to 0:00:00). */
export function formatCountdown(ms: number | null | undefined): string {
	if (!finite(ms)) return MISSING;
	const total = Math.max(0, Math.floor(ms / 1000));
	const hours = Math.floor(total / 3600);
	const minutes = Math.floor((total % 3600) / 60);
	const seconds = total % 60;
	return `${hours}:${String(minutes).padStart(2, '0')}:${String(seconds).padStart(2, '0')}`;
}

/** New York wall clock "HH:MM:SS" of an epoch-ms instant. */
export function formatClock(ms: number | null | undefined): string {
	if (!finite(ms)) return '--:--:--';
	return nyClockText(ms);
}

/** Sim replay speed: "60x", "0.5x". */
export function formatSpeed(speed: number | null | undefined): string {
	if (!finite(speed)) return MISSING;
	const text = speed >= 10 ? speed.toFixed(0) : String(Number(speed.toFixed(2)));
	return `${text}x`;
}

/** Symbol label of a log line; engine-wide lines use "-". */
export function logSymbol(line: LogLine): string {
	return line.symbol ?? '-';
}

/** Text of a log line with its level, as printed to files and headless stdout. */
export function logText(line: LogLine): string {
	return line.level === 'info' ? line.text : `${line.level.toUpperCase()} ${line.text}`;
}

/** "HH:MM:SS SYMBOL text", the format of the log file and the headless output. */
export function formatLogLine(line: LogLine): string {
	return `${formatClock(line.ms)} ${logSymbol(line)} ${logText(line).replace(/[\r\n]+/g, ' ')}`;
}

/** Cut `text` to `width` columns, ending with "…" when it had to be cut. ASCII-width text. */
export function truncate(text: string, width: number): string {
	if (width <= 0) return '';
	if (text.length <= width) return text;
	if (width === 1) return '…';
	return `${text.slice(0, width - 1)}…`;
}
