/**
 * Seeded synthetic minute bars for symbols without recorded data: a mean-reverting random
 * walk in whole cents, so the SMA crossover fires now and then, reproducible per seed.
 */
import {addMicros, CENT, maxMicros, type Micros, minMicros, mulQty, subMicros} from '../../core/money.js';
import {MINUTE_MS, nyTime} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import type {BarSession} from '../replay/minute-csv.js';

/** Small, fast, seedable PRNG (mulberry32). */
export function seededRandom(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

export function hashSeed(text: string, seed = 0): number {
	let h = 2166136261 ^ seed;
	for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
	return h >>> 0;
}

export interface SyntheticOptions {
	readonly seed?: number;
	/** Bars per session starting 09:30 New York (390 = a full session). */
	readonly barsPerSession?: number;
	/** Starting price in dollars (default: derived from the symbol, 20..320). */
	readonly startPrice?: number;
}

/** One symbol's bars for one session. `state` carries the price across sessions. */
export function syntheticSessionBars(symbol: string, date: string, random: () => number, state: {price: Micros; anchor: Micros}, barsPerSession = 390): Bar[] {
	const open0 = nyTime(date, 9, 30);
	const bars: Bar[] = new Array(barsPerSession);
	let price = state.price;
	const tick = maxMicros(CENT, mulQty(CENT, Math.round(state.anchor / 20_000 / CENT)));
	const floor = mulQty(CENT, 100);
	for (let i = 0; i < barsPerSession; i++) {
		const open = price;
		// Mean reversion toward the anchor plus noise: crossovers happen, prices stay bounded.
		const drift = (state.anchor - price) / 200;
		const steps = Math.round((random() - 0.5) * 6 + drift / tick);
		let close = addMicros(open, mulQty(tick, steps));
		if (close < floor) close = floor;
		const high = addMicros(maxMicros(open, close), mulQty(tick, Math.floor(random() * 3)));
		const low = maxMicros(CENT, subMicros(minMicros(open, close), mulQty(tick, Math.floor(random() * 3))));
		bars[i] = {symbol, start: open0 + i * MINUTE_MS, open, high, low, close, volume: 100 + Math.floor(random() * 5000)};
		price = close;
	}
	state.price = price;
	return bars;
}

/** Sessions of synthetic bars for several symbols over the given dates, generated lazily. */
export function* syntheticSessions(symbols: readonly string[], dates: readonly string[], options: SyntheticOptions = {}): Generator<BarSession> {
	const sorted = [...symbols].sort();
	const generators = sorted.map(symbol => {
		const random = seededRandom(hashSeed(symbol, options.seed ?? 1));
		const start = options.startPrice ?? 20 + (hashSeed(symbol, 7) % 300);
		const price = mulQty(CENT, Math.round(start * 100));
		return {symbol, random, state: {price, anchor: price}};
	});
	for (const date of dates) {
		const perSymbol = generators.map(g => syntheticSessionBars(g.symbol, date, g.random, g.state, options.barsPerSession));
		const n = perSymbol[0]?.length ?? 0;
		const bars: Bar[] = [];
		for (let i = 0; i < n; i++) for (const list of perSymbol) bars.push(list[i]!);
		yield {date, bars};
	}
}

/** Consecutive weekdays from a start date (holidays are not skipped: synthetic data). */
export function weekdays(from: string, count: number): string[] {
	const out: string[] = [];
	let ms = Date.parse(`${from}T12:00:00Z`);
	while (out.length < count) {
		const day = new Date(ms).getUTCDay();
		if (day !== 0 && day !== 6) out.push(new Date(ms).toISOString().slice(0, 10));
		ms += 86_400_000;
	}
	return out;
}
