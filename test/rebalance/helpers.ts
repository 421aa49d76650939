import {fileURLToPath} from 'node:url';
import {parseDailyCsv} from '../../source/adapters/replay/daily-csv.js';
import type {DailyDataSet} from '../../source/core/daily-bars.js';

export const FIXTURES = fileURLToPath(new URL('../fixtures/rebalance/', import.meta.url));
export const SAMPLE = fileURLToPath(new URL('../../data/daily/', import.meta.url));

/** A writable-ish sink collecting text. */
export function sink(): {write(text: string): boolean; text(): string; lines(): string[]} {
	let buffer = '';
	return {
		write(text: string) {
			buffer += text;
			return true;
		},
		text: () => buffer,
		lines: () => buffer.split('\n').filter(l => l !== ''),
	};
}

/** Business days (Mon-Fri) starting at `start`, `n` of them. */
export function weekdays(start: string, n: number): string[] {
	const out: string[] = [];
	let t = Date.parse(`${start}T12:00:00Z`);
	while (out.length < n) {
		const d = new Date(t);
		const wd = d.getUTCDay();
		if (wd !== 0 && wd !== 6) out.push(d.toISOString().slice(0, 10));
		t += 86_400_000;
	}
	return out;
}

/**
 * Daily data in the all_stocks layout from close paths: `closes[symbol][i]` is the close on
 * `dates[i]` (null = no bar). Open = close unless `opens` says otherwise.
 */
export function makeData(
	dates: readonly string[],
	closes: Record<string, ReadonlyArray<number | null>>,
	opens: Record<string, ReadonlyArray<number | null>> = {},
): DailyDataSet {
	const rows = ['date,open,high,low,close,volume,Name'];
	for (const symbol of Object.keys(closes).sort()) {
		closes[symbol]!.forEach((c, i) => {
			if (c === null) return;
			const o = opens[symbol]?.[i] ?? c;
			rows.push(`${dates[i]},${o},${Math.max(o, c)},${Math.min(o, c)},${c},1000,${symbol}`);
		});
	}
	return parseDailyCsv(`${rows.join('\n')}\n`, 'synthetic.csv');
}
