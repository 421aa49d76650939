/**
 * Sweeping the tick-taker (`sweep --strategy hft`): a grid point is the plain
 * `backtest --strategy hft` with the same flags, order for order; the table does not depend on
 * the worker count; walk-forward windows are trading days of the tape; bad grids are one line,
 * exit 2.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {copyFileSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadTicks} from '../../source/adapters/replay/ticks.js';
import {runHftBacktest} from '../../source/backtest/hft-backtest.js';
import {openJournal} from '../../source/journal/open.js';
import {parseGrid} from '../../source/research/grid.js';
import {runJobs} from '../../source/research/pool.js';
import {hftJobConfig, runJob} from '../../source/research/run-job.js';
import {makeJob, runSweep, type HftSweepBase, type SweepConfig} from '../../source/research/sweep.js';
import {shareTape, tapeDays, tapeOnDays} from '../../source/research/tick-days.js';
import {DEFAULT_HFT_PARAMS} from '../../source/strategies/params.js';
import {bundledTickData} from '../../source/paths.js';
import {dollarsToMicros} from '../../source/core/money.js';
import {runCli, runCliInProcess, scratchDir} from '../_helpers/cli.js';

const SAMPLE = 'AMZN_2012-06-21_34200000_37800000';

/** The bundled session copied under other dates: multi-day tick data for walk-forward. */
function multiDayTicks(dates: readonly string[]): string {
	const dir = scratchDir();
	for (const date of dates) {
		for (const part of ['message', 'orderbook']) {
			copyFileSync(join(bundledTickData(), `${SAMPLE}_${part}_1.csv`), join(dir, `AMZN_${date}_34200000_37800000_${part}_1.csv`));
		}
	}
	return dir;
}

