/** A bar cache filled with made-up minute bars (the "history" an emulator serves in tests). */
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {writePeriod} from '../../source/adapters/cache/store.js';
import {closeTimeOfDayMs, tradingDays} from '../../source/core/trading-days.js';
import {nyMidnight, REGULAR_OPEN_MS} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {micros} from '../../source/core/money.js';

export function tempDir(prefix = 'scalp-cache-'): string {
	return mkdtempSync(join(tmpdir(), prefix));
}

/** Every regular-session minute of the trading days in [from, to], prices with sub-cent digits. */
export function minuteBars(symbol: string, from: string, to: string, skip: ReadonlySet<number> = new Set()): Bar[] {
	const out: Bar[] = [];
	let k = symbol.charCodeAt(0);
	for (const day of tradingDays(from, to)) {
		const open = nyMidnight(day) + REGULAR_OPEN_MS;
		const minutes = (closeTimeOfDayMs(day) - REGULAR_OPEN_MS) / 60_000;
		for (let m = 0; m < minutes; m++) {
			k += 1;
			const start = open + m * 60_000;
			if (skip.has(start)) continue;
			const base = 50_000_000 + ((k * 7919) % 2_000_000) + (k % 7) * 1_234;
			out.push({
				symbol,
				start,
				open: micros(base),
				high: micros(base + 15_600),
				low: micros(base - 9_900),
				close: micros(base + 4_321),
				volume: 100 + (k % 500),
			});
		}
	}
	return out;
}

/** Write bars into a cache, a month per file, covering [from, to]. */
export function fillCache(cacheDir: string, bars: readonly Bar[], from: string, to: string, feed: 'iex' | 'sip' = 'iex'): void {
	const symbol = bars[0]!.symbol;
	const months = new Map<string, Bar[]>();
	for (const b of bars) {
		const month = new Date(b.start - 5 * 3_600_000).toISOString().slice(0, 7);
		(months.get(month) ?? months.set(month, []).get(month)!).push(b);
	}
	for (let month = from.slice(0, 7); month <= to.slice(0, 7); ) {
		const last = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 0)).toISOString().slice(0, 10);
		const range: [string, string] = [from > `${month}-01` ? from : `${month}-01`, to < last ? to : last];
		writePeriod(cacheDir, {symbol, timeframe: '1Min', feed, adjustment: 'raw'}, month, months.get(month) ?? [], range);
		const next = new Date(Date.UTC(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1)).toISOString().slice(0, 7);
		month = next;
	}
}
