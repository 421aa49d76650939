/**
 * `scalp-tui sweep [SYMBOL...] --sma 10..40:5 --take-profit 0.01,0.02 [--walk-forward 10:5]`:
 * the scalping backtest over a grid of parameters on worker threads, ranked; or walk-forward
 * (choose on in-sample days, report out-of-sample only). `--strategy hft` sweeps the
 * tick-taker's --hft-ratio and --hft-size over tick data the same way. Bad grids and ranges are
 * one line, exit 2, before a worker starts; the worker threads then start while the data loads
 * (research/pool.ts startPool), and bad data is one line too, before any job runs.
 */
import type {CliFlags} from '../cli/flags.js';
import {UsageError, wholeNumber} from '../config.js';
import {isColumnar} from '../core/session-columns.js';
import {describePoint, gridSize, parseGrid, type GridAxis, type ParamKey} from '../research/grid.js';
import {defaultThreads, startPool, type SweepPool} from '../research/pool.js';
import {formatHeatMap, formatRanked, formatWalkForward, progressLine, sweepJson} from '../research/render.js';
import {plannedJobs, runSweep, type SweepConfig} from '../research/sweep.js';
import {makeWindows, parseWalkForward} from '../research/walk-forward.js';
import {inputJson, inputLines, resolveScalpInputs} from './scalp-inputs.js';
import {rejectFlags, SCALP_FLAGS, type Io} from './shared.js';
import {prepareHftSweep} from './sweep-hft.js';
import type {BeforeLoad, PreparedSweep} from './prepared-sweep.js';
import {DEFAULTS} from '../cli/defaults.js';
import {dollarsToMicros} from '../core/money.js';
import {scalpParamsFromFlags} from '../strategy-flags.js';
import {describeScalpParams} from '../strategies/params.js';
import {nameSymbols} from '../core/symbol.js';

/** The parameters the grid does not vary, as the reports name them. */
function fixedParams(axes: readonly GridAxis[], defaults: string): string {
	const swept = new Set(axes.map(a => a.flag.flag));
	return (
		defaults
			.split(' · ')
			.filter(part => !swept.has(part.slice(0, part.lastIndexOf(' '))))
			.join(' · ') || '(none)'
	);
}

function gridFrom(flags: CliFlags, keys: readonly ParamKey[], example: string): GridAxis[] {
	const texts: Partial<Record<ParamKey, string>> = {};
	for (const key of keys) if (flags[key] !== undefined) texts[key] = String(flags[key]);
	const axes = parseGrid(texts);
	if (axes.length === 0) throw new UsageError(`sweep needs at least one parameter to vary, e.g. ${example}`);
	return axes;
}

function prepareScalpSweep(args: readonly string[], flags: CliFlags, walkForward: SweepConfig['walkForward'], beforeLoad: BeforeLoad): PreparedSweep {
	rejectFlags(flags, ['hftRatio', 'hftSize', 'hftQty'], 'sweep --strategy scalp');
	const axes = gridFrom(flags, ['sma', 'takeProfit', 'staleBuy', 'eod', 'lot'], '--sma 10..40:5 --take-profit 0.01,0.02');
	beforeLoad(axes);
	// Values not swept keep the defaults; the swept ones are overridden per point.
	const baseParams = scalpParamsFromFlags({});
	// Loaded once here, through the same path as backtest, into shared columns: bad data is one
	// line before any worker starts, the trading days are known, and the threads replay these bytes.
	const inputs = resolveScalpInputs(args, flags, 'sweep', {csvDays: true, shared: true});
	const runSymbols = [...inputs.symbols];
	const days = inputs.source.replay.filter(s => (isColumnar(s) ? s.length : s.bars.length) > 0).map(s => s.date);
	if (days.length === 0) throw new UsageError(`no trading days in ${inputs.source.summary.location}`);
	const lot = dollarsToMicros(DEFAULTS.lotUsd);
	const defaults = describeScalpParams(baseParams, lot);
	const config: SweepConfig = {
		axes,
		base: {data: inputs.ref, symbols: runSymbols, cash: inputs.cash, lot, exitAfterMs: inputs.exitAfterMs, params: baseParams},
		days,
		// Jobs name their days unless the data holds exactly these (a CSV day range).
		allDays: inputs.source.range !== null || !(flags.from || flags.to || flags.date),
		walkForward,
	};
	return {
		config,
		poolData: {ref: inputs.ref, sessions: inputs.source.replay, symbols: inputs.symbols},
		meta: {
			strategy: 'scalp',
			...inputJson(inputs),
			symbols: runSymbols,
			days: {from: days[0], to: days[days.length - 1], count: days.length},
			defaults,
		},
		header: [
			`scalp-tui sweep: SMA scalper on ${nameSymbols(runSymbols)}, ${days.length} trading days ${days[0]}..${days[days.length - 1]}`,
			...inputLines(inputs),
		],
		defaults,
	};
}

