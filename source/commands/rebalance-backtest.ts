/**
 * `scalp-tui backtest --strategy rebalance`: backtest the daily mean-reversion rebalancer over
 * daily bars and print a report (CONTRACT §6).
 *
 * Wiring (source/cli.tsx): call `runRebalanceBacktestCommand(options, {stdout, stderr})` and exit
 * with the status it resolves to: 0 ok, 2 bad input (one line on stderr, nothing else written),
 * 1 unexpected failure (one line on stderr).
 *
 * Options (every field optional; strings are accepted for numbers so meow flags pass through):
 *
 *   data          string | string[]  --data: daily CSV file(s) or folder(s) of them (CONTRACT §7).
 *                                    Default: the bundled sample, data/daily/.
 *   days          number | string    --days: trading days to trade, the last ones of the data
 *                                    (default 10; more than the data has = all of it).
 *   cash          number | string    --cash USD, starting cash (default 500).
 *   positionSize  number | string    --position-size USD per new position (default 100).
 *   maxPositions  number | string    --max-positions (default 5).
 *   bench         string | null      --bench SYMBOL (default SPY); '' / 'none' / null = none. A
 *                                    benchmark absent from the data is reported as "benchmark:
 *                                    none" (the bundled sample has no SPY: it may not be shipped).
 *   universe      string             --universe FILE: only these symbols are ranked.
 *   json          boolean            --json: print the JSON report instead of the text report.
 *   journal       string | null      --journal PATH: append the run's journal (CONTRACT §2);
 *                                    null/undefined = no journal.
 *   width         number             text report width (default: stdout columns, else 100).
 *   color         boolean            ANSI colors in the chart (default: stdout is a TTY).
 *   chartHeight   number             chart rows (default 12).
 */
import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import type {Micros} from '../core/money.js';
import {dollarsToMicros, parseMicros} from '../core/money.js';
import {nyTime} from '../core/time.js';
import {DailyDataError, readDailyData} from '../adapters/replay/daily-csv.js';
import {computeTotals} from '../backtest/rebalance/metrics.js';
import {toJsonReport} from '../backtest/rebalance/report-json.js';
import {formatTextReport} from '../backtest/rebalance/report-text.js';
import {runRebalanceBacktest} from '../backtest/rebalance/runner.js';
import type {Journal} from '../journal/records.js';
import {nullJournal} from '../journal/records.js';
import {FileJournal} from '../journal/writer.js';
import {parseUniverse} from '../strategies/rebalance/universe.js';

/** Something a command writes text to (process.stdout, a test buffer). */
export interface TextSink {
	write(text: string): unknown;
	readonly isTTY?: boolean;
	readonly columns?: number;
}

export interface CommandIo {
	readonly stdout: TextSink;
	readonly stderr: TextSink;
}

export interface RebalanceBacktestCommandOptions {
	data?: string | readonly string[];
	days?: number | string;
	cash?: number | string;
	positionSize?: number | string;
	maxPositions?: number | string;
	bench?: string | null;
	universe?: string;
	json?: boolean;
	journal?: string | null;
	width?: number;
	color?: boolean;
	chartHeight?: number;
}

/** Bad input: the message is the one line printed before exiting with status 2. */
export class UsageError extends Error {
	override readonly name = 'UsageError';
}

/** Bundled daily sample (data/daily/ at the package root, from source/ and from dist/ alike). */
export const BUNDLED_DAILY_DATA = fileURLToPath(new URL('../../data/daily/', import.meta.url));
/** Bundled S&P 500 universe list. */
export const BUNDLED_UNIVERSE = fileURLToPath(new URL('../../data/universe/sp500.csv', import.meta.url));

export const BACKTEST_DEFAULTS = {days: 10, cash: '500', positionSize: '100', maxPositions: 5, bench: 'SPY'} as const;

/** A positive dollar amount from a flag, exact when given as a string. */
export function parseDollarsOption(flag: string, value: number | string): Micros {
	const micros = typeof value === 'number' ? (Number.isFinite(value) ? dollarsToMicros(value) : Number.NaN) : parseMicros(String(value).replace(/^\$/, ''));
	if (!Number.isFinite(micros) || micros <= 0) throw new UsageError(`--${flag} must be a positive dollar amount, got "${String(value)}"`);
	return micros;
}

