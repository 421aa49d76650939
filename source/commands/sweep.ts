/**
 * `scalp-tui sweep [SYMBOL...] --sma 10..40:5 --take-profit 0.01,0.02 [--walk-forward 10:5]`:
 * the scalping backtest over a grid of parameters on worker threads, ranked; or walk-forward
 * (choose on in-sample days, report out-of-sample only). Everything is validated before a
 * worker starts: bad grids and ranges are one line, exit 2.
 */
import type {CliFlags} from '../cli/flags.js';
import {UsageError, wholeNumber} from '../config.js';
import {isColumnar} from '../core/session-columns.js';
import {scalpParamsFromFlags} from '../strategy-flags.js';
import {describeScalpParams, type ScalpParams} from '../strategies/params.js';
import {describePoint, parseGrid, type ParamKey} from '../research/grid.js';
import {defaultThreads, runJobs} from '../research/pool.js';
import {formatHeatMap, formatRanked, formatWalkForward, progressLine, sweepJson} from '../research/render.js';
import {plannedJobs, runSweep, type SweepConfig} from '../research/sweep.js';
import {makeWindows, parseWalkForward} from '../research/walk-forward.js';
import {inputJson, inputLines, resolveScalpInputs} from './scalp-inputs.js';
import type {Io} from './shared.js';
import {DEFAULTS} from '../cli/defaults.js';
import {dollarsToMicros} from '../core/money.js';

/** The parameters the grid does not vary, as the reports name them. */
function fixedParams(axes: readonly {flag: {flag: string}}[], params: ScalpParams): string {
	const swept = new Set(axes.map(a => a.flag.flag));
	return (
		describeScalpParams(params, dollarsToMicros(DEFAULTS.lotUsd))
			.split(' · ')
			.filter(part => !swept.has(part.slice(0, part.lastIndexOf(' '))))
			.join(' · ') || '(none)'
	);
}

export async function runSweepCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	const gridTexts: Partial<Record<ParamKey, string>> = {};
	for (const key of ['sma', 'takeProfit', 'staleBuy', 'eod', 'lot'] as const) if (flags[key] !== undefined) gridTexts[key] = String(flags[key]);
	const axes = parseGrid(gridTexts);
	if (axes.length === 0) throw new UsageError('sweep needs at least one parameter to vary, e.g. --sma 10..40:5 --take-profit 0.01,0.02');
	// Values not swept keep the defaults; the swept ones are overridden per point.
	const baseParams = scalpParamsFromFlags({});
	const walkForward = flags.walkForward === undefined ? null : parseWalkForward(String(flags.walkForward));
	const threads = flags.workers === undefined ? defaultThreads() : wholeNumber('workers', flags.workers, 1);
	const top = flags.top === undefined ? 20 : wholeNumber('top', flags.top, 1);

	// Loaded once here, through the same path as backtest, into shared columns: bad data is one
	// line before any worker starts, the trading days are known, and the threads replay these bytes.
	const inputs = resolveScalpInputs(args, flags, 'sweep', {csvDays: true, shared: true});
	const {cash, exitAfterMs} = inputs;
	const runSymbols = [...inputs.symbols];
	const days = inputs.source.replay.filter(s => (isColumnar(s) ? s.length : s.bars.length) > 0).map(s => s.date);
	if (days.length === 0) throw new UsageError(`no trading days in ${inputs.source.summary.location}`);
	const config: SweepConfig = {
		axes,
		base: {
			data: inputs.ref,
			symbols: runSymbols,
			cash,
			lot: dollarsToMicros(DEFAULTS.lotUsd),
			exitAfterMs,
			params: baseParams,
		},
		days,
		// Jobs name their days unless the data holds exactly these (a CSV day range).
		allDays: inputs.source.range !== null || !(flags.from || flags.to || flags.date),
		walkForward,
	};
	if (walkForward) makeWindows(days, walkForward); // too few days: one line now
	const total = plannedJobs(config);

	const tty = Boolean(io.stderr.isTTY);
	const started = Date.now();
	let done = 0;
	let bestLine = '';
	let bestPnl = Number.NEGATIVE_INFINITY;
	const outcome = await runSweep(
		config,
		// The threads get the bars loaded above as shared columns: no copy, no parse of their own.
		(jobs, onResult) =>
			runJobs(jobs, {threads, data: {ref: inputs.ref, sessions: inputs.source.replay, symbols: inputs.symbols}, onResult: result => onResult(result)}),
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
	const meta = {
		strategy: 'scalp',
		...inputJson(inputs),
		symbols: runSymbols,
		days: {from: days[0], to: days[days.length - 1], count: days.length},
		defaults: describeScalpParams(baseParams, dollarsToMicros(DEFAULTS.lotUsd)),
	};
	if (flags.json) {
		io.stdout.write(sweepJson(outcome, meta));
	} else {
		const lines = [
			`scalp-tui sweep: SMA scalper on ${runSymbols.join(', ')}, ${days.length} trading days ${days[0]}..${days[days.length - 1]}`,
			...inputLines(inputs),
			`grid ${axes.map(a => `${a.flag.flag} ${a.values.map(v => a.flag.format(v)).join(',')}`).join(' × ')} = ${outcome.points.length} points`,
			`fixed ${fixedParams(axes, baseParams)}`,
			'',
		];
		if (outcome.walkForward) lines.push(formatWalkForward(outcome));
		else {
			const bestPoint = outcome.ranked[0]!;
			lines.push(formatRanked(outcome, top));
			const heat = formatHeatMap(outcome, {color: Boolean(io.stdout.isTTY) && !process.env.NO_COLOR});
			if (heat) lines.push('', heat);
			lines.push('', `best: ${describePoint(bestPoint.values, axes)} (ties broken by smaller drawdown, more round trips, then grid order)`);
		}
		io.stdout.write(lines.join('\n') + '\n');
	}
	io.stderr.write(
		`sweep: ${outcome.jobs} backtests on ${Math.min(threads, outcome.jobs)} worker thread${threads === 1 ? '' : 's'} in ${elapsed.toFixed(2)} s\n`,
	);
	return 0;
}
