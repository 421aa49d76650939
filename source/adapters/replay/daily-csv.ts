/**
 * Daily bar reader: the all_stocks_5yr layout `date,open,high,low,close,volume,Name`
 * (many symbols in one file) and per-symbol files `date,open,high,low,close,volume`, whose symbol
 * is the file name up to the first `_` or `.`. `--data` names files or folders (their top-level
 * CSVs). Rows with an empty field are skipped and counted; a malformed number or date throws a
 * DataError whose one-line message names the file and line. A repeated (symbol, date) keeps
 * the first row. Prices become exact micro-dollars without going through floating point.
 *
 * Built for the full 5-year, 500-symbol file: one pass over the text with indexOf, no regular
 * expressions or splits per row, typed arrays at the end.
 */
import {DataError} from '../../core/errors.js';
import {expandDataPaths, readDataFile, symbolFromFileName} from './files.js';
import type {DailyDataSet, DailySeries} from '../../core/daily-bars.js';
import {type Micros, microsColumn, parseDecimalMicros} from '../../core/money.js';

// The CSV scanner's decimal parser lives with the other money conversions; re-exported for its tests.
export {parseDecimalMicros};

const REQUIRED = ['date', 'open', 'high', 'low', 'close', 'volume'] as const;

export {symbolFromFileName};

/** The CSV files a `--data` argument stands for (folders: top-level `*.csv`, sorted). */
export function listDailyFiles(paths: string | readonly string[]): string[] {
	const files: string[] = [];
	for (const path of typeof paths === 'string' ? [paths] : paths) {
		const found = expandDataPaths([path], name => /\.csv$/i.test(name));
		if (found.length === 0) throw new DataError(`no CSV files in data folder: ${path}`);
		files.push(...found);
	}
	if (files.length === 0) throw new DataError('no data files given');
	return files;
}

interface Builder {
	readonly symbol: string;
	readonly keys: number[];
	readonly open: number[];
	readonly high: number[];
	readonly low: number[];
	readonly close: number[];
	readonly volume: number[];
}

/** Collects rows from any number of files, then freezes them into a DailyDataSet. */
export class DailyDataBuilder {
	private readonly builders = new Map<string, Builder>();
	private readonly files: string[] = [];
	private skipped = 0;

	/** Parse one file's text. `file` names it in errors and gives per-symbol files their symbol. */
	addText(text: string, file: string): void {
		this.files.push(file);
		parseInto(text, file, this);
	}

	addFile(path: string): void {
		this.addText(readDataFile(path), path);
	}

	/** @internal */
	builderFor(symbol: string): Builder {
		let b = this.builders.get(symbol);
		if (!b) {
			b = {symbol, keys: [], open: [], high: [], low: [], close: [], volume: []};
			this.builders.set(symbol, b);
		}
		return b;
	}

	/** @internal */
	countSkipped(): void {
		this.skipped++;
	}

	build(): DailyDataSet {
		const allKeys = new Set<number>();
		for (const b of this.builders.values()) for (const k of b.keys) allKeys.add(k);
		const sortedKeys = [...allKeys].sort((a, b) => a - b);
		const dayOf = new Map<number, number>();
		for (let i = 0; i < sortedKeys.length; i++) dayOf.set(sortedKeys[i]!, i);
		const dates = sortedKeys.map(keyToDate);
		const series = new Map<string, DailySeries>();
		let duplicates = 0;
		const symbols = [...this.builders.keys()].sort();
		for (const symbol of symbols) {
			const b = this.builders.get(symbol)!;
			let order: number[] | null = null;
			for (let i = 1; i < b.keys.length; i++) {
				if (b.keys[i]! <= b.keys[i - 1]!) {
					// Unsorted or repeated dates: a stable sort keeps the first of equal dates first.
					order = b.keys.map((_, j) => j).sort((x, y) => b.keys[x]! - b.keys[y]!);
					break;
				}
			}
			const idx = order ?? null;
			const n = b.keys.length;
			const day = new Int32Array(n);
			const open = new Float64Array(n);
			const high = new Float64Array(n);
			const low = new Float64Array(n);
			const close = new Float64Array(n);
			const volume = new Float64Array(n);
			let m = 0;
			let prevKey = -1;
			for (let i = 0; i < n; i++) {
				const j = idx ? idx[i]! : i;
				const key = b.keys[j]!;
				if (key === prevKey) {
					duplicates++;
					continue;
				}
				prevKey = key;
				day[m] = dayOf.get(key)!;
				open[m] = b.open[j]!;
				high[m] = b.high[j]!;
				low[m] = b.low[j]!;
				close[m] = b.close[j]!;
				volume[m] = b.volume[j]!;
				m++;
			}
			series.set(symbol, {
				symbol,
				length: m,
				day: m === n ? day : day.slice(0, m),
				open: microsColumn(m === n ? open : open.slice(0, m)),
				high: microsColumn(m === n ? high : high.slice(0, m)),
				low: microsColumn(m === n ? low : low.slice(0, m)),
				close: microsColumn(m === n ? close : close.slice(0, m)),
				volume: m === n ? volume : volume.slice(0, m),
			});
		}
		return {dates, symbols, series, skippedRows: this.skipped, duplicateRows: duplicates, files: [...this.files]};
	}
}

