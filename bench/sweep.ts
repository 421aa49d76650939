/**
 * Sweep throughput: a 3 x 4 x 3 grid (sma x take-profit x stale-buy = 36 backtests) over
 * 1,014,000 synthetic minute bars (20 symbols x 130 sessions, written as CSV as a user would
 * have them), on one worker thread and on one per core; and the per-job overhead of a worker
 * (dispatch, structured clone of the job and result) measured on tiny jobs.
 */
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {performance} from 'node:perf_hooks';
import {syntheticSessions, weekdays} from '../source/adapters/sim/synthetic.js';
import {formatMicros, micros} from '../source/core/money.js';
import {bundledMinuteData} from '../source/paths.js';
import {parseGrid} from '../source/research/grid.js';
import {runJobs, type PoolData} from '../source/research/pool.js';
import {loadMinuteData, toSessions} from '../source/adapters/replay/minute-csv.js';
import {columnsFromBars} from '../source/core/session-columns.js';
import {makeJob, runSweep, type SweepConfig} from '../source/research/sweep.js';
import {DEFAULT_SCALP_PARAMS} from '../source/strategies/params.js';

const SYMBOLS = Array.from({length: 20}, (_, i) => `S${String(i).padStart(2, '0')}`);

function writeCsv(dir: string): number {
	const rows = new Map<string, string[]>(SYMBOLS.map(s => [s, ['timestamp,open,high,low,close,volume']]));
	let bars = 0;
	for (const session of syntheticSessions(SYMBOLS, weekdays('2019-01-07', 130), {seed: 7})) {
		for (const b of session.bars) {
			rows
				.get(b.symbol)!
				.push(`${new Date(b.start).toISOString()},${formatMicros(b.open)},${formatMicros(b.high)},${formatMicros(b.low)},${formatMicros(b.close)},${b.volume}`);
			bars += 1;
		}
	}
	for (const [symbol, lines] of rows) writeFileSync(join(dir, `${symbol}.csv`), lines.join('\n') + '\n');
	return bars;
}

/** The CSV read once in this thread, as the sweep command does, into shared columns. */
function loadShared(config: SweepConfig): PoolData {
	const ref = config.base.data as Extract<SweepConfig['base']['data'], {kind: 'csv'}>;
	const data = loadMinuteData(ref.paths, ref.symbols);
	return {ref, sessions: columnsFromBars(toSessions(data.bars), true), symbols: [...data.bars.keys()].sort()};
}

async function timedSweep(config: SweepConfig, threads: number, youngGenerationMb?: number) {
	const started = performance.now();
	// Process CPU time counts every thread: on a shared machine it tells contention (more CPU
	// for the same work) from waiting for a core (same CPU, longer wall).
	const cpu = process.cpuUsage();
	const data = loadShared(config);
	const loadSeconds = (performance.now() - started) / 1000;
	let runMs = 0;
	let loadMs = 0;
	const outcome = await runSweep(
		config,
		(jobs, onResult) => runJobs(jobs, {threads, data, youngGenerationMb, onResult: r => onResult(r)}),
		r => {
			runMs += r.runMs;
			loadMs += r.loadMs;
		},
	);
	const used = process.cpuUsage(cpu);
	return {seconds: (performance.now() - started) / 1000, cpuSeconds: (used.user + used.system) / 1e6, loadSeconds, runMs, loadMs, best: outcome.ranked[0]!};
}

export async function benchSweep(): Promise<string[]> {
	const lines: string[] = [];
	const cores = availableParallelism();
	lines.push(
		`machine: ${cores} cores, load average ${loadavg()
			.map(l => l.toFixed(1))
			.join(' / ')} at start`,
	);
	const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
	try {
		const bars = writeCsv(dir);
		const days = weekdays('2019-01-07', 130);
		const config: SweepConfig = {
			axes: parseGrid({sma: '15,20,30', takeProfit: '0.01,0.02,0.03,0.05', staleBuy: '60s,120s,180s'}),
			base: {
				data: {kind: 'csv', paths: [dir], symbols: SYMBOLS},
				symbols: SYMBOLS,
				cash: micros(1_000_000e6),
				lot: micros(2000e6),
				exitAfterMs: null,
				params: DEFAULT_SCALP_PARAMS,
			},
			days,
			allDays: true,
			walkForward: null,
		};
		const one = await timedSweep(config, 1);
		const all = await timedSweep(config, cores);
		const young = await timedSweep(config, cores, 64);
		const barRuns = bars * 36;
		const line = (label: string, r: typeof one) =>
			`  ${label}: ${r.seconds.toFixed(2)} s wall, ${r.cpuSeconds.toFixed(2)} s CPU all threads (CSV load once in the main thread ${r.loadSeconds.toFixed(2)} s, shared with the workers; backtests ${(r.runMs / 1000).toFixed(2)} s summed over workers = ${Math.round(barRuns / (r.runMs / 1000) / 1e3).toLocaleString('en-US')} k bars/s per worker)`;
		lines.push(`3 x 4 x 3 grid = 36 backtests of ${bars.toLocaleString('en-US')} bars (${(barRuns / 1e6).toFixed(1)} M bar-runs):`);
		lines.push(line('1 worker ', one));
		lines.push(line(`${cores} workers`, all));
		lines.push(line(`${cores} workers, young generation 64 MB`, young));
		lines.push(
			`  speed-up ${(one.seconds / all.seconds).toFixed(2)}x on ${cores} cores (${((one.seconds - one.loadSeconds) / (all.seconds - all.loadSeconds)).toFixed(2)}x for the backtests after the one load; ${(one.seconds / young.seconds).toFixed(2)}x with the 64 MB young generation); CPU ${(all.cpuSeconds / one.cpuSeconds).toFixed(2)}x of one worker's for the same work`,
		);
		lines.push(`  same best point both ways: ${one.best.point === all.best.point && one.best.metrics.pnl === all.best.metrics.pnl ? 'yes' : 'NO'}`);

		// Per-job overhead: 200 tiny jobs (one symbol, one day) on one warm worker.
		const tiny = {...config.base, data: {kind: 'csv' as const, paths: [bundledMinuteData()], symbols: ['TSLA']}, symbols: ['TSLA']};
		const jobs = Array.from({length: 201}, (_, i) => makeJob(tiny, `t${i}`, i, {}, ['2019-02-11']));
		const startedPool = performance.now();
		let firstBack = 0;
		const results = await runJobs(jobs, {
			threads: 1,
			onResult: (_r, done) => {
				if (done === 1) firstBack = performance.now();
			},
		});
		const ended = performance.now();
		const rest = results.slice(1);
		const inside = rest.reduce((sum, r) => sum + r.runMs + r.loadMs, 0);
		lines.push(
			`per-job worker overhead (200 tiny jobs, one warm worker): ${((ended - firstBack - inside) / rest.length).toFixed(2)} ms per job (dispatch + job/result copies), each job's backtest ${(inside / rest.length).toFixed(2)} ms; worker start-up + first data load ${(firstBack - startedPool).toFixed(0)} ms once per worker`,
		);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
	lines.push(
		`load average at the end ${loadavg()
			.map(l => l.toFixed(1))
			.join(' / ')}`,
	);
	return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchSweep()) console.log(line);
}
