/**
 * `scalp-tui backtest --strategy hft --data <tick files> [--hft-qty N]`: the order-book-imbalance
 * tick-taker over LOBSTER or Lean/AlgoSeek tick pairs, with the same report and journal as the
 * scalping backtest. Symbols named on the command line (or every symbol of the data) are traded
 * by the tick-taker; `--hft SYMBOL` picks one and lets the others be scalped on minute bars built
 * from their trades.
 */
import type {CliFlags} from '../cli/flags.js';
import {durationFlag, parseSymbols, positiveDollars, wholeNumber} from '../config.js';
import {loadHftData} from './hft-inputs.js';
import {runHftBacktest} from '../backtest/hft-backtest.js';
import {backtestReportJson, formatBacktestReport, reportWidth} from '../backtest/report.js';
import {packageVersion} from '../paths.js';
import {loadSignal} from '../signal-loader.js';
import {openJournal} from '../journal/open.js';
import {nullJournal, type Journal} from '../journal/records.js';
import {rejectFlags, type Io, REBALANCE_FLAGS} from './shared.js';
import {checkHftQty, hftParamsFromFlags, scalpParamsFromFlags} from '../strategy-flags.js';
import {describeHftParams, describeScalpParams, scalpParamsJson} from '../strategies/params.js';
import {DEFAULTS} from '../cli/defaults.js';
import {microsToNumber} from '../core/money.js';
import {nameSymbols} from '../core/symbol.js';

export async function runHftBacktestCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	rejectFlags(flags, REBALANCE_FLAGS, 'backtest --strategy hft');
	const symbols = parseSymbols(args);
	const hftQty = wholeNumber('hft-qty', flags.hftQty ?? DEFAULTS.hftQty, 100);
	const cash = positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd);
	const lot = positiveDollars('lot', flags.lot ?? DEFAULTS.lotUsd);
	const exitAfterMs = flags.exitAfter === undefined ? null : durationFlag('exit-after', flags.exitAfter);
	const scalpParams = scalpParamsFromFlags(flags);
	const hftParams = hftParamsFromFlags(flags);
	checkHftQty(hftQty, hftParams);
	const signal = flags.signal ? await loadSignal(flags.signal) : null;
	const hftPick = flags.hft ? parseSymbols([flags.hft]) : [];
	const wanted = [...new Set([...symbols, ...hftPick])];
	const {paths: dataPaths, data} = loadHftData(flags.data, wanted);
	const hftSymbols = hftPick.length > 0 ? hftPick : wanted.length > 0 ? wanted : [...data.symbols];
	const scalpSymbols = hftPick.length > 0 ? wanted.filter(s => !hftPick.includes(s)) : [];

	// A backtest journals only when asked: never into the console's journal by default.
	const journalPath = flags.journal ?? null;
	const journal: Journal = journalPath === null ? nullJournal : openJournal(journalPath, 'buffered');
	const showProgress = Boolean(io.stderr.isTTY);
	const started = Date.now();
	let result;
	try {
		result = runHftBacktest({
			tape: data.tape,
			hftSymbols,
			scalpSymbols,
			hftQty,
			cash,
			lot,
			exitAfterMs,
			signal,
			scalpParams,
			hftParams,
			journal,
			version: packageVersion(),
			onProgress: showProgress ? (done, total) => io.stderr.write(`\rbacktest: ${((100 * done) / total).toFixed(0)}% of ${total} events`) : undefined,
		});
	} finally {
		journal.close();
	}
	if (showProgress) io.stderr.write('\r\x1b[K');
	const elapsed = (Date.now() - started) / 1000;
	if (flags.json) {
		io.stdout.write(
			backtestReportJson(result, {
				strategy: 'hft',
				data: dataPaths,
				hft_qty: hftQty,
				cash: microsToNumber(cash),
				params: {
					hft_ratio: hftParams.ratio,
					hft_size: hftParams.size,
					...(scalpSymbols.length > 0 ? {...scalpParamsJson(scalpParams), lot: microsToNumber(lot)} : {}),
				},
				journal: journalPath,
				ticks: result.ticks,
			}),
		);
		return 0;
	}
	io.stdout.write(
		formatBacktestReport(result, {
			title: `scalp-tui backtest: order-book-imbalance tick-taker on ${hftSymbols.join(', ')}${scalpSymbols.length ? `, scalping ${nameSymbols(scalpSymbols)}` : ''}`,
			lines: [
				`data ${dataPaths.join(', ')}; --hft-qty ${hftQty}; cash $${microsToNumber(cash)}`,
				`params ${describeHftParams(hftParams)}${scalpSymbols.length > 0 ? ` · ${describeScalpParams(scalpParams, lot)}` : ''}`,
				...data.notes,
				`${result.ticks.quotes} quotes, ${result.ticks.trades} trades in ${elapsed.toFixed(2)} s; journal ${journalPath ?? 'none (--journal PATH keeps one)'}`,
			],
			width: reportWidth(io.stdout),
		}),
	);
	return 0;
}
