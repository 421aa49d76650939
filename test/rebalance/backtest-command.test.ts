import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readDailyData} from '../../source/adapters/replay/daily-csv.js';
import {runRebalanceBacktestCommand} from '../../source/commands/rebalance-backtest.js';
import {readUniverseFile} from '../../source/adapters/replay/universe-file.js';
import {UserError} from '../../source/core/errors.js';
import {bundledUniverse} from '../../source/paths.js';
import {formatTextReport} from '../../source/backtest/rebalance/report-text.js';
import {runRebalanceBacktest} from '../../source/backtest/rebalance/runner.js';
import {lineChart, stretch, downsample, fillGaps} from '../../source/backtest/rebalance/chart.js';
import {parseMicros} from '../../source/core/money.js';
import {SAMPLE, makeData, sink, weekdays} from './helpers.js';

const io = () => ({stdout: sink(), stderr: sink()});

test('text report over the bundled sample: per-day table, totals, a plot, and "benchmark: none"', async () => {
	const out = io();
	const code = await runRebalanceBacktestCommand({width: 100}, out);
	assert.equal(code, 0, out.stderr.text());
	const text = out.stdout.text();
	assert.match(text, /^Rebalance backtest 2018-01-25 \.\. 2018-02-07 \(10 trading days, 105 symbols ranked\)/);
	assert.match(text, /benchmark: none \(SPY not in the data\)/);
	for (const label of ['return', 'max drawdown', 'trades', 'win rate', 'final equity']) assert.match(text, new RegExp(`\\n  ${label} `));
	const tableRows = text.split('\n').filter(l => /^\d{4}-\d{2}-\d{2} {2}/.test(l));
	assert.equal(tableRows.length, 10);
	assert.match(text, /[┤┼]/); // asciichart axis
	assert.ok(!/NaN|undefined/.test(text));
	for (const line of text.split('\n')) assert.ok(line.length <= 100, `too wide: ${line}`);
	assert.equal(out.stderr.text(), '');
});

test('--json prints the report as JSON, and a benchmark present in the data is used', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'rb-bench-'));
	const dates = readDailyData(SAMPLE).dates.slice(-40);
	const rows = ['date,open,high,low,close,volume'];
	dates.forEach((d, i) => {
		rows.push(`${d},${100 + i},${101 + i},${99 + i},${100 + i},1000`);
	});
	writeFileSync(join(dir, 'SPY.csv'), `${rows.join('\n')}\n`);
	const out = io();
	const code = await runRebalanceBacktestCommand({data: [SAMPLE, join(dir, 'SPY.csv')], json: true, days: '5'}, out);
	assert.equal(code, 0, out.stderr.text());
	const report = JSON.parse(out.stdout.text()) as {
		bench: string;
		symbols: number;
		days: Array<{date: string; bench_close: number | null; candidates: Array<{symbol: string}>}>;
		summary: Record<string, unknown>;
	};
	assert.equal(report.bench, 'SPY');
	assert.equal(report.symbols, 105); // SPY is not ranked
	assert.deepEqual(
		report.days.map(d => d.bench_close),
		[135, 136, 137, 138, 139],
	);
	assert.ok(report.days.every(d => !d.candidates.some(c => c.symbol === 'SPY')));
	assert.equal(report.summary.bench_return, Number((139 / 134 - 1).toFixed(9)));
});

test('bad input: a one-line UserError (exit 2), nothing printed, no journal written', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'rb-bad-'));
	const journal = join(dir, 'j.jsonl');
	const cases: Array<[Parameters<typeof runRebalanceBacktestCommand>[0], RegExp]> = [
		[{data: join(dir, 'missing')}, /data path does not exist/],
		[{days: 0}, /--days must be a whole number >= 1/],
		[{cash: '-5'}, /--cash must be greater than 0/],
		[{positionSize: 'lots'}, /--position-size needs a number/],
		[{maxPositions: 2.5}, /--max-positions must be a whole number/],
		[{universe: join(dir, 'nope.csv')}, /nope\.csv: cannot read \(ENOENT\)/],
	];
	writeFileSync(join(dir, 'bad.csv'), 'date,open,high,low,close,volume\n2018-01-02,1,1,1,x,1\n');
	cases.push([{data: join(dir, 'bad.csv')}, /bad\.csv:2: malformed close "x"/]);
	for (const [options, message] of cases) {
		const out = io();
		await assert.rejects(runRebalanceBacktestCommand({...options, journal}, out), error => {
			assert.ok(error instanceof UserError, JSON.stringify(options));
			assert.equal(error.exitCode, 2);
			assert.match(error.message, message);
			assert.ok(!error.message.includes('\n'));
			return true;
		});
		assert.equal(out.stdout.text() + out.stderr.text(), '');
	}
	assert.ok(!existsSync(journal));
});

test('--journal writes session start, orders and fills, session end', async () => {
	const dir = mkdtempSync(join(tmpdir(), 'rb-journal-'));
	const path = join(dir, 'j.jsonl');
	const code = await runRebalanceBacktestCommand({journal: path, json: true}, io());
	assert.equal(code, 0);
	const records = readFileSync(path, 'utf8')
		.trim()
		.split('\n')
		.map(l => JSON.parse(l) as {type: string; ts: string; event?: string});
	assert.equal(records[0]!.type, 'session');
	assert.equal(records[0]!.event, 'start');
	assert.equal(records.at(-1)!.event, 'end');
	assert.ok(records.some(r => r.type === 'order_submitted'));
	assert.ok(records.every(r => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(r.ts)));
});

test('the bundled universe is the 505 tickers of all_stocks_5yr', () => {
	const symbols = readUniverseFile(bundledUniverse());
	assert.equal(symbols.length, 505);
	assert.ok(symbols.includes('AAPL') && symbols.includes('BRK.B') && symbols.includes('ZTS'));
	const sample = readDailyData(SAMPLE);
	for (const s of sample.symbols) assert.ok(symbols.includes(s), s);
});

test('chart helpers never hand asciichart an empty or non-finite series', () => {
	assert.equal(lineChart([], {height: 5, width: 60}), '');
	assert.equal(lineChart([[Number.NaN]], {height: 5, width: 60}), '');
	assert.ok(lineChart([[1, Number.NaN, 2]], {height: 5, width: 60}).length > 0);
	assert.deepEqual(fillGaps([null, 2, null, 3]), [2, 2, 2, 3]);
	assert.equal(fillGaps([null, null]), null);
	assert.deepEqual(downsample([0, 1, 2, 3, 4, 5, 6, 7, 8], 3), [0, 4, 8]);
	assert.deepEqual(stretch([0, 4], 5), [0, 1, 2, 3, 4]);
	// A flat curve (range 0) still plots.
	assert.ok(lineChart([[0, 0, 0]], {height: 4, width: 60}).includes('┼'));
});

test('a backtest that cannot trade still reports cleanly', () => {
	const dates = weekdays('2018-01-01', 3);
	const data = makeData(dates, {A: [1, 2, 3]});
	const result = runRebalanceBacktest(data, {
		days: 10,
		cash: parseMicros('500'),
		positionSize: parseMicros('100'),
		maxPositions: 5,
		bench: 'SPY',
		universe: null,
	});
	assert.equal(result.days.length, 2);
	const text = formatTextReport(result, {width: 80});
	assert.match(text, /return\s+0\.00%/);
	assert.ok(!/NaN/.test(text));
});
