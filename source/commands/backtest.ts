/**
 * `scalp-tui backtest [SYMBOL...] --data PATH`: replay recorded data headless and print a
 * report. Everything is validated (flags, data files) before the journal is opened, so bad
 * input leaves no partial journal.
 */
import type {CliFlags} from '../cli/flags.js';
import {positiveDollars, UsageError} from '../config.js';
import {inputJson, inputLines, resolveScalpInputs} from './scalp-inputs.js';
import {backtestReportJson, formatBacktestReport, reportWidth} from '../backtest/report.js';
import {runScalpBacktest} from '../backtest/scalp-backtest.js';
import {openJournal} from '../journal/open.js';
import {nullJournal, type Journal} from '../journal/records.js';
import {packageVersion} from '../paths.js';
import {loadSignal} from '../signal-loader.js';
import {rejectFlags, type Io, HFT_FLAGS, REBALANCE_FLAGS} from './shared.js';
import type {CustomSignal} from '../strategies/signal.js';
import {describeScalpParams, scalpParamsJson} from '../strategies/params.js';
import {scalpParamsFromFlags} from '../strategy-flags.js';
import {DEFAULTS} from '../cli/defaults.js';
import {microsToNumber} from '../core/money.js';
import {nameSymbols} from '../core/symbol.js';

export async function runBacktestCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	if (flags.mode !== undefined && flags.mode.toLowerCase() !== 'sim') {
		throw new UsageError(`backtest always runs on the simulated exchange: --mode ${flags.mode} does not apply`);
	}
	const strategy = (flags.strategy ?? 'scalp').toLowerCase();
	if (strategy !== 'scalp')
		rejectFlags(flags, ['from', 'to', 'date', 'feed', 'adjustment', 'cacheDir'], `backtest --strategy ${strategy} (cached minute bars are for the scalper)`);
	if (strategy === 'rebalance') {
		const {runRebalanceBacktestFromCli} = await import('./rebalance-cli.js');
		return runRebalanceBacktestFromCli(args, flags, io);
	}
	if (strategy === 'hft') {
		const {runHftBacktestCommand} = await import('./backtest-hft.js');
		return runHftBacktestCommand(args, flags, io);
	}
	if (strategy !== 'scalp') throw new UsageError(`--strategy must be scalp, hft or rebalance, got "${flags.strategy}"`);
	rejectFlags(flags, [...HFT_FLAGS, ...REBALANCE_FLAGS], 'backtest --strategy scalp');

	const lot = positiveDollars('lot', flags.lot ?? DEFAULTS.lotUsd);
	const params = scalpParamsFromFlags(flags);
	const inputs = resolveScalpInputs(args, flags, 'backtest');
	const {cash, exitAfterMs} = inputs;
	const runSymbols = [...inputs.symbols];
	const signal: CustomSignal | null = flags.signal ? await loadSignal(flags.signal) : null;

	// A backtest journals only when asked: never into the console's journal by default.
	const journalPath = flags.journal ?? null;
	const journal: Journal = journalPath === null ? nullJournal : openJournal(journalPath, 'buffered');
	// One replay, sessions in order: each built as it is reached (one day of memory, not the range's).
	const sessions = inputs.source.stream();
	const totalBars = inputs.source.summary.bars;
	const showProgress = Boolean(io.stderr.isTTY) && totalBars > 200_000;
	const started = Date.now();
	let result;
	try {
		result = runScalpBacktest({
			sessions,
			symbols: runSymbols,
			lot,
			cash,
			exitAfterMs,
			signal,
			params,
			journal,
			version: packageVersion(),
			onProgress: showProgress ? done => io.stderr.write(`\rbacktest: ${((100 * done) / totalBars).toFixed(0)}% of ${totalBars} bars`) : undefined,
		});
	} finally {
		journal.close();
	}
	if (showProgress) io.stderr.write('\r\x1b[K');
	const elapsed = (Date.now() - started) / 1000;
	if (flags.json) {
		io.stdout.write(
			backtestReportJson(result, {
				strategy: 'scalp',
				...inputJson(inputs),
				lot: microsToNumber(lot),
				params: {...scalpParamsJson(params), lot: microsToNumber(lot)},
				journal: journalPath,
			}),
		);
	} else {
		io.stdout.write(
			formatBacktestReport(result, {
				title: `scalp-tui backtest: SMA${params.smaWindow} scalper${signal ? ' (custom signal)' : ''} on ${nameSymbols(runSymbols)}`,
				lines: [
					...inputLines(inputs),
					`params ${describeScalpParams(params, lot)}`,
					`journal ${journalPath ?? 'none (--journal PATH keeps one)'}; ${result.total.bars} bars in ${elapsed.toFixed(2)} s`,
				],
				width: reportWidth(io.stdout),
			}),
		);
	}
	return 0;
}