/** Order records of a journal file, without the run id (each run draws its own). */
function orderLines(path: string): unknown[] {
	return readFileSync(path, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(line => JSON.parse(line) as {type: string; run?: string})
		.filter(r => r.type === 'order_submitted' || r.type === 'order_update')
		.map(({run: _run, ...rest}) => rest);
}

function hftBase(paths: readonly string[] = [bundledTickData()]): HftSweepBase {
	return {
		strategy: 'hft',
		data: {kind: 'ticks', paths, symbols: []},
		symbols: ['AMZN'],
		cash: dollarsToMicros(100_000),
		hftQty: 500,
		params: DEFAULT_HFT_PARAMS,
	};
}

test('an hft grid point is the plain tick backtest with the same flags, order for order', async () => {
	const dir = scratchDir();
	const plainJournal = join(dir, 'plain.jsonl');
	// The plain backtest in this process (the CLI's own route); the sweep below is a real process with its workers.
	const plain = await runCliInProcess(['backtest', '--strategy', 'hft', '--hft-ratio', '1.5', '--hft-size', '200', '--json', '--journal', plainJournal]);
	assert.equal(plain.status, 0, plain.stderr);
	// The job the sweep makes for that point, run by the worker's own configuration.
	const axes = parseGrid({hftRatio: '1.2..2.4:0.3', hftSize: '100,200'});
	const job = makeJob(hftBase(), 'p3', 3, {hftRatio: 1500, hftSize: 200}, null);
	assert.deepEqual(job.params, {ratio: 1.5, size: 200});
	assert.deepEqual(axes[0]!.values, [1200, 1500, 1800, 2100, 2400]);
	const tape = loadTicks([bundledTickData()]).tape;
	const jobJournal = join(dir, 'job.jsonl');
	const journal = openJournal(jobJournal, 'buffered');
	runHftBacktest({...hftJobConfig(job, tapeOnDays(tape, job.days)), journal});
	journal.close();
	const orders = orderLines(plainJournal);
	assert.ok(orders.length >= 10, `the point trades (${orders.length} order records)`);
	assert.deepEqual(orderLines(jobJournal), orders);

	// And through the CLI and the worker threads: the point's figures are the plain report's.
	const sweep = runCli(['sweep', '--strategy', 'hft', '--hft-ratio', '1.2..2.4:0.3', '--hft-size', '100,200', '--json', '--workers', '2']);
	assert.equal(sweep.status, 0, sweep.stderr);
	const body = JSON.parse(sweep.stdout) as {
		strategy: string;
		ranked: {params: Record<string, string>; pnl: number; realized_pnl: number; max_drawdown: number; round_trips: number}[];
	};
	assert.equal(body.strategy, 'hft');
	assert.equal(body.ranked.length, 10);
	const point = body.ranked.find(r => r.params.hft_ratio === '1.5' && r.params.hft_size === '200')!;
	const total = (
		JSON.parse(plain.stdout) as {total: {realized_pnl: number; max_drawdown: number; round_trips: number; final_equity: number; start_cash: number}}
	).total;
	assert.equal(point.realized_pnl, total.realized_pnl);
	assert.equal(point.max_drawdown, total.max_drawdown);
	assert.equal(point.round_trips, total.round_trips);
	assert.equal(point.pnl.toFixed(6), (total.final_equity - total.start_cash).toFixed(6));
});

test('an hft sweep ranks the same on 1 or 2 worker threads, in-process, and from shared or loaded ticks', async () => {
	const config: SweepConfig<HftSweepBase> = {
		axes: parseGrid({hftRatio: '1.2,1.8,2.4', hftSize: '100,200'}),
		base: hftBase(),
		days: ['2012-06-21'],
		allDays: true,
		walkForward: null,
	};
	const strip = (o: Awaited<ReturnType<typeof runSweep>>) => o.ranked.map(r => ({rank: r.rank, point: r.point, metrics: r.metrics}));
	const data = {ref: config.base.data, tape: shareTape(loadTicks([bundledTickData()]).tape)};
	assert.ok(data.tape.ms.buffer instanceof SharedArrayBuffer);
	const one = strip(await runSweep(config, jobs => runJobs(jobs, {threads: 1})));
	const two = strip(await runSweep(config, jobs => runJobs(jobs, {threads: 2, data})));
	const inProcess = strip(
		await runSweep(config, async jobs => Promise.all([...jobs].reverse().map(j => runJob(JSON.parse(JSON.stringify(j))))).then(r => r.reverse())),
	);
	assert.deepEqual(one, two);
	assert.deepEqual(one, inProcess);
	assert.equal(one.length, 6);
	assert.ok(new Set(one.map(r => r.metrics.pnl)).size > 1, 'the points differ');

	const cli = (workers: string) => runCli(['sweep', '--strategy', 'hft', '--hft-ratio', '1.2..2.4:0.3', '--hft-size', '100,200', '--workers', workers]);
	const a = cli('1');
	const b = cli('2');
	assert.equal(a.status, 0, a.stderr);
	assert.equal(a.stdout, b.stdout);
});

test('hft walk-forward: windows are trading days of the tape; out-of-sample is the plain backtest of that day', async () => {
	const dates = ['2012-06-21', '2012-06-22', '2012-06-25', '2012-06-26'];
	const dir = multiDayTicks(dates);
	const tape = loadTicks([dir]).tape;
	assert.deepEqual(
		tapeDays(tape).map(d => d.date),
		dates,
	);
	// A window's days are one range of the tape (views), a scattered set a copy: same events.
	const day = tapeOnDays(tape, ['2012-06-25']);
	const scattered = tapeOnDays(tape, ['2012-06-21', '2012-06-25']);
	assert.equal(scattered.length, 2 * day.length);
	assert.deepEqual([...scattered.ms.subarray(day.length)], [...day.ms]);

	const r = runCli(['sweep', '--strategy', 'hft', '--data', dir, '--hft-ratio', '1.2,1.8,2.4', '--hft-size', '100,200', '--walk-forward', '2:1', '--json']);
	assert.equal(r.status, 0, r.stderr);
	const wf = (
		JSON.parse(r.stdout) as {
			walk_forward: {
				windows: {in_sample: string[]; out_of_sample: string[]; chosen: Record<string, string>; out_of_sample_metrics: {pnl: number; max_drawdown: number}}[];
			};
		}
	).walk_forward;
	assert.deepEqual(
		wf.windows.map(w => [w.in_sample, w.out_of_sample]),
		[
			[['2012-06-21', '2012-06-22'], ['2012-06-25']],
			[['2012-06-22', '2012-06-25'], ['2012-06-26']],
		],
	);
	for (const w of wf.windows) {
		const oosDay = w.out_of_sample[0]!;
		const files = ['message', 'orderbook'].map(part => join(dir, `AMZN_${oosDay}_34200000_37800000_${part}_1.csv`));
		const plain = await runCliInProcess([
			'backtest',
			'--strategy',
			'hft',
			'--data',
			files[0]!,
			'--data',
			files[1]!,
			'--hft-ratio',
			w.chosen.hft_ratio!,
			'--hft-size',
			w.chosen.hft_size!,
			'--json',
		]);
		assert.equal(plain.status, 0, plain.stderr);
		const total = (JSON.parse(plain.stdout) as {total: {final_equity: number; start_cash: number; max_drawdown: number}}).total;
		assert.equal(w.out_of_sample_metrics.pnl.toFixed(6), (total.final_equity - total.start_cash).toFixed(6));
		assert.equal(w.out_of_sample_metrics.max_drawdown, total.max_drawdown);
	}
});

test('bad hft sweeps: one line naming the problem, exit 2, nothing on stdout', async () => {
	const cases: [string[], string][] = [
		[['--strategy', 'hft'], 'sweep --strategy hft needs at least one parameter to vary, e.g. --hft-ratio 1.2..2.4:0.3 --hft-size 100,200'],
		[['--strategy', 'hft', '--hft-ratio', '1.2..2.4'], '--hft-ratio range "1.2..2.4" needs a step: FROM..TO:STEP'],
		[['--strategy', 'hft', '--hft-ratio', '2.4..1.2:0.3'], '--hft-ratio range "2.4..1.2:0.3" runs backwards (2.4 > 1.2)'],
		[['--strategy', 'hft', '--hft-ratio', '0.5,1.8'], '--hft-ratio must be from 1 to 1000, got "0.5"'],
		[['--strategy', 'hft', '--hft-ratio', '1.2..2.4:0.0001'], '--hft-ratio step must be a positive number with at most 3 decimals, got "0.0001"'],
		[['--strategy', 'hft', '--hft-size', '100,,200'], '--hft-size has an empty value in "100,,200"'],
		[['--strategy', 'hft', '--hft-size', '0..200:100'], '--hft-size must be a whole number from 1 to 1000000, got "0"'],
		[['--strategy', 'hft', '--hft-size', '100..1000:100'], '--hft-qty (500) must be at least --hft-size (1000)'],
		[['--strategy', 'hft', '--hft-size', '100', '--sma', '20'], '--sma does not apply to sweep --strategy hft'],
		[['--strategy', 'hft', '--hft-size', '100', '--from', '2012-06-21'], '--from does not apply to sweep --strategy hft'],
		[['--strategy', 'hft', '--hft-size', '100', '--walk-forward', '1:1'], '--walk-forward 1:1 needs more than 1 trading days; the data has 1'],
		[['--strategy', 'hft', '--hft-size', '100', 'MSFT'], `no tick data for MSFT in ${bundledTickData()}`],
		[['--strategy', 'rebalance', '--hft-size', '100'], '--strategy must be scalp or hft for sweep, got "rebalance"'],
		[['--sma', '20', '--hft-size', '100'], '--hft-size does not apply to sweep --strategy scalp'],
	];
	// In this process (the CLI's own exit route): the real binary's exit status 2 is test/faults/bad-inputs'.
	for (const [args, message] of cases) {
		const r = await runCliInProcess(['sweep', ...args]);
		assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stderr, `scalp-tui: ${message}\n`, args.join(' '));
		assert.equal(r.stdout, '');
	}
});