export async function runSweepCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	const strategy = (flags.strategy ?? 'scalp').toLowerCase();
	if (strategy !== 'scalp' && strategy !== 'hft') throw new UsageError(`--strategy must be scalp or hft for sweep, got "${flags.strategy}"`);
	if (strategy === 'hft') rejectFlags(flags, [...SCALP_FLAGS, 'from', 'to', 'date', 'feed', 'adjustment', 'cacheDir'], 'sweep --strategy hft');
	const walkForward = flags.walkForward === undefined ? null : parseWalkForward(String(flags.walkForward));
	const threads = flags.workers === undefined ? defaultThreads() : wholeNumber('workers', flags.workers, 1);
	const top = flags.top === undefined ? 20 : wholeNumber('top', flags.top, 1);
	// The threads start once the grid is valid, while the data loads (see research/pool.ts); a
	// plain sweep needs no more than one per grid point.
	const threadsOf: {pool: SweepPool | null} = {pool: null};
	const beforeLoad: BeforeLoad = axes => {
		threadsOf.pool = startPool({threads: walkForward ? threads : Math.min(threads, gridSize(axes))});
	};
	try {
		const prepared = strategy === 'hft' ? prepareHftSweep(args, flags, walkForward, beforeLoad) : prepareScalpSweep(args, flags, walkForward, beforeLoad);
		return await runPrepared(prepared, threadsOf.pool!, flags, top, io);
	} finally {
		await threadsOf.pool?.destroy();
	}
}

async function runPrepared(prepared: PreparedSweep, pool: SweepPool, flags: CliFlags, top: number, io: Io): Promise<number> {
	const {config} = prepared;
	const walkForward = config.walkForward;
	if (walkForward) makeWindows(config.days, walkForward); // too few days: one line now
	const total = plannedJobs(config);

	const tty = Boolean(io.stderr.isTTY);
	const started = Date.now();
	let done = 0;
	let bestLine = '';
	let bestPnl = Number.NEGATIVE_INFINITY;
	const outcome = await runSweep(
		config,
		// The threads get the data loaded above in shared memory: no copy, no parse of their own.
		(jobs, onResult) => pool.run(jobs, {data: prepared.poolData, onResult: result => onResult(result)}),
		result => {
			done += 1;
			if (!tty) return;
			if (result.metrics.pnl > bestPnl) {
				bestPnl = result.metrics.pnl;
				bestLine = ` best so far ${result.metrics.pnl >= 0 ? '+' : '-'}$${Math.abs(result.metrics.pnl).toFixed(2)} (${result.id})`;
			}
			io.stderr.write(`\r\x1b[Ksweep ${progressLine(done, total, Date.now() - started)}${bestLine}`);
		},
	);
	if (tty) io.stderr.write('\r\x1b[K');
	const elapsed = (Date.now() - started) / 1000;
	const axes = config.axes;
	if (flags.json) {
		io.stdout.write(sweepJson(outcome, prepared.meta));
	} else {
		const lines = [
			...prepared.header,
			`grid ${axes.map(a => `${a.flag.flag} ${a.values.map(v => a.flag.format(v)).join(',')}`).join(' × ')} = ${outcome.points.length} points`,
			`fixed ${fixedParams(axes, prepared.defaults)}`,
			'',
		];
		if (outcome.walkForward) lines.push(formatWalkForward(outcome));
		else {
			const bestPoint = outcome.ranked[0]!;
			lines.push(formatRanked(outcome, top));
			const heat = formatHeatMap(outcome, {color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR});
			if (heat) lines.push('', heat);
			lines.push('', `best: ${describePoint(bestPoint.values, axes)}`, '(ties broken by the smaller drawdown, more round trips, then grid order)');
		}
		io.stdout.write(lines.join('\n') + '\n');
	}
	io.stderr.write(
		`sweep: ${outcome.jobs} backtests on ${Math.min(pool.threads, outcome.jobs)} worker thread${pool.threads === 1 ? '' : 's'} in ${elapsed.toFixed(2)} s\n`,
	);
	return 0;
}
