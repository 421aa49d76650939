/**
 * Minute-bar CSV reader: header `timestamp,open,high,low,close,volume`,
 * timestamp = bar start in ISO-8601 UTC, symbol from the file name. Only regular-session
 * bars are kept; a duplicate (symbol, start) keeps the first row. Malformed rows are errors
 * naming the file and line.
 */
import {parseMicros} from '../../core/money.js';
import {isRealDateTime, isRegularSessionStart, nyDate} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import {DataError} from '../../core/errors.js';
import {expandDataPaths, readDataFile, symbolFromFileName} from './files.js';

export const MINUTE_HEADER = 'timestamp,open,high,low,close,volume';

export interface MinuteData {
	/** Bars per symbol, ascending by start, regular session only. */
	readonly bars: Map<string, Bar[]>;
	readonly files: string[];
	readonly droppedOutOfSession: number;
	readonly duplicates: number;
	/** Duplicates whose prices or volume differ from the row kept (the first): reported. */
	readonly conflicts: number;
}

export function isMinuteCsvName(name: string): boolean {
	return name.toLowerCase().endsWith('.csv');
}

/** Same prices and volume: a repeated row, not a conflicting one. */
function sameBar(a: Bar, b: Bar): boolean {
	return a.open === b.open && a.high === b.high && a.low === b.low && a.close === b.close && a.volume === b.volume;
}

export function parseMinuteCsv(
	text: string,
	file: string,
	symbol = symbolFromFileName(file),
): {bars: Bar[]; dropped: number; duplicates: number; conflicts: number} {
	const lines = text.split(/\r?\n/);
	const header = (lines[0] ?? '')
		.trim()
		.replace(/^\uFEFF/, '')
		.toLowerCase();
	if (header !== MINUTE_HEADER) throw new DataError(`${file}:1: expected header "${MINUTE_HEADER}", found "${header.slice(0, 60)}"`);
	const bars: Bar[] = [];
	let dropped = 0;
	for (let i = 1; i < lines.length; i++) {
		const line = lines[i]!;
		if (line.trim() === '') continue;
		const cells = line.split(',');
		const where = `${file}:${i + 1}`;
		if (cells.length !== 6) throw new DataError(`${where}: expected 6 fields, found ${cells.length}`);
		const start = Date.parse(cells[0]!);
		if (Number.isNaN(start) || !/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:?\d\d)$/.test(cells[0]!.trim()) || !isRealDateTime(cells[0]!.trim())) {
			throw new DataError(`${where}: bad timestamp "${cells[0]}" (want ISO-8601 UTC like 2019-02-11T14:30:00Z)`);
		}
		const open = parseMicros(cells[1]!);
		const high = parseMicros(cells[2]!);
		const low = parseMicros(cells[3]!);
		const close = parseMicros(cells[4]!);
		const volume = Number(cells[5]);
		for (const [name, value] of [
			['open', open],
			['high', high],
			['low', low],
			['close', close],
		] as const) {
			if (!(value > 0)) throw new DataError(`${where}: bad ${name} price "${cells[['open', 'high', 'low', 'close'].indexOf(name) + 1]}"`);
		}
		if (!Number.isFinite(volume) || volume < 0 || cells[5]!.trim() === '') throw new DataError(`${where}: bad volume "${cells[5]}"`);
		if (!isRegularSessionStart(start)) {
			dropped += 1;
			continue;
		}
		bars.push({symbol, start, open, high, low, close, volume});
	}
	bars.sort((a, b) => a.start - b.start);
	let duplicates = 0;
	const unique: Bar[] = [];
	let conflicts = 0;
	for (const bar of bars) {
		const kept = unique[unique.length - 1];
		if (kept !== undefined && kept.start === bar.start) {
			duplicates += 1;
			if (!sameBar(kept, bar)) conflicts += 1;
			continue;
		}
		unique.push(bar);
	}
	return {bars: unique, dropped, duplicates, conflicts};
}

/** Read minute CSVs from files or folders; optionally only the given symbols. */
export function loadMinuteData(paths: readonly string[], symbols?: readonly string[]): MinuteData {
	const files = expandDataPaths(paths, isMinuteCsvName);
	if (files.length === 0) throw new DataError(`no .csv files in ${paths.join(', ')}`);
	const wanted = symbols && symbols.length > 0 ? new Set(symbols) : null;
	const bars = new Map<string, Bar[]>();
	let dropped = 0;
	let duplicates = 0;
	let conflicts = 0;
	for (const file of files) {
		const symbol = symbolFromFileName(file);
		if (wanted && !wanted.has(symbol)) continue;
		const text = readDataFile(file);
		const parsed = parseMinuteCsv(text, file, symbol);
		dropped += parsed.dropped;
		conflicts += parsed.conflicts;
		const existing = bars.get(symbol);
		if (!existing) {
			bars.set(symbol, parsed.bars);
			duplicates += parsed.duplicates;
			continue;
		}
		// Same symbol in several files (one per session): merge, first row wins on duplicates.
		const seen = new Map(existing.map(b => [b.start, b]));
		for (const bar of parsed.bars) {
			const kept = seen.get(bar.start);
			if (kept === undefined) existing.push(bar);
			else {
				duplicates += 1;
				if (!sameBar(kept, bar)) conflicts += 1;
			}
		}
		existing.sort((a, b) => a.start - b.start);
		duplicates += parsed.duplicates;
	}
	if (wanted) {
		// A file whose rows all lie outside the regular session (or a header alone) is no data.
		const missing = [...wanted].filter(s => (bars.get(s)?.length ?? 0) === 0);
		if (missing.length > 0) {
			const note = dropped > 0 ? ` (${dropped} row${dropped === 1 ? '' : 's'} outside the regular session 09:30-16:00 New York dropped)` : '';
			throw new DataError(`no minute data for ${missing.join(', ')} in ${paths.join(', ')}${note}`);
		}
	}
	return {bars, files, droppedOutOfSession: dropped, duplicates, conflicts};
}

export interface BarSession {
	/** New York date of the session. */
	readonly date: string;
	/** Every symbol's bars of the session, ascending by start, then by symbol name. */
	readonly bars: readonly Bar[];
}

/** Split per-symbol bars into New York sessions, each merged in arrival order. */
export function toSessions(bars: Map<string, Bar[]>): BarSession[] {
	const byDate = new Map<string, Bar[]>();
	for (const list of bars.values()) {
		for (const bar of list) {
			const date = nyDate(bar.start);
			let day = byDate.get(date);
			if (!day) {
				day = [];
				byDate.set(date, day);
			}
			day.push(bar);
		}
	}
	return [...byDate.entries()]
		.sort(([a], [b]) => (a < b ? -1 : 1))
		.map(([date, list]) => ({
			date,
			bars: list.sort((a, b) => a.start - b.start || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0)),
		}));
}