/** A positive whole number from a flag. */
export function parseCountOption(flag: string, value: number | string): number {
	const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(String(value)) ? Number(value) : Number.NaN;
	if (!Number.isSafeInteger(n) || n <= 0) throw new UsageError(`--${flag} must be a whole number >= 1, got "${String(value)}"`);
	return n;
}

/** Upper-case benchmark symbol, or null for none. */
export function parseBenchOption(value: string | null | undefined, fallback: string | null): string | null {
	if (value === undefined) return fallback;
	if (value === null) return null;
	const s = value.trim().toUpperCase();
	if (s === '' || s === 'NONE') return null;
	if (!/^[A-Z][A-Z0-9.\-/]{0,14}$/.test(s)) throw new UsageError(`--bench must be a symbol, got "${value}"`);
	return s;
}

/** Read and parse a universe file (UsageError when it cannot be used). */
export function readUniverseFile(path: string): string[] {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read universe file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	try {
		return [...parseUniverse(text, path).symbols];
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
}

/** The package version, for journal session lines. */
export function packageVersion(): string {
	try {
		const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {version?: string};
		return pkg.version ?? 'unknown';
	} catch {
		return 'unknown';
	}
}

/** One line, no stack: what the user sees for a failure. */
export function oneLine(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0]!.trim();
}

export async function runRebalanceBacktestCommand(options: RebalanceBacktestCommandOptions, io: CommandIo): Promise<number> {
	let journal: Journal = nullJournal;
	try {
		const days = parseCountOption('days', options.days ?? BACKTEST_DEFAULTS.days);
		const cash = parseDollarsOption('cash', options.cash ?? BACKTEST_DEFAULTS.cash);
		const positionSize = parseDollarsOption('position-size', options.positionSize ?? BACKTEST_DEFAULTS.positionSize);
		const maxPositions = parseCountOption('max-positions', options.maxPositions ?? BACKTEST_DEFAULTS.maxPositions);
		const bench = parseBenchOption(options.bench, BACKTEST_DEFAULTS.bench);
		const universe = options.universe ? readUniverseFile(options.universe) : null;
		const dataPaths = options.data === undefined || (Array.isArray(options.data) && options.data.length === 0) ? BUNDLED_DAILY_DATA : options.data;
		const data = readDailyData(dataPaths);
		if (data.dates.length < 2) throw new UsageError('daily data needs at least two trading days to backtest');

		if (options.journal) {
			try {
				journal = new FileJournal(options.journal, {mode: 'buffered'});
			} catch (error) {
				throw new UsageError(`cannot open journal ${options.journal}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
			}
		}
		const params = {days, cash, positionSize, maxPositions, bench, universe};
		const symbols = data.symbols.filter(s => s !== bench && (!universe || universe.includes(s)));
		const firstDate = data.dates[Math.max(1, data.dates.length - days)]!;
		journal.write({ts: nyTime(firstDate, 9, 30), type: 'session', event: 'start', mode: 'backtest', version: packageVersion(), symbols, strategy: 'rebalance'});
		const result = runRebalanceBacktest(data, params, journal);
		const lastDate = data.dates.at(-1)!;
		journal.write({ts: nyTime(lastDate, 16, 0), type: 'session', event: 'end', mode: 'backtest', version: packageVersion(), symbols, strategy: 'rebalance'});
		journal.close();
		journal = nullJournal;

		const totals = computeTotals(result);
		if (options.json) {
			io.stdout.write(`${JSON.stringify(toJsonReport(result, totals), null, 2)}\n`);
		} else {
			const width = options.width ?? (io.stdout.columns && io.stdout.columns > 0 ? io.stdout.columns : 100);
			io.stdout.write(
				formatTextReport(
					result,
					{width, color: options.color ?? io.stdout.isTTY === true, chartHeight: options.chartHeight ?? 12, journalPath: options.journal ?? null},
					totals,
				),
			);
		}
		return 0;
	} catch (error) {
		journal.close();
		if (error instanceof UsageError || error instanceof DailyDataError) {
			io.stderr.write(`scalp-tui backtest: ${oneLine(error)}\n`);
			return 2;
		}
		io.stderr.write(`scalp-tui backtest: unexpected failure: ${oneLine(error)}\n`);
		return 1;
	}
}