/** Read daily data from files and/or folders. Throws DataError with a one-line message. */
export function readDailyData(paths: string | readonly string[]): DailyDataSet {
	const builder = new DailyDataBuilder();
	for (const file of listDailyFiles(paths)) builder.addFile(file);
	const data = builder.build();
	if (data.dates.length === 0) throw new DataError(`no usable daily bars in ${typeof paths === 'string' ? paths : paths.join(', ')}`);
	return data;
}

/** Parse daily CSV text (tests, embedded samples). */
export function parseDailyCsv(text: string, file: string): DailyDataSet {
	const builder = new DailyDataBuilder();
	builder.addText(text, file);
	return builder.build();
}

function keyToDate(key: number): string {
	const y = Math.floor(key / 10000);
	const m = Math.floor(key / 100) % 100;
	const d = key % 100;
	return `${y}-${m < 10 ? '0' : ''}${m}-${d < 10 ? '0' : ''}${d}`;
}

function fail(file: string, line: number, message: string): never {
	throw new DataError(`${file}:${line}: ${message}`);
}

function shown(text: string): string {
	const t = text.length > 40 ? `${text.slice(0, 40)}...` : text;
	return JSON.stringify(t);
}

function parseInto(text: string, file: string, out: DailyDataBuilder): void {
	let pos = 0;
	if (text.charCodeAt(0) === 0xfeff) pos = 1;
	const len = text.length;
	// Header.
	let nl = text.indexOf('\n', pos);
	if (nl === -1) nl = len;
	const headerText = text.slice(pos, nl).replace(/\r$/, '');
	pos = nl + 1;
	const header = headerText.split(',').map(h => h.trim().toLowerCase());
	const col = new Int32Array(7).fill(-1);
	for (let i = 0; i < REQUIRED.length; i++) {
		col[i] = header.indexOf(REQUIRED[i]!);
		if (col[i] === -1) fail(file, 1, `not a daily bar CSV: header lacks "${REQUIRED[i]}" (want date,open,high,low,close,volume[,Name])`);
	}
	col[6] = header.indexOf('name');
	const nameCol = col[6]!;
	const fileSymbol = nameCol === -1 ? symbolFromFileName(file) : '';
	if (nameCol === -1 && fileSymbol === '') fail(file, 1, 'cannot tell the symbol from the file name');
	const fieldCount = header.length;
	const starts = new Int32Array(fieldCount);
	const ends = new Int32Array(fieldCount);
	let lineNo = 1;
	let current: Builder | null = nameCol === -1 ? out.builderFor(fileSymbol) : null;
	let currentName = '';
	const dateCol = col[0]!;
	const openCol = col[1]!;
	const highCol = col[2]!;
	const lowCol = col[3]!;
	const closeCol = col[4]!;
	const volumeCol = col[5]!;
	while (pos < len) {
		lineNo++;
		nl = text.indexOf('\n', pos);
		if (nl === -1) nl = len;
		let end = nl;
		if (end > pos && text.charCodeAt(end - 1) === 13) end--;
		const lineStart = pos;
		pos = nl + 1;
		if (end === lineStart) continue; // blank line
		// Split into fields.
		let f = 0;
		let s = lineStart;
		let empty = false;
		for (let i = lineStart; i <= end; i++) {
			if (i === end || text.charCodeAt(i) === 44) {
				if (f >= fieldCount) fail(file, lineNo, `expected ${fieldCount} fields, found more`);
				starts[f] = s;
				ends[f] = i;
				if (i === s) empty = true;
				f++;
				s = i + 1;
			}
		}
		if (f !== fieldCount) fail(file, lineNo, `expected ${fieldCount} fields, found ${f}`);
		if (empty) {
			out.countSkipped();
			continue;
		}
		const key = parseDateKey(text, starts[dateCol]!, ends[dateCol]!);
		if (key === IMPOSSIBLE_DATE) fail(file, lineNo, `no such date ${shown(text.slice(starts[dateCol]!, ends[dateCol]!))}`);
		if (key < 0) fail(file, lineNo, `malformed date ${shown(text.slice(starts[dateCol]!, ends[dateCol]!))}`);
		const open = priceField(text, starts[openCol]!, ends[openCol]!, file, lineNo, 'open');
		const high = priceField(text, starts[highCol]!, ends[highCol]!, file, lineNo, 'high');
		const low = priceField(text, starts[lowCol]!, ends[lowCol]!, file, lineNo, 'low');
		const close = priceField(text, starts[closeCol]!, ends[closeCol]!, file, lineNo, 'close');
		const vm = parseDecimalMicros(text, starts[volumeCol]!, ends[volumeCol]!);
		if (!(vm >= 0)) fail(file, lineNo, `malformed volume ${shown(text.slice(starts[volumeCol]!, ends[volumeCol]!))}`);
		if (nameCol !== -1) {
			const ns = starts[nameCol]!;
			const ne = ends[nameCol]!;
			if (current === null || ne - ns !== currentName.length || !text.startsWith(currentName, ns)) {
				currentName = text.slice(ns, ne);
				const symbol = currentName.trim().toUpperCase();
				if (symbol === '') fail(file, lineNo, 'empty Name');
				current = out.builderFor(symbol);
			}
		}
		const b = current!;
		b.keys.push(key);
		b.open.push(open);
		b.high.push(high);
		b.low.push(low);
		b.close.push(close);
		b.volume.push(vm / 1_000_000);
	}
}

