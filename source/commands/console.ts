/**
 * `scalp-tui [SYMBOL...]`: the interactive console. Validates everything first (one-line
 * errors, exit 2), then composes the session for the mode (SIM here; paper/live through the
 * Alpaca adapter) and runs the Ink console, or plain log lines when stdout is not a terminal.
 */
import {basename} from 'node:path';
import type {ProgressStream} from '../ui/progress-line.js';
import type {CliFlags} from '../cli/flags.js';
import {
	durationFlag,
	existingPaths,
	keysPresent,
	loadDotEnv,
	modeFlag,
	parseSymbols,
	positiveDollars,
	positiveNumber,
	UsageError,
	wholeNumber,
} from '../config.js';
import {type Micros, roundMicros} from '../core/money.js';
import {bundledMinuteData} from '../paths.js';
import {checkAppendable} from '../regular-file.js';
import {loadSignal} from '../signal-loader.js';
import type {CustomSignal} from '../strategies/signal.js';
import type {Mode} from '../core/types.js';
import type {RiskLimits} from '../engine/risk.js';
import {DEFAULT_JOURNAL, type Io} from './shared.js';
import type {CacheSelection} from '../adapters/cache/load.js';
import {cacheDir, dateRange, seriesKind} from './data-flags.js';
import {wantsCache} from './minute-source.js';
import {checkHftQty, hftParamsFromFlags, scalpParamsFromFlags} from '../strategy-flags.js';
import type {ConsoleConfig} from '../session/console-config.js';
import {DEFAULTS} from '../cli/defaults.js';

export type {ConsoleConfig};

export const DEFAULT_LOG_FILE = DEFAULTS.logFile;

/** Risk guard settings; the loss limit defaults to 2% of the starting cash. */
export function riskLimits(flags: CliFlags, cash: Micros): RiskLimits {
	return {
		maxDailyLoss: flags.maxDailyLoss === undefined ? roundMicros(cash * DEFAULTS.maxDailyLossShare) : positiveDollars('max-daily-loss', flags.maxDailyLoss),
		flattenOnLoss: flags.flattenOnLoss === true,
		maxOrdersPerMinute:
			flags.maxOrdersPerMinute === undefined ? DEFAULTS.maxOrdersPerMinute : wholeNumber('max-orders-per-minute', flags.maxOrdersPerMinute, 1),
		maxPositionUsd: flags.maxPositionUsd === undefined ? null : positiveDollars('max-position-usd', flags.maxPositionUsd),
	};
}

export async function parseConsoleConfig(args: readonly string[], flags: CliFlags): Promise<ConsoleConfig> {
	const symbols = parseSymbols(args);
	const hft = flags.hft ? parseSymbols([flags.hft])[0]! : null;
	if (symbols.length === 0 && hft === null) throw new UsageError('name at least one symbol, e.g. scalp-tui TSLA AAPL');
	const hftQty = wholeNumber('hft-qty', flags.hftQty ?? DEFAULTS.hftQty, 100);
	if (flags.hftQty !== undefined && hft === null) throw new UsageError('--hft-qty needs --hft SYMBOL');
	if (flags.hftRatio !== undefined && hft === null) throw new UsageError('--hft-ratio needs --hft SYMBOL');
	if (flags.hftSize !== undefined && hft === null) throw new UsageError('--hft-size needs --hft SYMBOL');
	const scalpParams = scalpParamsFromFlags(flags);
	const hftParams = hftParamsFromFlags(flags);
	checkHftQty(hftQty, hftParams);
	loadDotEnv();
	const mode = modeFlag(flags.mode, keysPresent());
	const feed = (flags.feed ?? DEFAULTS.feed).toLowerCase();
	if (feed !== 'iex' && feed !== 'sip') throw new UsageError(`--feed must be iex or sip, got "${flags.feed}"`);
	if (mode !== 'sim' && flags.data) throw new UsageError(`--data applies to sim mode only (mode is ${mode})`);
	const cacheData = wantsCache(flags) ? cacheFlags(flags, mode) : null;
	if (mode !== 'sim' && flags.speed !== undefined) throw new UsageError(`--speed applies to sim mode only (mode is ${mode})`);
	const config: ConsoleConfig = {
		mode,
		symbols,
		hft,
		hftQty,
		lot: positiveDollars('lot', flags.lot ?? DEFAULTS.lotUsd),
		cash: positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd),
		speed: positiveNumber('speed', flags.speed ?? DEFAULTS.speed),
		exitAfterMs: flags.exitAfter === undefined ? null : durationFlag('exit-after', flags.exitAfter),
		signal: flags.signal ? await loadSignal(flags.signal) : null,
		signalName: null,
		dataPaths: flags.data ? existingPaths(flags.data) : null,
		cacheData,
		journalPath: flags.journal ?? DEFAULT_JOURNAL,
		logFile: checkedLogFile(flags.logFile ?? DEFAULT_LOG_FILE),
		feed,
		yesLive: flags.yesLive === true,
		risk: riskLimits(flags, positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd)),
		scalpParams,
		hftParams,
	};
	if (config.speed > 3600) throw new UsageError(`--speed must be at most 3600, got ${flags.speed}`);
	if (config.signal && flags.signal) return {...config, signalName: signalLabel(config.signal, flags.signal)};
	return config;
}

