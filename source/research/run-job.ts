/**
 * Runs one sweep job: the plain backtest (the very function `scalp-tui backtest` calls: the
 * scalping one on bars, or the tick one for an hft job) on the job's days with the job's
 * parameters, journal off. Loaded data is kept per data reference, so a worker reads its data
 * once and then only replays.
 */
import {performance} from 'node:perf_hooks';
import type {TickTape} from '../adapters/replay/tick-tape.js';
import {runHftBacktest, type HftBacktestConfig} from '../backtest/hft-backtest.js';
import {runScalpBacktest, type ScalpBacktestConfig, type ScalpBacktestResult} from '../backtest/scalp-backtest.js';
import {nullJournal} from '../journal/records.js';
import {dataKey, loadSessions, loadTape, sessionsOn, type LoadedSessions} from './data-source.js';
import {JOB_FORMAT, type DataRef, type HftJob, type JobMetrics, type JobResult, type ScalpJob, type SweepJob, type TickDataRef} from './job.js';
import {tapeOnDays} from './tick-days.js';
import {isColumnar, sessionHead} from '../core/session-columns.js';
import type {ReplaySession} from '../backtest/bar-runner.js';
import {dollarsToMicros, microsToNumber} from '../core/money.js';

const loaded = new Map<string, Promise<LoadedSessions>>();
const tapes = new Map<string, TickTape>();

/**
 * Data already in memory for a reference (the local pool hands its threads the sessions the
 * command loaded, as shared columns): jobs naming that reference replay it instead of loading.
 * The first data given for a reference is kept.
 */
export function preloadData(ref: DataRef, data: LoadedSessions): void {
	const key = dataKey(ref);
	if (!loaded.has(key)) loaded.set(key, Promise.resolve(data));
}

/** The same for tick data: the tape the command loaded (shared columns). */
export function preloadTape(ref: TickDataRef, tape: TickTape): void {
	const key = dataKey(ref);
	if (!tapes.has(key)) tapes.set(key, tape);
}

export function metricsOf(result: ScalpBacktestResult): JobMetrics {
	const t = result.total;
	return {
		pnl: microsToNumber(dollarsToMicros(t.finalEquity - t.startCash)),
		realizedPnl: t.realizedPnl,
		roundTrips: t.roundTrips,
		wins: t.wins,
		winRate: t.winRate,
		maxDrawdown: t.maxDrawdown,
		maxDrawdownPct: t.maxDrawdownPct,
		timeInMarket: t.timeInMarket,
		bars: t.bars,
		sessions: t.sessions,
	};
}

export async function runJob(job: SweepJob): Promise<JobResult> {
	if (job.format !== JOB_FORMAT) throw new Error(`job ${job.id}: unknown job format ${String(job.format)}`);
	return job.strategy === 'hft' ? runHftJob(job) : runScalpJob(job);
}

/** A worker loads each data set once and keeps it for the jobs that follow on the same data. */
function loadOnce<T>(store: Map<string, T>, key: string, load: () => T): {value: T; cached: boolean} {
	const kept = store.get(key);
	if (kept !== undefined) return {value: kept, cached: true};
	const value = load();
	store.set(key, value);
	return {value, cached: false};
}

/** The first rows of a session (views of the same columns, or the first Bars). */
function headOf(session: ReplaySession, rows: number): ReplaySession {
	return isColumnar(session) ? sessionHead(session, rows) : {date: session.date, bars: session.bars.slice(0, rows)};
}

let primed = false;

/**
 * Two backtests of a few hundred rows before a thread's first job, each on its own engine.
 * V8 optimizes the hot code during the first job; calls through the closures each run makes
 * (the exchange's and the broker's event listeners) are then specialised to that run's, and the
 * second job found every such call wrong: ~20 deoptimizations and ~80 functions compiled again
 * (on the compiler threads, which take a core from the other worker when two run). Seen twice
 * while still interpreted, those calls are compiled for any run from the start. (The strategy
 * contexts are a class for the same reason: engine/strategy-contexts.ts.) The rows are the job's own data, so the element types
 * the compiler sees are the real ones. Costs ~10 ms once per thread.
 */
function primeScalp(job: ScalpJob, sessions: readonly ReplaySession[]): void {
	primed = true;
	const first = sessions[0];
	if (!first) return;
	const head = [headOf(first, 400)];
	for (let run = 0; run < 2; run++) runScalpBacktest(scalpJobConfig(job, head));
}

/** The backtest a scalp job runs (on the given sessions: its own, or a priming head). */
function scalpJobConfig(job: ScalpJob, sessions: readonly ReplaySession[]): ScalpBacktestConfig {
	return {
		sessions,
		symbols: job.symbols,
		lot: job.lot,
		cash: job.cash,
		exitAfterMs: job.exitAfterMs,
		signal: null,
		params: job.params,
		journal: nullJournal,
	};
}

async function runScalpJob(job: ScalpJob): Promise<JobResult> {
	const loadStart = performance.now();
	const {value: data, cached} = loadOnce(loaded, dataKey(job.data), () => loadSessions(job.data));
	const sessions = sessionsOn((await data).sessions, job.days);
	const loadMs = cached ? 0 : performance.now() - loadStart;
	if (!primed) primeScalp(job, sessions);
	const start = performance.now();
	const result = runScalpBacktest(scalpJobConfig(job, sessions));
	return {format: JOB_FORMAT, id: job.id, point: job.point, metrics: metricsOf(result), runMs: performance.now() - start, loadMs};
}

/** The tick backtest an hft job runs, on its tape already cut to its days (journal apart). */
export function hftJobConfig(job: HftJob, tape: TickTape): Omit<HftBacktestConfig, 'journal'> {
	return {tape, hftSymbols: job.symbols, scalpSymbols: [], hftQty: job.hftQty, cash: job.cash, hftParams: job.params};
}

function runHftJob(job: HftJob): JobResult {
	const loadStart = performance.now();
	const {value: tape, cached} = loadOnce(tapes, dataKey(job.data), () => loadTape(job.data));
	const days = tapeOnDays(tape, job.days);
	const loadMs = cached ? 0 : performance.now() - loadStart;
	const start = performance.now();
	const result = runHftBacktest({...hftJobConfig(job, days), journal: nullJournal});
	return {format: JOB_FORMAT, id: job.id, point: job.point, metrics: metricsOf(result), runMs: performance.now() - start, loadMs};
}