function priceField(text: string, start: number, end: number, file: string, line: number, name: string): Micros {
	const v = parseDecimalMicros(text, start, end);
	if (Number.isNaN(v)) fail(file, line, `malformed ${name} ${shown(text.slice(start, end))}`);
	if (v <= 0) fail(file, line, `${name} must be positive, got ${shown(text.slice(start, end))}`);
	return v;
}

/** YYYY-MM-DD at [start, end) as yyyymmdd, or -1. */
function parseDateKey(text: string, start: number, end: number): number {
	if (end - start !== 10) return -1;
	if (text.charCodeAt(start + 4) !== 45 || text.charCodeAt(start + 7) !== 45) return -1;
	let y = 0;
	for (let i = start; i < start + 4; i++) {
		const c = text.charCodeAt(i) - 48;
		if (c < 0 || c > 9) return -1;
		y = y * 10 + c;
	}
	const m1 = text.charCodeAt(start + 5) - 48;
	const m2 = text.charCodeAt(start + 6) - 48;
	const d1 = text.charCodeAt(start + 8) - 48;
	const d2 = text.charCodeAt(start + 9) - 48;
	if (m1 < 0 || m1 > 9 || m2 < 0 || m2 > 9 || d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return -1;
	const m = m1 * 10 + m2;
	const d = d1 * 10 + d2;
	if (m < 1 || m > 12 || d < 1 || d > 31) return -1;
	// 2019-02-30 is well formed but no day: refused, never rolled over to March.
	if (d > daysInMonth(y, m)) return IMPOSSIBLE_DATE;
	return y * 10000 + m * 100 + d;
}

const IMPOSSIBLE_DATE = -2;

function daysInMonth(year: number, month: number): number {
	if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
	return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