/** A custom signal's name: a named function's name, else the module's file name without extension. */
export function signalLabel(signal: CustomSignal, path: string): string {
	const name = signal.name;
	if (name && name !== 'default' && name !== 'signal' && name !== 'buySignal') return name;
	return basename(path).replace(/\.[^.]*$/, '') || 'custom';
}

/** The cache selection of a SIM console, checked up front (dates, kind, one source). */
function cacheFlags(flags: CliFlags, mode: Mode): CacheSelection {
	if (mode !== 'sim') throw new UsageError(`--from/--to/--date replay cached bars in sim mode only (mode is ${mode})`);
	if (flags.data) throw new UsageError('--data and --from/--to/--date are two sources of bars: pick one');
	const range = dateRange(flags)!;
	const kind = seriesKind(flags);
	if (kind.timeframe !== '1Min') throw new UsageError(`the console replays minute bars: --timeframe ${kind.timeframe} does not apply`);
	const cache = cacheDir(flags);
	return {...range, ...kind, cacheDir: cache.dir, cacheDirExplicit: cache.explicit};
}

/** The log file must be writable before anything starts: its failures were silent (issue 14). */
function checkedLogFile(path: string): string {
	checkAppendable(path, 'the log file');
	return path;
}

export async function runConsoleCommand(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	const config = await parseConsoleConfig(args, flags);
	if (config.mode !== 'sim') {
		const {composeAlpacaSession} = await import('../session/compose-alpaca.js');
		const {progressLine} = await import('../ui/progress-line.js');
		const progress = progressLine(io.stderr as ProgressStream);
		let session: Awaited<ReturnType<typeof composeAlpacaSession>>;
		try {
			session = await composeAlpacaSession(config, {progress: text => progress.update(text)});
		} finally {
			progress.clear();
		}
		const code = await runUi(session, config, io);
		// The quit had its deadline: a broker socket that never closed must not keep the
		// process alive (an unref'd timer only fires when something else still holds it).
		setTimeout(() => process.exit(code), 1000).unref();
		return code;
	}
	const {composeSimSession} = await import('../session/compose-sim.js');
	const session = composeSimSession(config, {dataPaths: config.dataPaths ?? [bundledMinuteData()]});
	session.start();
	return runUi(session, config, io);
}

async function runUi(session: import('../engine/control.js').SessionControl, config: ConsoleConfig, io: Io): Promise<number> {
	let code: number;
	if (io.stdout.isTTY && process.stdin.isTTY) {
		const {runConsole} = await import('../ui/render.js');
		code = await runConsole(session, {logFile: config.logFile});
	} else {
		const {runHeadless} = await import('../ui/headless.js');
		code = await runHeadless(session, {stdout: io.stdout, stderr: io.stderr, logFile: config.logFile});
	}
	// The session's figures, also journaled as its session_summary line.
	const summary = session.summary?.();
	if (summary) {
		const {formatSummary} = await import('../report/session-tally.js');
		io.stdout.write(formatSummary(summary));
	}
	return code;
}
