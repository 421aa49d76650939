/**
 * Benchmark: the rebalance backtest over five years of ~500 symbols, every trading day.
 *
 *   node --import tsx bench/rebalance.ts
 *
 * With SCALP_TUI_DAILY_FULL pointing at all_stocks_5yr.csv (or a folder of daily CSVs) it runs
 * on that; otherwise on a seeded synthetic set of 500 symbols x 1,259 trading days generated in
 * memory as CSV text (the same reader and runner as real data). Reports parse, backtest and total
 * seconds; the target for the whole is under 2 s.
 */
import {pathToFileURL} from 'node:url';
import {parseDailyCsv, readDailyData} from '../source/adapters/replay/daily-csv.js';
import {computeTotals} from '../source/backtest/rebalance/metrics.js';
import {formatTextReport} from '../source/backtest/rebalance/report-text.js';
import {runRebalanceBacktest} from '../source/backtest/rebalance/runner.js';
import {parseMicros} from '../source/core/money.js';
import type {DailyDataSet} from '../source/core/daily-bars.js';
import {seededRandom} from '../source/adapters/sim/synthetic.js';

const SYMBOLS = 500;
const DAYS = 1259;

const rng = seededRandom;

function tradingDays(start: string, n: number): string[] {
	const out: string[] = [];
	let t = Date.parse(`${start}T12:00:00Z`);
	while (out.length < n) {
		const d = new Date(t);
		if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6) out.push(d.toISOString().slice(0, 10));
		t += 86_400_000;
	}
	return out;
}

/** all_stocks_5yr-shaped CSV text: random walks with cent prices, sorted by symbol then date. */
export function syntheticDailyCsv(symbols = SYMBOLS, days = DAYS, seed = 20130208): string {
	const random = rng(seed);
	const dates = tradingDays('2013-02-08', days);
	const parts: string[] = ['date,open,high,low,close,volume,Name\n'];
	for (let s = 0; s < symbols; s++) {
		const name = `S${String(s).padStart(3, '0')}`;
		let cents = Math.round(1000 + random() * 20000);
		for (const date of dates) {
			const open = Math.max(100, cents + Math.round((random() - 0.5) * cents * 0.01));
			const close = Math.max(100, open + Math.round((random() - 0.5) * open * 0.04));
			const high = Math.max(open, close) + Math.round(random() * 50);
			const low = Math.max(1, Math.min(open, close) - Math.round(random() * 50));
			const vol = Math.round(random() * 5_000_000);
			parts.push(`${date},${open / 100},${high / 100},${low / 100},${close / 100},${vol},${name}\n`);
			cents = close;
		}
	}
	return parts.join('');
}

export async function benchRebalance(): Promise<string[]> {
	const full = process.env.SCALP_TUI_DAILY_FULL;
	const lines: string[] = [];
	let data: DailyDataSet;
	let source: string;
	const t0 = performance.now();
	let generated = 0;
	if (full) {
		data = readDailyData(full);
		source = full;
	} else {
		const text = syntheticDailyCsv();
		generated = performance.now() - t0; // generating the text is not part of the measure
		data = parseDailyCsv(text, 'synthetic.csv');
		source = `synthetic ${SYMBOLS} symbols x ${DAYS} days (seeded, ${(text.length / 1e6).toFixed(1)} MB of CSV)`;
	}
	const t1 = performance.now();
	const parseMs = t1 - t0 - generated;
	const result = runRebalanceBacktest(data, {
		days: data.dates.length,
		cash: parseMicros('500'),
		positionSize: parseMicros('100'),
		maxPositions: 5,
		bench: 'SPY',
		universe: null,
	});
	const t2 = performance.now();
	const totals = computeTotals(result);
	const report = formatTextReport(result, {width: 100}, totals);
	const t3 = performance.now();
	const runMs = t2 - t1;
	const reportMs = t3 - t2;
	const total = parseMs + runMs + reportMs;
	lines.push(`rebalance backtest: ${source}`);
	lines.push(`  data: ${data.symbols.length} symbols, ${data.dates.length} trading days; backtested ${totals.days} days, ${totals.fills} fills`);
	lines.push(`  load/parse ${(parseMs / 1000).toFixed(3)} s, backtest ${(runMs / 1000).toFixed(3)} s, report ${(reportMs / 1000).toFixed(3)} s`);
	lines.push(`  total ${(total / 1000).toFixed(3)} s (target < 2 s) ${total < 2000 ? 'OK' : 'OVER'}; report ${report.length} chars`);
	return lines;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchRebalance()) console.log(line);
}
