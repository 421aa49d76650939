/**
 * Sweep throughput: a 3 x 4 x 3 grid (sma x take-profit x stale-buy = 36 backtests) over 20
 * synthetic symbols' minute bars, read from the bar cache (Arrow files this bench writes, as
 * `data fetch` would) the way `sweep --from/--to` reads them: once, in the main thread, into
 * shared columns every worker replays. Two sizes: 130 sessions (1,014,000 bars) and 260 (a
 * year, 2,028,000 bars), because the 2-core overhead is a fixed cost (each thread compiles the
 * same code; the load is serial) that a longer sweep spreads thinner.
 *
 * Three runs per round, rounds alternating so a neighbour's load hits each alike: the sweep
 * on one core (every thread of the process moved onto CPU 0 with taskset: the workers, V8's
 * compiler and GC threads, the load), one worker (which still has the second core for those
 * helpers and the load), and one worker per core. Wall time includes the load. Also the
 * per-job overhead of a worker (dispatch, structured clone of the job and result) on tiny jobs.
 *
 * The pool is the built one (dist/research/pool.js, whose threads start dist's worker.js), as
 * `scalp-tui sweep` runs it; dist/ is built first when stale. From source, each thread would
 * compile the TypeScript it imports through tsx (~0.3 s more per thread start).
 */
import {spawnSync} from 'node:child_process';
import {mkdtempSync, rmSync} from 'node:fs';
import {availableParallelism, loadavg, tmpdir} from 'node:os';
import {join} from 'node:path';
import {pathToFileURL} from 'node:url';
import {performance} from 'node:perf_hooks';
import {loadBars} from '../source/adapters/cache/load.js';
import {writePeriod} from '../source/adapters/cache/store.js';
import {syntheticSessions, weekdays} from '../source/adapters/sim/synthetic.js';
import type {Bar} from '../source/core/types.js';
import {micros} from '../source/core/money.js';
import {bundledMinuteData} from '../source/paths.js';
import {parseGrid} from '../source/research/grid.js';
import type {DataRef} from '../source/research/job.js';
import type {PoolData} from '../source/research/pool.js';
import {staleDistFile} from '../scripts/dist-current.mjs';
import {makeJob, runSweep, type ScalpSweepBase, type SweepConfig, type SweepOutcome} from '../source/research/sweep.js';
import {affinity, pinTo, threadCpu, threadTimes} from './thread-cpu.js';
import {DEFAULT_SCALP_PARAMS} from '../source/strategies/params.js';

const SYMBOLS = Array.from({length: 20}, (_, i) => `S${String(i).padStart(2, '0')}`);
/** Sessions per size (BENCH_SWEEP_DAYS, comma-separated, to run other sizes). */
const SIZES = (process.env.BENCH_SWEEP_DAYS ?? '130,260').split(',').map(Number);

/** The synthetic bars of these days written to a bar cache, one Arrow file per symbol and month. */
function writeCache(cacheDir: string, days: readonly string[]): number {
	const from = days[0]!;
	const to = days[days.length - 1]!;
	const byKey = new Map<string, Bar[]>();
	for (const session of syntheticSessions(SYMBOLS, days, {seed: 7})) {
		for (const b of session.bars) {
			const key = `${b.symbol}|${session.date.slice(0, 7)}`;
			let list = byKey.get(key);
			if (!list) byKey.set(key, (list = []));
			list.push(b);
		}
	}
	let bars = 0;
	for (const [key, list] of byKey) {
		const [symbol, month] = key.split('|') as [string, string];
		const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
		const covered: [string, string] = [`${month}-01` < from ? from : `${month}-01`, last > to ? to : last];
		writePeriod(cacheDir, {symbol, timeframe: '1Min', feed: 'iex', adjustment: 'raw'}, month, list, covered);
		bars += list.length;
	}
	return bars;
}

type Pools = Pick<typeof import('../source/research/pool.js'), 'runJobs' | 'startPool'>;

/** The product's pool (see the module comment), dist/ built first when stale. */
async function builtPool(): Promise<Pools> {
	const root = join(import.meta.dirname, '..');
	if (staleDistFile(root) !== null) {
		// The project's build (npm run build), which also marks the bin executable.
		const build = spawnSync(process.execPath, [join(root, 'scripts/build.mjs')], {stdio: 'inherit'});
		if (build.status !== 0) throw new Error('npm run build failed');
	}
	return (await import(pathToFileURL(join(root, 'dist/research/pool.js')).href)) as Pools;
}

