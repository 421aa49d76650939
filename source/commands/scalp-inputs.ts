/**
 * What the scalping `backtest` and `sweep` resolve the same way before they run (issue 13): the
 * symbols to trade, the minute bars (the cache with --from/--to or --date, CSV with --data, else
 * the bundled sample) with the reference a worker or a remote runner loads the same bars by,
 * the starting cash and --exit-after, and the report lines naming them. One place, so a grid
 * point and the plain backtest with the same flags see the same bars and say so the same way.
 */
import type {CliFlags} from '../cli/flags.js';
import {DEFAULTS} from '../cli/defaults.js';
import {durationFlag, parseSymbols, positiveDollars} from '../config.js';
import {UsageError} from '../core/errors.js';
import {microsToNumber, type Micros} from '../core/money.js';
import {dataSummaryJson, formatDataSummary, summarizeSessions} from '../backtest/data-summary.js';
import type {DataRef} from '../research/job.js';
import {columnsFromBars} from '../core/session-columns.js';
import {loadMinuteSource, type MinuteSource} from './minute-source.js';
import {cacheDir, seriesKind} from './data-flags.js';

export interface ScalpInputs {
	/** The symbols traded: those named, else every symbol of the data (sorted). */
	readonly symbols: readonly string[];
	/** The bars, already loaded (bad data fails here, before anything runs). */
	readonly source: MinuteSource;
	/** Where the same bars are loaded from by reference (sweep jobs). */
	readonly ref: DataRef;
	readonly cash: Micros;
	readonly exitAfterMs: number | null;
}

export interface ScalpInputOptions {
	/**
	 * With --data, --from/--to/--date pick trading days of the CSV instead of the cache (the
	 * sweep's day range; a plain backtest refuses two sources). Each end is open when absent.
	 */
	readonly csvDays?: boolean;
	/**
	 * Hold the bars as columns in one SharedArrayBuffer (`source.replay`): worker threads then
	 * read the very bytes loaded here, with no copy and no parse of their own.
	 */
	readonly shared?: boolean;
}

const DATE = /^\d{4}-\d\d-\d\d$/;

function dayFlag(name: string, value: string | undefined): string | null {
	if (value === undefined) return null;
	if (!DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`))) throw new UsageError(`--${name} needs a date like 2019-02-11, got "${value}"`);
	return value;
}

/** --from/--to/--date as an inclusive day filter over CSV sessions (null ends are open). */
function csvDayRange(flags: CliFlags): {from: string | null; to: string | null} | null {
	if (flags.from === undefined && flags.to === undefined && flags.date === undefined) return null;
	if (flags.date !== undefined) {
		if (flags.from !== undefined || flags.to !== undefined) throw new UsageError('--date is one day: use it without --from/--to');
		const day = dayFlag('date', flags.date);
		return {from: day, to: day};
	}
	const from = dayFlag('from', flags.from);
	const to = dayFlag('to', flags.to);
	if (from && to && from > to) throw new UsageError(`--from ${from} is after --to ${to}`);
	return {from, to};
}

export function resolveScalpInputs(args: readonly string[], flags: CliFlags, where: string, options: ScalpInputOptions = {}): ScalpInputs {
	const named = parseSymbols(args);
	const cash = positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd);
	const exitAfterMs = flags.exitAfter === undefined ? null : durationFlag('exit-after', flags.exitAfter);
	const days = options.csvDays && flags.data && flags.data.length > 0 ? csvDayRange(flags) : null;
	const sourceFlags = days ? {...flags, from: undefined, to: undefined, date: undefined} : flags;
	let source = loadMinuteSource(named, sourceFlags, where, {shared: options.shared ?? false});
	if (days) {
		const sessions = source.sessions.filter(s => s.bars.length > 0 && (!days.from || s.date >= days.from) && (!days.to || s.date <= days.to));
		if (sessions.length === 0)
			throw new UsageError(`no trading days between ${days.from ?? 'the start'} and ${days.to ?? 'the end'} in ${source.summary.location}`);
		source = {...source, replay: sessions, sessions, summary: summarizeSessions(sessions, source.summary.location, source.summary.conflictingRows)};
	}
	if (options.shared && source.range === null) source = {...source, replay: columnsFromBars(source.sessions, true)};
	const symbols = named.length > 0 ? named : [...source.symbols];
	if (symbols.length === 0) throw new UsageError(`no minute bars in ${source.summary.location}`);
	let ref: DataRef;
	if (source.range) {
		const kind = seriesKind(flags);
		ref = {
			kind: 'cache',
			cacheDir: cacheDir(flags).dir,
			symbols: [...symbols],
			from: source.range.from,
			to: source.range.to,
			feed: kind.feed,
			adjustment: kind.adjustment,
		};
	} else {
		ref = {kind: 'csv', paths: [...(source.paths ?? [])], symbols: [...symbols]};
	}
	return {symbols, source, ref, cash, exitAfterMs};
}

/** The report lines naming the data and the money (text reports of backtest and sweep). */
export function inputLines(inputs: ScalpInputs): string[] {
	return [
		formatDataSummary(inputs.source.summary),
		`cash $${microsToNumber(inputs.cash)}${inputs.exitAfterMs ? `; exit after ${inputs.exitAfterMs / 1000}s` : ''}`,
	];
}

/** The same for JSON reports (snake_case keys). */
export function inputJson(inputs: ScalpInputs): Record<string, unknown> {
	return {
		data: inputs.source.paths ?? [inputs.source.summary.location],
		data_source: dataSummaryJson(inputs.source.summary),
		cash: microsToNumber(inputs.cash),
		exit_after_ms: inputs.exitAfterMs,
	};
}
