/**
 * Market data for the console's SIM mode: recorded minute bars where the data has the symbol,
 * seeded synthetic bars on the same dates where it does not.
 */
import {loadMinuteData, toSessions, type BarSession} from '../adapters/replay/minute-csv.js';
import {syntheticSessionBars, hashSeed, seededRandom, weekdays} from '../adapters/sim/synthetic.js';
import {CENT, mulQty} from '../core/money.js';
import type {Bar} from '../core/types.js';
import {formatDataSummary} from '../backtest/data-summary.js';
import {DataError} from '../core/errors.js';
import {loadBars, type CacheSelection} from '../adapters/cache/load.js';

export interface SimData {
	readonly sessions: BarSession[];
	readonly recorded: string[];
	readonly synthetic: string[];
	/** One line naming the data (cache: source, feed, adjustment, range, bars, holes). */
	readonly description: string | null;
}

/**
 * With `cache` (--from/--to/--date): every symbol from the bar cache, none made up (a symbol
 * not cached is an error naming the `data fetch` command). Otherwise the CSV files.
 */
export function loadSimData(symbols: readonly string[], dataPaths: readonly string[], cache: CacheSelection | null = null): SimData {
	if (cache) {
		const loaded = loadBars({symbols, ...cache});
		if (loaded.summary.bars === 0)
			throw new DataError(
				`the cache holds no bars for ${symbols.join(', ')} on ${cache.from === cache.to ? cache.from : `${cache.from}..${cache.to}`} (no trading day?)`,
			);
		return {sessions: loaded.sessions, recorded: [...symbols], synthetic: [], description: formatDataSummary(loaded.summary)};
	}
	const data = loadMinuteData(dataPaths);
	const recorded = symbols.filter(s => data.bars.has(s));
	const synthetic = symbols.filter(s => !data.bars.has(s));
	const wanted = new Map([...data.bars].filter(([symbol]) => recorded.includes(symbol)));
	let sessions = toSessions(wanted);
	if (sessions.length === 0) {
		const dates = [...new Set(toSessions(data.bars).map(s => s.date))];
		sessions = (dates.length > 0 ? dates : weekdays('2019-02-11', 5)).map(date => ({date, bars: []}));
	}
	if (synthetic.length > 0) {
		const generators = synthetic.map(symbol => {
			const price = mulQty(CENT, (20 + (hashSeed(symbol, 7) % 300)) * 100);
			return {symbol, random: seededRandom(hashSeed(symbol, 1)), state: {price, anchor: price}};
		});
		sessions = sessions.map(session => {
			const extra: Bar[] = [];
			for (const g of generators) extra.push(...syntheticSessionBars(g.symbol, session.date, g.random, g.state));
			const bars = [...session.bars, ...extra].sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
			return {date: session.date, bars};
		});
	}
	// Conflicting rows for one minute: the first is kept; say so rather than pick silently.
	const description =
		data.conflicts > 0
			? `${data.conflicts} conflicting duplicate minute row${data.conflicts === 1 ? '' : 's'} dropped (the first row of each minute kept)`
			: null;
	return {sessions, recorded, synthetic, description};
}
