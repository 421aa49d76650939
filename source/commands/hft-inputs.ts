/**
 * The tick data the tick-taker's `backtest --strategy hft` and `sweep --strategy hft` read the
 * same way: `--data` (default the bundled LOBSTER sample), only the symbols wanted when some
 * are named, each of which must be there. One place, so a grid point and the plain backtest
 * with the same flags replay the same tape.
 */
import {existingPaths, UsageError} from '../config.js';
import {loadTicks, type TickData} from '../adapters/replay/ticks.js';
import {bundledTickData} from '../paths.js';

export interface HftData {
	readonly paths: readonly string[];
	readonly data: TickData;
}

export function loadHftData(dataFlag: readonly string[] | undefined, wanted: readonly string[]): HftData {
	const paths = dataFlag && dataFlag.length > 0 ? existingPaths(dataFlag) : [bundledTickData()];
	const data = loadTicks(paths, wanted.length > 0 ? wanted : undefined);
	if (data.symbols.length === 0) throw new UsageError(`no tick data (LOBSTER or Lean pairs) in ${paths.join(', ')}`);
	const missing = wanted.filter(s => !data.symbols.includes(s));
	if (missing.length > 0) throw new UsageError(`no tick data for ${missing.join(', ')} in ${paths.join(', ')}`);
	return {paths, data};
}