/** The cache read once in this thread, as the sweep command does, into shared columns. */
function loadShared(ref: Extract<DataRef, {kind: 'cache'}>): PoolData {
	const loaded = loadBars({symbols: ref.symbols, from: ref.from, to: ref.to, cacheDir: ref.cacheDir, shared: true});
	return {ref, sessions: loaded.columns, symbols: [...loaded.symbols]};
}

/** As `scalp-tui sweep` does: the threads start, the cache loads meanwhile, the jobs run. */
async function timedSweep(pools: Pools, config: SweepConfig, threads: number) {
	const faults = process.resourceUsage().minorPageFault;
	const timesBefore = threadTimes();
	const started = performance.now();
	// Process CPU time counts every thread: on a shared machine it tells contention (more CPU
	// for the same work) from waiting for a core (same CPU, longer wall).
	const cpu = process.cpuUsage();
	// The command runs as plain `node dist/cli.js`: its threads start with no node flags. This
	// bench runs under `--import tsx`, which built threads would inherit (tsx loaded again in each,
	// ~70 ms more CPU per start, while the cache loads).
	const pool = pools.startPool({threads, nodeFlags: []});
	const data = loadShared(config.base.data as Extract<DataRef, {kind: 'cache'}>);
	const loadSeconds = (performance.now() - started) / 1000;
	const jobFaults = process.resourceUsage().minorPageFault;
	let runMs = 0;
	let outcome: SweepOutcome;
	let timesAfter: Map<number, number> | null;
	try {
		outcome = await runSweep(
			config,
			(jobs, onResult) => pool.run(jobs, {data, onResult: r => onResult(r)}),
			r => {
				runMs += r.runMs;
			},
		);
		// Before the pool ends: its threads' times go with them.
		timesAfter = threadTimes();
	} finally {
		await pool.destroy();
	}
	const used = process.cpuUsage(cpu);
	return {
		// Page faults of the process (every thread): the cache load's, then the pool's (threads and jobs).
		loadFaults: jobFaults - faults,
		faults: process.resourceUsage().minorPageFault - jobFaults,
		seconds: (performance.now() - started) / 1000,
		cpuSeconds: (used.user + used.system) / 1e6,
		byThread: timesBefore && timesAfter ? threadCpu(timesBefore, timesAfter) : null,
		loadSeconds,
		runMs,
		best: outcome.ranked[0]!,
		load1: loadavg()[0]!,
	};
}

type Timed = Awaited<ReturnType<typeof timedSweep>>;

