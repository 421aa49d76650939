/**
 * Seeded synthetic quotes and trades inside a minute bar, for the tick-taker in SIM when no
 * recorded ticks share the scalpers' timeline. The price walks open -> high/low -> close in
 * cents with a mostly one-cent spread; sizes are random with lopsided books now and then, and
 * trades print at the bid or the ask, so every branch of the imbalance rules gets exercised.
 */
import {CENT, type Micros, mulQty} from '../../core/money.js';
import type {Bar, Quote, Trade} from '../../core/types.js';
import {hashSeed, seededRandom} from './synthetic.js';

export type TickEvent = {readonly kind: 'quote'; readonly quote: Quote} | {readonly kind: 'trade'; readonly trade: Trade};

function toCents(price: Micros): number {
	return Math.round(price / CENT);
}

/** The events of one bar, time-ordered inside [start, start + 60 s). */
export function syntheticTicksForBar(bar: Bar, random: () => number, eventsPerMinute = 40): TickEvent[] {
	const events: TickEvent[] = [];
	const open = toCents(bar.open);
	const high = Math.max(toCents(bar.high), open);
	const low = Math.min(toCents(bar.low), open);
	const close = Math.min(Math.max(toCents(bar.close), low), high);
	const first = random() < 0.5 ? high : low;
	const second = first === high ? low : high;
	const waypoints = [open, first, second, close];
	const path: number[] = [];
	const legs = waypoints.length - 1;
	const perLeg = Math.max(2, Math.floor(eventsPerMinute / 2 / legs));
	for (let leg = 0; leg < legs; leg++) {
		const from = waypoints[leg]!;
		const to = waypoints[leg + 1]!;
		for (let i = 0; i < perLeg; i++) path.push(Math.round(from + ((to - from) * i) / perLeg));
	}
	path.push(close);
	const step = 60_000 / (path.length * 2 + 1);
	let ms = bar.start;
	for (const cents of path) {
		const bid = Math.max(1, cents - (random() < 0.5 ? 1 : 0));
		const ask = bid + (random() < 0.9 ? 1 : 2);
		const lopsided = random();
		const base = 100 + Math.floor(random() * 9) * 100;
		const bidSize = lopsided < 0.2 ? base * 3 : base;
		const askSize = lopsided > 0.8 ? base * 3 : 100 + Math.floor(random() * 9) * 100;
		ms += step;
		const t = Math.floor(ms);
		const ns = Math.floor((ms - t) * 1e6);
		events.push({kind: 'quote', quote: {symbol: bar.symbol, ms: t, ns, bidPrice: mulQty(CENT, bid), bidSize, askPrice: mulQty(CENT, ask), askSize}});
		ms += step;
		const tt = Math.floor(ms);
		const atAsk = bidSize > askSize ? random() < 0.8 : random() < 0.3;
		events.push({
			kind: 'trade',
			trade: {symbol: bar.symbol, ms: tt, ns: Math.floor((ms - tt) * 1e6), price: mulQty(CENT, atAsk ? ask : bid), size: 100 * (1 + Math.floor(random() * 4))},
		});
	}
	return events;
}

/**
 * The tick-taker's ticks in SIM (and in `emulate --hft SYMBOL`): one seeded stream per symbol
 * laid along its bars, session after session, so both places see the same quotes and trades.
 */
export function seededTicksFor(symbol: string): (bars: readonly Bar[]) => TickEvent[] {
	const random = seededRandom(hashSeed(symbol, 3));
	return bars => bars.filter(b => b.symbol === symbol).flatMap(b => syntheticTicksForBar(b, random));
}
