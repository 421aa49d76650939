/**
 * `scalp-tui backtest --strategy rebalance`: backtest the daily mean-reversion rebalancer over
 * daily bars and print a report.
 *
 * Wiring (source/cli.tsx): `runRebalanceBacktestCommand(options, {stdout, stderr})` resolves to 0;
 * bad input throws a UserError (the CLI prints its one line and exits 2) before anything is written.
 *
 * Options (every field optional; strings are accepted for numbers so meow flags pass through):
 *
 *   data          string | string[]  --data: daily CSV file(s) or folder(s) of them.
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
 *   journal       string | null      --journal PATH: append the run's journal;
 *                                    null/undefined = no journal.
 *   width         number             text report width (default: stdout columns, else 100).
 *   color         boolean            ANSI colors in the chart (default: stdout is a TTY).
 *   chartHeight   number             chart rows (default 12).
 */
import {reportJson} from '../core/json-keys.js';
import {nyTime} from '../core/time.js';
import {UsageError} from '../core/errors.js';
import {readDailyData} from '../adapters/replay/daily-csv.js';
import {readUniverseFile} from '../adapters/replay/universe-file.js';
import {computeTotals} from '../backtest/rebalance/metrics.js';
import {toJsonReport} from '../backtest/rebalance/report-json.js';
import {formatTextReport} from '../backtest/rebalance/report-text.js';
import {runRebalanceBacktest} from '../backtest/rebalance/runner.js';
import {openJournal} from '../journal/open.js';
import type {Journal} from '../journal/records.js';
import {nullJournal, sessionRecord} from '../journal/records.js';
import {positiveDollars, symbolFlag, wholeNumber} from '../config.js';
import {bundledDailyData, packageVersion} from '../paths.js';
import type {TextIo} from './shared.js';
import {DEFAULTS} from '../cli/defaults.js';

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

const BACKTEST_DEFAULTS = DEFAULTS.rebalance;

/** Upper-case benchmark symbol, or null for none ('', 'none', null). */
export function benchOption(value: string | null | undefined, fallback: string | null): string | null {
	if (value === undefined) return fallback;
	if (value === null || value.trim() === '' || value.trim().toUpperCase() === 'NONE') return null;
	return symbolFlag('bench', value);
}

/** Runs the backtest and prints its report; bad input throws a UserError before anything is written. */
export async function runRebalanceBacktestCommand(options: RebalanceBacktestCommandOptions, io: TextIo): Promise<number> {
	const days = wholeNumber('days', options.days ?? BACKTEST_DEFAULTS.days, 1);
	const cash = positiveDollars('cash', options.cash ?? BACKTEST_DEFAULTS.cashUsd);
	const positionSize = positiveDollars('position-size', options.positionSize ?? BACKTEST_DEFAULTS.positionSizeUsd);
	const maxPositions = wholeNumber('max-positions', options.maxPositions ?? BACKTEST_DEFAULTS.maxPositions, 1);
	const bench = benchOption(options.bench, BACKTEST_DEFAULTS.bench);
	const universe = options.universe ? readUniverseFile(options.universe) : null;
	const dataPaths = options.data === undefined || (Array.isArray(options.data) && options.data.length === 0) ? bundledDailyData() : options.data;
	const data = readDailyData(dataPaths);
	if (data.dates.length < 2) throw new UsageError('daily data needs at least two trading days to backtest');

	const journal: Journal = options.journal ? openJournal(options.journal, 'buffered') : nullJournal;
	let result;
	try {
		const params = {days, cash, positionSize, maxPositions, bench, universe};
		const symbols = data.symbols.filter(s => s !== bench && (!universe || universe.includes(s)));
		const firstDate = data.dates[Math.max(1, data.dates.length - days)]!;
		journal.write(sessionRecord(nyTime(firstDate, 9, 30), 'start', 'backtest', packageVersion(), symbols, {strategy: 'rebalance'}));
		result = runRebalanceBacktest(data, params, journal);
		const lastDate = data.dates.at(-1)!;
		journal.write(sessionRecord(nyTime(lastDate, 16, 0), 'end', 'backtest', packageVersion(), symbols, {strategy: 'rebalance'}));
	} finally {
		journal.close();
	}

	const totals = computeTotals(result);
	if (options.json) {
		io.stdout.write(reportJson(toJsonReport(result, totals)));
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
}