/** One size: its cache written, then the rounds of one core / one worker / one per core. */
async function benchSize(pools: Pools, dir: string, sessions: number, cores: number, rounds: number): Promise<string[]> {
	const lines: string[] = [];
	const days = weekdays('2019-01-07', sessions);
	const from = days[0]!;
	const to = days[days.length - 1]!;
	const cacheDir = join(dir, `cache-${sessions}`);
	const bars = writeCache(cacheDir, days);
	const config: SweepConfig = {
		axes: parseGrid({sma: '15,20,30', takeProfit: '0.01,0.02,0.03,0.05', staleBuy: '60s,120s,180s'}),
		base: {
			data: {kind: 'cache', cacheDir, symbols: SYMBOLS, from, to},
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
	const allCpus = cores > 1 ? affinity() : null;
	const pinned: Timed[] = [];
	const ones: Timed[] = [];
	const alls: Timed[] = [];
	for (let r = 0; r < rounds; r++) {
		if (allCpus !== null && pinTo('0')) {
			try {
				pinned.push(await timedSweep(pools, config, 1));
			} finally {
				pinTo(allCpus);
			}
		}
		ones.push(await timedSweep(pools, config, 1));
		alls.push(await timedSweep(pools, config, cores));
	}
	const barRuns = bars * 36;
	const fastest = (runs: Timed[]) => runs.reduce((a, b) => (b.seconds < a.seconds ? b : a));
	const one = fastest(ones);
	const all = fastest(alls);
	const core = pinned.length > 0 ? fastest(pinned) : null;
	const cpuText = (r: Timed) => {
		const t = r.byThread;
		if (!t) return `${r.cpuSeconds.toFixed(2)} s CPU all threads`;
		const workers = t.workers.map(w => w.toFixed(2)).join(' + ');
		return `${r.cpuSeconds.toFixed(2)} s CPU: workers ${workers} s, main thread ${t.main.toFixed(2)} s, V8 compiler/GC helper threads ${t.helpers.toFixed(2)} s`;
	};
	const line = (label: string, r: Timed) =>
		`  ${label}: ${r.seconds.toFixed(2)} s wall, ${cpuText(r)} (threads started, then the cache loaded once in the main thread meanwhile ${r.loadSeconds.toFixed(2)} s, shared with the workers; backtests ${(r.runMs / 1000).toFixed(2)} s summed over workers = ${Math.round(barRuns / (r.runMs / 1000) / 1e3).toLocaleString('en-US')} k bars/s per worker; page faults: load ${r.loadFaults.toLocaleString('en-US')}, pool ${Math.round(r.faults / 36).toLocaleString('en-US')} per job; load average ${r.load1.toFixed(1)} after)`;
	lines.push(
		`3 x 4 x 3 grid = 36 backtests of ${bars.toLocaleString('en-US')} bars (${SYMBOLS.length} symbols x ${sessions} sessions) from the bar cache (${(barRuns / 1e6).toFixed(1)} M bar-runs), ${rounds} alternating rounds, fastest of each:`,
	);
	for (let r = 0; r < rounds; r++) {
		const onCore = pinned[r] ? `one core ${pinned[r]!.seconds.toFixed(2)} s, ` : '';
		lines.push(`  round ${r + 1}: ${onCore}1 worker ${ones[r]!.seconds.toFixed(2)} s, ${cores} workers ${alls[r]!.seconds.toFixed(2)} s`);
	}
	if (core) lines.push(line('one core (every thread on CPU 0), 1 worker', core));
	lines.push(line('1 worker ', one));
	lines.push(line(`${cores} workers`, all));
	const against = core ? `${(core.seconds / all.seconds).toFixed(2)}x against one core, ` : 'one core not measured (no taskset), ';
	lines.push(
		`  speed-up on ${cores} cores: ${against}${(one.seconds / all.seconds).toFixed(2)}x against 1 worker (${((one.seconds - one.loadSeconds) / (all.seconds - all.loadSeconds)).toFixed(2)}x for the backtests after the one load); CPU ${(all.cpuSeconds / one.cpuSeconds).toFixed(2)}x of one worker's for the same work`,
	);
	const everyRun = [...pinned, ...ones, ...alls];
	lines.push(
		`  same best point every run: ${everyRun.every(r => r.best.point === one.best.point && r.best.metrics.pnl === one.best.metrics.pnl) ? 'yes' : 'NO'}`,
	);
	return lines;
}

export async function benchSweep(): Promise<string[]> {
	const lines: string[] = [];
	const cores = availableParallelism();
	lines.push(
		`machine: ${cores} cores, load average ${loadavg()
			.map(l => l.toFixed(1))
			.join(' / ')} at start`,
	);
	const pools = await builtPool();
	const dir = mkdtempSync(join(tmpdir(), 'bench-sweep-'));
	try {
		const rounds = Number(process.env.BENCH_SWEEP_ROUNDS ?? 2);
		for (const sessions of SIZES) lines.push(...(await benchSize(pools, dir, sessions, cores, rounds)));

		// Per-job overhead: 200 tiny jobs (one symbol, one day) on one warm worker.
		const tinyBase: ScalpSweepBase = {
			data: {kind: 'csv', paths: [bundledMinuteData()], symbols: ['TSLA']},
			symbols: ['TSLA'],
			cash: micros(1_000_000e6),
			lot: micros(2000e6),
			exitAfterMs: null,
			params: DEFAULT_SCALP_PARAMS,
		};
		const jobs = Array.from({length: 201}, (_, i) => makeJob(tinyBase, `t${i}`, i, {}, ['2019-02-11']));
		const startedPool = performance.now();
		let firstBack = 0;
		const results = await pools.runJobs(jobs, {
			threads: 1,
			nodeFlags: [],
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
