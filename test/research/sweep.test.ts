/**
 * Sweeps: grids parse exactly (bad ones are one line, exit 2), a grid point is the plain
 * backtest with the same flags, the ranked table does not depend on the worker count, the
 * workers run from source (tsx) and from dist, and walk-forward never lets out-of-sample days
 * into the choice (a planted look-ahead that leakage would pick).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync} from 'node:fs';
import {join} from 'node:path';
import {spawnSync} from 'node:child_process';
import {PARAM_FLAGS} from '../../source/strategy-flags.js';
import {gridPoints, parseGrid} from '../../source/research/grid.js';
import type {JobResult, SweepJob} from '../../source/research/job.js';
import {runJobs, workerEntry} from '../../source/research/pool.js';
import {runJob} from '../../source/research/run-job.js';
import {makeJob, runSweep, type SweepConfig} from '../../source/research/sweep.js';
import {columnsFromBars} from '../../source/core/session-columns.js';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {makeWindows} from '../../source/research/walk-forward.js';
import {DEFAULT_SCALP_PARAMS} from '../../source/strategies/params.js';
import {bundledMinuteData} from '../../source/paths.js';
import {ROOT, runCli, runCliInProcess, scratchDir} from '../_helpers/cli.js';
import {micros, ZERO_MICROS} from '../../source/core/money.js';

test('grids: lists and FROM..TO:STEP ranges in exact integer units, sorted and distinct, in flag order', () => {
	const axes = parseGrid({takeProfit: '0.05,0.01,0.02,0.01', sma: '10..40:5', eod: '15:00..15:55:25m', staleBuy: '60s..3m:60s'});
	assert.deepEqual(
		axes.map(a => a.flag.flag),
		['sma', 'take-profit', 'stale-buy', 'eod'],
	);
	assert.deepEqual(axes[0]!.values, [10, 15, 20, 25, 30, 35, 40]);
	assert.deepEqual(axes[1]!.values, [10_000, 20_000, 50_000]);
	assert.deepEqual(axes[2]!.values, [60_000, 120_000, 180_000]);
	assert.deepEqual(
		axes[3]!.values.map(v => axes[3]!.flag.format(v)),
		['15:00', '15:25', '15:50'],
	);
	// 0.01..0.03:0.01 in micros: no float drift, the end is included.
	assert.deepEqual(parseGrid({takeProfit: '0.01..0.03:0.01'})[0]!.values, [10_000, 20_000, 30_000]);
	const points = gridPoints(parseGrid({sma: '10,20', takeProfit: '0.01,0.02'}));
	assert.deepEqual(points, [
		{sma: 10, takeProfit: 10_000},
		{sma: 10, takeProfit: 20_000},
		{sma: 20, takeProfit: 10_000},
		{sma: 20, takeProfit: 20_000},
	]);
	assert.equal(PARAM_FLAGS.length, 7);
});

test('bad grids and ranges: one line naming the flag, exit 2, nothing on stdout', async () => {
	const cases: [string[], string][] = [
		[['--sma', '10..40'], '--sma range "10..40" needs a step: FROM..TO:STEP'],
		[['--sma', '40..10:5'], '--sma range "40..10:5" runs backwards (40 > 10)'],
		[['--sma', '10..40:0'], '--sma must be a whole number from 1 to 390, got "0"'],
		[['--sma', '1..40:5'], '--sma must be a whole number from 2 to 390, got "1"'],
		[['--take-profit', '0.01,,0.02'], '--take-profit has an empty value in "0.01,,0.02"'],
		[['--take-profit', '0.01..x:0.01'], '--take-profit needs a dollar amount like 0.01, got "x"'],
		[['--eod', '15:00..15:55'], '--eod range "15:00..15:55" needs a step: FROM..TO:STEP'],
		[['--eod', '15:00..16:30:5m'], '--eod must be a New York time after 09:30 and at most 16:00, got "16:30"'],
		[['--sma', '2..390:1', '--take-profit', '0.01..3:0.01'], 'the grid has 116700 points; at most 100000'],
		[['--sma', '20', '--walk-forward', '10'], '--walk-forward needs IN:OUT trading days, e.g. 10:5, got "10"'],
		[['--sma', '20', '--walk-forward', '5:1'], '--walk-forward 5:1 needs more than 5 trading days; the data has 5'],
		[['--sma', '20', '--data', bundledMinuteData(), '--from', '2019-02-20'], 'no trading days between 2019-02-20 and the end in ' + bundledMinuteData()],
		[['--sma', '20', '--from', '2019-02-14', '--to', '2019-02-12'], '--from 2019-02-14 is after --to 2019-02-12'],
		[['--sma', '20', '--workers', '0'], '--workers must be a whole number >= 1, got 0'],
		[[], 'sweep needs at least one parameter to vary, e.g. --sma 10..40:5 --take-profit 0.01,0.02'],
		[['--sma', '20', '--hft-ratio', '2'], '--hft-ratio does not apply to sweep --strategy scalp'],
	];
	// In this process (the CLI's own exit route): the real binary's exit status 2 is test/faults/bad-inputs'.
	for (const [args, message] of cases) {
		const r = await runCliInProcess(['sweep', ...args]);
		assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
		assert.equal(r.stderr, `scalp-tui: ${message}\n`, args.join(' '));
		assert.equal(r.stdout, '');
	}
});

test('a grid point equals the plain backtest with the same flags (through the CLI, workers included)', async () => {
	const sweep = runCli(['sweep', 'TSLA', 'AAPL', '--sma', '15,30', '--take-profit', '0.01,0.03', '--stale-buy', '90s', '--json', '--workers', '2']);
	assert.equal(sweep.status, 0, sweep.stderr);
	const ranked = JSON.parse(sweep.stdout).ranked as {
		params: Record<string, string>;
		pnl: number;
		realized_pnl: number;
		round_trips: number;
		max_drawdown: number;
	}[];
	assert.equal(ranked.length, 4);
	const point = ranked.find(r => r.params.sma === '30' && r.params.take_profit === '0.03')!;
	const dir = scratchDir();
	// The plain backtest in this process (the CLI's own route); the sweep above is a real process with its workers.
	const plain = await runCliInProcess([
		'backtest',
		'TSLA',
		'AAPL',
		'--sma',
		'30',
		'--take-profit',
		'0.03',
		'--stale-buy',
		'90s',
		'--json',
		'--journal',
		join(dir, 'j.jsonl'),
	]);
	assert.equal(plain.status, 0, plain.stderr);
	const total = JSON.parse(plain.stdout).total;
	assert.equal(point.realized_pnl, total.realized_pnl);
	assert.equal(point.round_trips, total.round_trips);
	assert.equal(point.max_drawdown, total.max_drawdown);
	assert.equal(point.pnl.toFixed(6), (total.final_equity - total.start_cash).toFixed(6));
});

function config(walkForward: SweepConfig['walkForward'] = null, days = ['2019-02-11', '2019-02-12', '2019-02-13', '2019-02-14', '2019-02-15']): SweepConfig {
	return {
		axes: parseGrid({sma: '10,20,30', takeProfit: '0.01,0.05'}),
		base: {
			data: {kind: 'csv', paths: [bundledMinuteData()], symbols: ['AAPL', 'TSLA']},
			symbols: ['AAPL', 'TSLA'],
			cash: micros(100_000e6),
			lot: micros(2000e6),
			exitAfterMs: null,
			params: DEFAULT_SCALP_PARAMS,
		},
		days,
		allDays: true,
		walkForward,
	};
}

test('the same grid gives the same ranked table on 1 or 2 worker threads and in-process, whatever the completion order', async () => {
	const inProcess = async (jobs: readonly SweepJob[]) => {
		// Run in reverse to prove completion order does not matter.
		const out: JobResult[] = new Array(jobs.length);
		for (let i = jobs.length - 1; i >= 0; i--) out[i] = await runJob(jobs[i]!);
		return out;
	};
	const strip = (o: Awaited<ReturnType<typeof runSweep>>) => o.ranked.map(r => ({rank: r.rank, point: r.point, metrics: r.metrics}));
	const a = strip(await runSweep(config(), jobs => runJobs(jobs, {threads: 1})));
	const b = strip(await runSweep(config(), jobs => runJobs(jobs, {threads: 2})));
	const c = strip(await runSweep(config(), inProcess));
	assert.deepEqual(a, b);
	assert.deepEqual(a, c);
	assert.equal(a.length, 6);
	// Ranked by P&L, a total order.
	for (let i = 1; i < a.length; i++) assert.ok(a[i - 1]!.metrics.pnl >= a[i]!.metrics.pnl);
});

test('jobs are plain data: a JSON round trip of a job gives the same result', async () => {
	const outcome = await runSweep(config(), async jobs => {
		const direct = await Promise.all(jobs.map(j => runJob(j)));
		const viaJson = await Promise.all(jobs.map(j => runJob(JSON.parse(JSON.stringify(j)) as SweepJob)));
		assert.deepEqual(
			direct.map(r => r.metrics),
			viaJson.map(r => r.metrics),
		);
		return direct;
	});
	assert.equal(outcome.jobs, 6);
});

test('walk-forward: windows roll by the out-of-sample length; in-sample and out-of-sample never overlap', () => {
	const days = Array.from({length: 12}, (_, i) => `2020-01-${String(i + 1).padStart(2, '0')}`);
	const windows = makeWindows(days, {inSample: 4, outOfSample: 3});
	assert.deepEqual(
		windows.map(w => [w.inSample[0], w.inSample.at(-1), w.outOfSample[0], w.outOfSample.at(-1)]),
		[
			['2020-01-01', '2020-01-04', '2020-01-05', '2020-01-07'],
			['2020-01-04', '2020-01-07', '2020-01-08', '2020-01-10'],
			['2020-01-07', '2020-01-10', '2020-01-11', '2020-01-12'],
		],
	);
	for (const w of windows) {
		assert.ok(w.inSample.at(-1)! < w.outOfSample[0]!);
		assert.equal(w.inSample.length, 4);
	}
});

test('walk-forward with a planted look-ahead: a point that wins only on out-of-sample days is never chosen', async () => {
	const days = Array.from({length: 10}, (_, i) => `2020-02-${String(i + 3).padStart(2, '0')}`);
	const cfg = config({inSample: 4, outOfSample: 2}, days);
	const windows = makeWindows(days, cfg.walkForward!);
	const planted = 5; // sma 30, take-profit 0.05: the last point of the grid
	// Each window's out-of-sample days are planted with a huge gain for the planted point; on
	// every other day it loses a little and the rest earn a little, varying by point.
	const seenBy = new Map<string, readonly string[]>();
	const fake = async (jobs: readonly SweepJob[]): Promise<JobResult[]> =>
		jobs.map(job => {
			seenBy.set(job.id, job.days ?? days);
			let pnl = 0;
			for (const day of job.days ?? days) {
				const window = windows.find(w => job.id.startsWith(`w${w.index}-`))!;
				const plantedDay = windows.some(w => w.index >= window.index && w.outOfSample.includes(day) && !window.inSample.includes(day));
				pnl += job.point === planted ? (plantedDay ? 1000 : -1) : job.point / 100;
			}
			const metrics = {pnl, realizedPnl: pnl, roundTrips: 1, wins: 1, winRate: 1, maxDrawdown: 0, maxDrawdownPct: 0, timeInMarket: 0, bars: 1, sessions: 1};
			return {format: 1, id: job.id, point: job.point, metrics, runMs: 0, loadMs: 0};
		});
	const outcome = await runSweep(cfg, fake);
	const wf = outcome.walkForward!;
	assert.equal(wf.windows.length, windows.length);
	for (const o of wf.windows) {
		// Chosen on in-sample only: the best honest point (index 4), never the planted one.
		assert.equal(o.chosen, 4, `window ${o.window.index}`);
		// The selection jobs saw in-sample days only.
		for (let p = 0; p < 6; p++) assert.deepEqual(seenBy.get(`w${o.window.index}-is-p${p}`), o.window.inSample);
		assert.deepEqual(seenBy.get(`w${o.window.index}-oos-p4`), o.window.outOfSample);
	}
	// Had the choice seen the out-of-sample days, the planted point would have won.
	const leaky = await fake(
		gridPoints(cfg.axes).map((_, p) => ({
			format: 1,
			id: `w0-leak-p${p}`,
			point: p,
			data: cfg.base.data,
			days: [...windows[0]!.inSample, ...windows[0]!.outOfSample],
			symbols: [],
			cash: ZERO_MICROS,
			lot: ZERO_MICROS,
			exitAfterMs: null,
			params: DEFAULT_SCALP_PARAMS,
		})),
	);
	assert.equal([...leaky].sort((a, b) => b.metrics.pnl - a.metrics.pnl)[0]!.point, planted);
	assert.equal(wf.stability.sameSet, windows.length);
});

test('walk-forward on real bars: out-of-sample figures are the chosen point re-run on the out-of-sample days', async () => {
	const cfg = config({inSample: 2, outOfSample: 1});
	// Jobs run in this process: the pool gives the same results (the 1-or-2-threads test above).
	const outcome = await runSweep(cfg, async jobs => Promise.all(jobs.map(job => runJob(job))));
	const wf = outcome.walkForward!;
	assert.equal(wf.windows.length, 3);
	for (const o of wf.windows) {
		const again = await runJob({
			format: 1,
			id: 'check',
			point: o.chosen,
			data: cfg.base.data,
			days: o.window.outOfSample,
			symbols: cfg.base.symbols,
			cash: cfg.base.cash,
			lot: cfg.base.lot,
			exitAfterMs: null,
			params: {...DEFAULT_SCALP_PARAMS, smaWindow: outcome.points[o.chosen]!.sma!, takeProfit: micros(outcome.points[o.chosen]!.takeProfit!)},
		});
		assert.deepEqual(o.outOfSample, again.metrics);
		assert.equal(o.outOfSample.sessions, 1);
	}
	assert.equal(wf.total.sessions, 3);
	assert.equal(wf.total.pnl.toFixed(6), wf.windows.reduce((s, o) => s + o.outOfSample.pnl, 0).toFixed(6));
});

test('workers run from source (tsx bootstrap) and from the build (dist/research/worker.js)', () => {
	assert.match(workerEntry('file:///x/source/research/pool.ts'), /^data:text\/javascript,/);
	assert.equal(workerEntry('file:///x/dist/research/pool.js'), '/x/dist/research/worker.js');
	const dist = join(ROOT, 'dist/cli.js');
	if (!existsSync(join(ROOT, 'dist/research/worker.js'))) return; // not built (npm run build precedes npm test in CI)
	const args = ['sweep', 'TSLA', '--sma', '20,30', '--take-profit', '0.01,0.02', '--json', '--workers', '2'];
	const built = spawnSync(process.execPath, [dist, ...args], {cwd: scratchDir(), encoding: 'utf8', env: {...process.env, NO_COLOR: '1'}});
	assert.equal(built.status, 0, built.stderr);
	const fromSource = runCli(args, {fromSource: true});
	assert.equal(fromSource.status, 0, fromSource.stderr);
	assert.equal(built.stdout, fromSource.stdout);
});

test('the pool hands its threads the loaded bars as shared columns: no thread reads or parses them again', async () => {
	const sessions = columnsFromBars(toSessions(loadMinuteData([bundledMinuteData()], ['TSLA']).bars), true);
	assert.ok(sessions[0]!.open.buffer instanceof SharedArrayBuffer);
	// A reference no thread could load: the jobs can only run on the data handed over.
	const ref = {kind: 'csv' as const, paths: ['/nonexistent/never-read'], symbols: ['TSLA']};
	const base = {...config().base, data: ref, symbols: ['TSLA']};
	const jobs = [10, 20, 30].map((sma, i) => makeJob(base, `p${i}`, i, {sma}, null));
	const shared = await runJobs(jobs, {threads: 2, data: {ref, sessions, symbols: ['TSLA']}});
	const csv = {kind: 'csv' as const, paths: [bundledMinuteData()], symbols: ['TSLA']};
	const direct = await Promise.all(jobs.map(j => runJob({...j, data: csv})));
	assert.deepEqual(
		shared.map(r => r.metrics),
		direct.map(r => r.metrics),
	);
	assert.ok(direct.some(r => r.metrics.roundTrips > 0));
	for (const r of shared) assert.equal(r.loadMs, 0);
	await assert.rejects(runJobs(jobs.slice(0, 1), {threads: 1}), /never-read/);
});
