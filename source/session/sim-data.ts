/**
 * Market data for the console's SIM mode: recorded minute bars where the data has the symbol,
 * seeded synthetic bars on the same dates where it does not.
 */
import {loadMinuteData, toSessions, type BarSession} from '../adapters/replay/minute-csv.js';
import {syntheticSessionBars, hashSeed, seededRandom, weekdays} from '../adapters/sim/synthetic.js';
import {CENT} from '../core/money.js';
import type {Bar} from '../core/types.js';

export interface SimData {
	readonly sessions: BarSession[];
	readonly recorded: string[];
	readonly synthetic: string[];
}

export function loadSimData(symbols: readonly string[], dataPaths: readonly string[]): SimData {
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
			const price = (20 + (hashSeed(symbol, 7) % 300)) * 100 * CENT;
			return {symbol, random: seededRandom(hashSeed(symbol, 1)), state: {price, anchor: price}};
		});
		sessions = sessions.map(session => {
			const extra: Bar[] = [];
			for (const g of generators) extra.push(...syntheticSessionBars(g.symbol, session.date, g.random, g.state));
			const bars = [...session.bars, ...extra].sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
			return {date: session.date, bars};
		});
	}
	return {sessions, recorded, synthetic};
}
