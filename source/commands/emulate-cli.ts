/** Maps CLI flags onto `scalp-tui emulate` (the local Alpaca-compatible exchange). */
import type {CliFlags} from '../cli/flags.js';
import {existingPaths, positiveDollars, positiveNumber, UsageError, wholeNumber} from '../config.js';
import {rejectFlags, type Io} from './shared.js';

export async function runEmulateFromCli(args: readonly string[], flags: CliFlags, io: Io): Promise<number> {
	if (args.length > 0) throw new UsageError(`emulate takes no symbols (got ${args.join(' ')}); it serves every symbol in --data`);
	rejectFlags(flags, ['hft', 'hftQty', 'hftRatio', 'hftSize', 'lot', 'exitAfter', 'signal', 'sma', 'takeProfit', 'staleBuy', 'eod', 'json', 'days', 'positionSize', 'maxPositions', 'bench', 'dryRun', 'universe', 'strategy', 'mode', 'journal', 'maxDailyLoss', 'maxOrdersPerMinute', 'maxPositionUsd', 'flattenOnLoss'], 'emulate');
	const port = flags.port === undefined ? 0 : wholeNumber('port', flags.port, 0);
	if (port > 65535) throw new UsageError(`--port must be at most 65535, got ${flags.port}`);
	const speed = flags.speed === undefined ? 60 : positiveNumber('speed', flags.speed);
	const cash = flags.cash === undefined ? 100_000 : positiveDollars('cash', flags.cash) / 1e6;
	const dataPaths = flags.data ? existingPaths(flags.data) : null;
	const {runEmulate} = await import('./emulate.js');
	return runEmulate({port, dataPaths, speed, cash}, io);
}
