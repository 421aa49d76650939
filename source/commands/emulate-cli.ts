/** Maps CLI flags onto `scalp-tui emulate` (the local Alpaca-compatible exchange). */
import type {CliFlags} from '../cli/flags.js';
import {existingPaths, parseSymbols, positiveDollars, positiveNumber, UsageError, wholeNumber} from '../config.js';
import {cacheDir} from './data-flags.js';
import {loadMinuteSource, wantsCache} from './minute-source.js';
import type {Io} from './shared.js';
import {DEFAULTS} from '../cli/defaults.js';
import {microsToNumber} from '../core/money.js';

export async function runEmulateFromCli(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	const fromCache = wantsCache(flags);
	if (args.length > 0 && !fromCache)
		throw new UsageError(`emulate takes symbols only with --from/--to or --date (got ${args.join(' ')}); it serves every symbol in --data`);
	const port = flags.port === undefined ? 0 : wholeNumber('port', flags.port, 0);
	if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`);
	const speed = positiveNumber('speed', flags.speed ?? DEFAULTS.speed);
	const cash = microsToNumber(positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd));
	if (flags.ticks && flags.data) throw new UsageError('--ticks and --data cannot be combined: tick files bring their own minute bars');
	if (flags.ticks && flags.hft)
		throw new UsageError("--hft lays synthetic ticks along minute data: with --ticks the files' own quotes and trades are streamed");
	const dataPaths = flags.data ? existingPaths(flags.data) : null;
	if (flags.ticks && fromCache) throw new UsageError('--ticks replays tick files: not with the bar cache (--from/--to/--date)');
	const tickPaths = flags.ticks ? existingPaths(flags.ticks) : null;
	const syntheticTicks = flags.hft ? parseSymbols([flags.hft]) : [];
	// Replay from the cache (--from/--to/--date): loaded and checked before anything listens.
	const bars = fromCache ? loadMinuteSource(parseSymbols(args), flags, 'emulate').bars : null;
	const cache = cacheDir(flags);
	const {runEmulate} = await import('./emulate.js');
	return runEmulate({port, dataPaths, tickPaths, syntheticTicks, speed, cash, bars, archiveDir: cache.dir}, io);
}
