/** What `data list` shows of a series: covered dates, bars, size, and the holes inside. */
import {MINUTE_MS} from '../../core/time.js';
import {addHoles, countHoles, emptyHoles, type HoleCount} from './holes.js';
import type {SeriesKey} from './key.js';
import type {DateRange} from './ranges.js';
import {readManifest, readPeriod, seriesBytes} from './store.js';

export interface SeriesInfo {
	readonly key: SeriesKey;
	readonly covered: readonly DateRange[];
	readonly bars: number;
	readonly bytes: number;
	readonly holes: HoleCount;
}

/** Reads (and so verifies) every file of the series. */
export function inspectSeries(cacheDir: string, key: SeriesKey): SeriesInfo | null {
	const manifest = readManifest(cacheDir, key);
	if (!manifest) return null;
	const periods = Object.keys(manifest.files).sort();
	let n = 0;
	const parts: Int32Array[] = [];
	for (const p of periods) {
		const cols = readPeriod(cacheDir, key, manifest.files[p]!);
		parts.push(cols.t);
		n += cols.length;
	}
	const starts = new Float64Array(n);
	let k = 0;
	for (const t of parts) for (let i = 0; i < t.length; i++) starts[k++] = t[i]! * MINUTE_MS;
	const holes = emptyHoles();
	for (const [from, to] of manifest.covered) addHoles(holes, countHoles(starts, key.timeframe, from, to));
	return {key, covered: manifest.covered, bars: n, bytes: seriesBytes(cacheDir, key), holes};
}
