/**
 * The strategy parameter flags (`--sma`, `--take-profit`, `--stale-buy`, `--eod`, `--lot`,
 * `--hft-ratio`, `--hft-size`): one parser per flag, used by the plain commands (one value)
 * and by `sweep` (a grid of values). Each parser turns the text as typed into the integer
 * unit the strategy uses (bars, micro-dollars, ms, shares), or throws a UsageError naming the
 * flag in kebab case.
 */
import {UsageError} from './core/errors.js';
import {parseMicros, type Micros, microsToNumber} from './core/money.js';
import {HOUR_MS, MINUTE_MS, parseDuration} from './core/time.js';
import {DEFAULT_HFT_PARAMS, DEFAULT_SCALP_PARAMS, ratioMilli, type HftParams, type ScalpParams} from './strategies/params.js';

export interface ParamFlag {
	/** As typed, without the dashes: `take-profit`. */
	readonly flag: string;
	/** The camelCase key meow gives. */
	readonly key: 'sma' | 'takeProfit' | 'staleBuy' | 'eod' | 'lot' | 'hftRatio' | 'hftSize';
	/** One value as text -> an integer in the flag's unit. */
	parse(text: string): number;
	/** An integer in the flag's unit -> the text a user would type. */
	format(value: number): string;
	/** Range steps are in the same unit; a step is parsed with this (e.g. `5m` for --eod). */
	parseStep(text: string): number;
}

function fail(flag: string, what: string, text: string): never {
	throw new UsageError(`--${flag} ${what}, got "${text}"`);
}

function wholeIn(flag: string, min: number, max: number): (text: string) => number {
	return text => {
		const n = Number(text.trim());
		if (text.trim() === '' || !Number.isInteger(n) || n < min || n > max) fail(flag, `must be a whole number from ${min} to ${max}`, text);
		return n;
	};
}

function dollarsIn(flag: string, min: number, max: number, minText: string): (text: string) => Micros {
	return text => {
		const m = parseMicros(text);
		if (Number.isNaN(m)) fail(flag, 'needs a dollar amount like 0.01', text);
		if (m < min) fail(flag, `must be at least ${minText}`, text);
		if (m > max) fail(flag, `is too large`, text);
		return m;
	};
}

function durationIn(flag: string): (text: string) => number {
	return text => {
		const ms = parseDuration(text);
		if (Number.isNaN(ms)) fail(flag, 'needs a duration like 90s, 2m or 1h', text);
		if (ms > 6.5 * HOUR_MS) fail(flag, 'must be at most 6h30m (one session)', text);
		return ms;
	};
}

/** "15:55" -> ms after New York midnight, inside the regular session (09:31..16:00). */
function parseClock(text: string): number {
	const m = /^(\d{1,2}):(\d\d)$/.exec(text.trim());
	if (!m) fail('eod', 'needs a New York time like 15:55', text);
	const ms = Number(m[1]) * HOUR_MS + Number(m[2]) * MINUTE_MS;
	if (Number(m[2]) > 59 || ms <= 9 * HOUR_MS + 30 * MINUTE_MS || ms > 16 * HOUR_MS) fail('eod', 'must be a New York time after 09:30 and at most 16:00', text);
	return ms;
}

function formatClock(ms: number): string {
	const minutes = Math.round(ms / MINUTE_MS);
	return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

function formatMs(ms: number): string {
	if (ms % MINUTE_MS === 0) return `${ms / MINUTE_MS}m`;
	if (ms % 1000 === 0) return `${ms / 1000}s`;
	return `${ms}ms`;
}

function parseRatio(text: string): number {
	const n = Number(text.trim());
	if (text.trim() === '' || !Number.isFinite(n)) fail('hft-ratio', 'needs a number like 1.8', text);
	if (n < 1 || n > 1000) fail('hft-ratio', 'must be from 1 to 1000', text);
	if (Math.abs(ratioMilli(n) - n * 1000) > 1e-6) fail('hft-ratio', 'takes at most 3 decimals', text);
	return ratioMilli(n);
}

const smaParse = wholeIn('sma', 2, 390);
const tpParse = dollarsIn('take-profit', 0, 1000e6, '0');
const staleParse = durationIn('stale-buy');
const lotParse = dollarsIn('lot', 1, 1e15, '0.000001');
const sizeParse = wholeIn('hft-size', 1, 1_000_000);

export const PARAM_FLAGS: readonly ParamFlag[] = [
	{flag: 'sma', key: 'sma', parse: smaParse, format: String, parseStep: wholeIn('sma', 1, 390)},
	{flag: 'take-profit', key: 'takeProfit', parse: tpParse, format: v => String(microsToNumber(v)), parseStep: dollarsIn('take-profit', 1, 1000e6, '0.000001')},
	{flag: 'stale-buy', key: 'staleBuy', parse: staleParse, format: formatMs, parseStep: durationIn('stale-buy')},
	{flag: 'eod', key: 'eod', parse: parseClock, format: formatClock, parseStep: durationIn('eod')},
	{flag: 'lot', key: 'lot', parse: lotParse, format: v => String(microsToNumber(v)), parseStep: lotParse},
	{
		flag: 'hft-ratio',
		key: 'hftRatio',
		parse: parseRatio,
		format: v => String(v / 1000),
		parseStep: text => {
			const n = Number(text.trim());
			if (!(n > 0) || Math.abs(Math.round(n * 1000) - n * 1000) > 1e-6) fail('hft-ratio', 'step must be a positive number with at most 3 decimals', text);
			return Math.round(n * 1000);
		},
	},
	{flag: 'hft-size', key: 'hftSize', parse: sizeParse, format: String, parseStep: wholeIn('hft-size', 1, 1_000_000)},
];

export function paramFlag(key: ParamFlag['key']): ParamFlag {
	return PARAM_FLAGS.find(f => f.key === key)!;
}

type ParamFlagValues = Partial<Record<ParamFlag['key'], string>>;

/** --sma, --take-profit, --stale-buy, --eod; the originals' values where a flag is absent. */
export function scalpParamsFromFlags(flags: ParamFlagValues): ScalpParams {
	const d = DEFAULT_SCALP_PARAMS;
	return {
		smaWindow: flags.sma === undefined ? d.smaWindow : paramFlag('sma').parse(String(flags.sma)),
		takeProfit: flags.takeProfit === undefined ? d.takeProfit : tpParse(String(flags.takeProfit)),
		staleBuyMs: flags.staleBuy === undefined ? d.staleBuyMs : paramFlag('staleBuy').parse(String(flags.staleBuy)),
		eodMs: flags.eod === undefined ? d.eodMs : paramFlag('eod').parse(String(flags.eod)),
	};
}

/** --hft-ratio, --hft-size; the original's 1.8 and 100 where absent. */
export function hftParamsFromFlags(flags: ParamFlagValues): HftParams {
	return {
		ratio: flags.hftRatio === undefined ? DEFAULT_HFT_PARAMS.ratio : paramFlag('hftRatio').parse(String(flags.hftRatio)) / 1000,
		size: flags.hftSize === undefined ? DEFAULT_HFT_PARAMS.size : paramFlag('hftSize').parse(String(flags.hftSize)),
	};
}

/** --hft-qty must leave room for at least one order of --hft-size. */
export function checkHftQty(hftQty: number, params: HftParams): void {
	if (hftQty < params.size) throw new UsageError(`--hft-qty (${hftQty}) must be at least --hft-size (${params.size})`);
}
