/**
 * The tunable numbers of the two intraday strategies, with the originals' values as defaults.
 * One place for them so the console, the backtest, the sweep and every report show the same
 * set (and a sweep's job names them exactly as the flags do).
 */
import {CENT, type Micros, microsToNumber} from '../core/money.js';
import {HOUR_MS, MINUTE_MS} from '../core/time.js';

export interface ScalpParams {
	/** SMA window in bars (`--sma`, default 20); a session needs window + 1 bars before a signal. */
	readonly smaWindow: number;
	/** Take-profit distance above the average cost, micro-dollars (`--take-profit`, default 0.01). */
	readonly takeProfit: Micros;
	/** A buy still open after this long is canceled (`--stale-buy`, default 120 s). */
	readonly staleBuyMs: number;
	/** New York time of day of the end-of-day exit, ms after midnight (`--eod`, default 15:55). */
	readonly eodMs: number;
}

export interface HftParams {
	/** A side dominates when its size is above ratio x the other's (`--hft-ratio`, default 1.8). */
	readonly ratio: number;
	/** Shares per order (`--hft-size`, default 100). */
	readonly size: number;
}

export const DEFAULT_SCALP_PARAMS: ScalpParams = Object.freeze({
	smaWindow: 20,
	takeProfit: CENT,
	staleBuyMs: 120_000,
	eodMs: 15 * HOUR_MS + 55 * MINUTE_MS,
});

export const DEFAULT_HFT_PARAMS: HftParams = Object.freeze({ratio: 1.8, size: 100});

/** Ratios are compared exactly as integers: `1000 x size > ratioMilli x other`. */
export function ratioMilli(ratio: number): number {
	return Math.round(ratio * 1000);
}

/** "15:55" from ms after midnight. */
export function formatClock(ms: number): string {
	const minutes = Math.round(ms / MINUTE_MS);
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function formatSeconds(ms: number): string {
	return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

/** Dollars as written on the command line: 0.01, 0.025, 2000. */
export function formatDollars(micros: Micros): string {
	return String(microsToNumber(micros));
}

/** One line for headers and reports, in flag names: "sma 20 · take-profit 0.01 · ...". */
export function describeScalpParams(p: ScalpParams, lot?: Micros): string {
	const parts = [`sma ${p.smaWindow}`, `take-profit ${formatDollars(p.takeProfit)}`, `stale-buy ${formatSeconds(p.staleBuyMs)}`, `eod ${formatClock(p.eodMs)}`];
	if (lot !== undefined) parts.push(`lot ${formatDollars(lot)}`);
	return parts.join(' · ');
}

export function describeHftParams(p: HftParams): string {
	return `hft-ratio ${p.ratio} · hft-size ${p.size}`;
}

/** The same, as JSON fields (flag names in snake case) for --json reports. */
export function scalpParamsJson(p: ScalpParams): Record<string, number | string> {
	return {sma: p.smaWindow, take_profit: microsToNumber(p.takeProfit), stale_buy: formatSeconds(p.staleBuyMs), eod: formatClock(p.eodMs)};
}
