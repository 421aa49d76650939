/**
 * The bar cache on disk. Per series (symbol, timeframe, feed, adjustment) a folder holds one
 * Arrow file per period (New York month for minute bars, year for daily bars) and a
 * `manifest.json` with the covered date ranges and, per file, its name, size, CRC-32 and bar
 * count. Writes never touch a live file: a period is written under a new name, the manifest is
 * replaced atomically (write + rename), then the old file is deleted; a kill at any point
 * leaves a manifest that matches the files it names (an orphan file at worst, removed by the
 * next write). Reads check size and CRC before decoding and then the bars themselves, so a
 * damaged cache is one clear error (DataError: exit 2), never a wrong bar.
 */
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, readSync, renameSync, rmSync, statSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {MINUTE_MS} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import {DataError} from '../../core/errors.js';
import {crc32} from './checksum.js';
import {readBarFile} from './arrow-file.js';
import {barsToColumns, decodeColumns, encodeColumns, type BarColumns} from './columns.js';
import {ADJUSTMENTS, barsRoot, decodeSymbol, describeKey, FEEDS, periodBounds, seriesDir, TIMEFRAMES, type SeriesKey} from './key.js';
import {normalize, union, type DateRange} from './ranges.js';

export const MANIFEST = 'manifest.json';
const FORMAT = 'scalp-tui-bars';

export interface FileEntry {
	readonly file: string;
	readonly bytes: number;
	readonly crc32: number;
	readonly bars: number;
}

export interface Manifest {
	readonly format: typeof FORMAT;
	readonly version: 1;
	readonly symbol: string;
	readonly timeframe: SeriesKey['timeframe'];
	readonly feed: SeriesKey['feed'];
	readonly adjustment: SeriesKey['adjustment'];
	/** New York dates fully fetched (a trading day inside them without bars had none). */
	readonly covered: DateRange[];
	/** Period ("2024-03" or "2024") -> its file. */
	readonly files: Record<string, FileEntry>;
}

function emptyManifest(key: SeriesKey): Manifest {
	return {format: FORMAT, version: 1, symbol: key.symbol, timeframe: key.timeframe, feed: key.feed, adjustment: key.adjustment, covered: [], files: {}};
}

function corrupt(path: string, why: string): DataError {
	return new DataError(`cache file ${path} is damaged (${why}): delete it with \`scalp-tui data rm\` and fetch again`);
}

function validManifest(value: unknown, key: SeriesKey): value is Manifest {
	const m = value as Manifest;
	if (
		!m ||
		m.format !== FORMAT ||
		m.version !== 1 ||
		m.symbol !== key.symbol ||
		m.timeframe !== key.timeframe ||
		m.feed !== key.feed ||
		m.adjustment !== key.adjustment
	)
		return false;
	if (!Array.isArray(m.covered) || !m.covered.every(r => Array.isArray(r) && r.length === 2 && typeof r[0] === 'string' && typeof r[1] === 'string'))
		return false;
	if (typeof m.files !== 'object' || m.files === null) return false;
	return Object.values(m.files).every(
		f => f && typeof f.file === 'string' && !f.file.includes('/') && Number.isInteger(f.bytes) && Number.isInteger(f.crc32) && Number.isInteger(f.bars),
	);
}

/** The series' manifest, or null when nothing is cached for it. */
export function readManifest(cacheDir: string, key: SeriesKey): Manifest | null {
	const path = join(seriesDir(cacheDir, key), MANIFEST);
	// Read without an existsSync first: a load opens 1,000 manifests, and a missing one is rare.
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT' || code === 'ENOTDIR') return null;
		throw corrupt(path, 'not valid JSON');
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw corrupt(path, 'not valid JSON');
	}
	if (!validManifest(parsed, key)) throw corrupt(path, `not a manifest of ${describeKey(key)}`);
	return parsed;
}

function writeAtomic(path: string, data: string | Uint8Array): void {
	const tmp = `${path}.${process.pid}.tmp`;
	writeFileSync(tmp, data);
	renameSync(tmp, path);
}

/**
 * Read and verify one period's file: size, CRC, layout, then every bar's sanity. With `into`
 * (at least entry.bytes + 1 long) the bytes are read there, and the columns are views of it: a
 * load reads all its files into a few large buffers instead of allocating one per file.
 */
export function readPeriod(cacheDir: string, key: SeriesKey, entry: FileEntry, into?: Uint8Array): BarColumns {
	const path = join(seriesDir(cacheDir, key), entry.file);
	let bytes: Uint8Array;
	try {
		bytes = into ? readInto(path, into) : readFileSync(path);
	} catch (error) {
		throw corrupt(path, `cannot read it: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
	}
	if (bytes.length !== entry.bytes) throw corrupt(path, `${bytes.length} bytes, the manifest says ${entry.bytes}`);
	if (crc32(bytes) !== entry.crc32) throw corrupt(path, 'checksum mismatch');
	let cols: BarColumns;
	try {
		// The cache's own layout directly; anything else through the library.
		cols = readBarFile(bytes) ?? decodeColumns(bytes);
	} catch (error) {
		throw corrupt(path, (error as Error).message);
	}
	if (cols.length !== entry.bars) throw corrupt(path, `${cols.length} bars, the manifest says ${entry.bars}`);
	const {t, o, h, l, c, v} = cols;
	for (let i = 0; i < cols.length; i++) {
		// A checksum collision is unlikely; a bad writer is not: check what a bar must be.
		if ((i > 0 && t[i]! <= t[i - 1]!) || !(o[i]! > 0 && h[i]! > 0 && l[i]! > 0 && c[i]! > 0 && v[i]! >= 0)) throw corrupt(path, `bad bar at row ${i + 1}`);
	}
	return cols;
}

/** The file's bytes read into `into` (one byte more than expected: a longer file shows). */
function readInto(path: string, into: Uint8Array): Uint8Array {
	const fd = openSync(path, 'r');
	try {
		let got = 0;
		while (got < into.length) {
			const n = readSync(fd, into, got, into.length - got, null);
			if (n === 0) break;
			got += n;
		}
		return into.subarray(0, got);
	} finally {
		closeSync(fd);
	}
}

/** Existing columns merged with new bars (ascending, unique); a new bar replaces an old one. */
function merge(symbol: string, old: BarColumns | null, fresh: readonly Bar[]): Bar[] {
	if (!old || old.length === 0) return [...fresh];
	const out: Bar[] = [];
	let i = 0;
	let j = 0;
	while (i < old.length || j < fresh.length) {
		const oldStart = i < old.length ? old.t[i]! * MINUTE_MS : Infinity;
		const newStart = j < fresh.length ? fresh[j]!.start : Infinity;
		if (newStart <= oldStart) {
			out.push(fresh[j++]!);
			if (newStart === oldStart) i++;
		} else {
			out.push({symbol, start: oldStart, open: old.o[i]!, high: old.h[i]!, low: old.l[i]!, close: old.c[i]!, volume: old.v[i]!});
			i++;
		}
	}
	return out;
}

/**
 * Add the bars of one period and mark `covered` (inside that period) as fetched. `bars` must
 * be ascending with unique starts and lie inside the period. Returns the new manifest.
 */
export function writePeriod(cacheDir: string, key: SeriesKey, period: string, bars: readonly Bar[], covered: DateRange | null): Manifest {
	const dir = seriesDir(cacheDir, key);
	mkdirSync(dir, {recursive: true});
	const manifest = readManifest(cacheDir, key) ?? emptyManifest(key);
	const previous = manifest.files[period];
	let files = manifest.files;
	if (bars.length > 0) {
		const old = previous ? readPeriod(cacheDir, key, previous) : null;
		const merged = merge(key.symbol, old, bars);
		const bytes = encodeColumns(barsToColumns(merged));
		const checksum = crc32(bytes);
		const file = `${period}.${checksum.toString(16).padStart(8, '0')}.${Date.now().toString(36)}.arrow`;
		writeAtomic(join(dir, file), bytes);
		files = {...files, [period]: {file, bytes: bytes.length, crc32: checksum, bars: merged.length}};
	}
	const bounds = periodBounds(period);
	const next: Manifest = {
		...manifest,
		files,
		covered: covered
			? union(manifest.covered, [[covered[0] < bounds.from ? bounds.from : covered[0], covered[1] > bounds.to ? bounds.to : covered[1]]])
			: normalize(manifest.covered),
	};
	writeAtomic(join(dir, MANIFEST), `${JSON.stringify(next, null, 1)}\n`);
	removeOrphans(dir, next);
	return next;
}

/** Files the manifest does not name (replaced periods, a write cut short). */
function removeOrphans(dir: string, manifest: Manifest): void {
	const live = new Set(Object.values(manifest.files).map(f => f.file));
	for (const name of readdirSync(dir)) {
		if (name === MANIFEST || live.has(name)) continue;
		if (name.endsWith('.arrow') || name.endsWith('.tmp')) rmSync(join(dir, name), {force: true});
	}
}

/** Every series in the cache (folders with a manifest), optionally only some symbols. */
export function listSeries(cacheDir: string, symbols?: readonly string[]): SeriesKey[] {
	const root = barsRoot(cacheDir);
	if (!existsSync(root)) return [];
	const wanted = symbols && symbols.length > 0 ? new Set(symbols) : null;
	const out: SeriesKey[] = [];
	for (const timeframe of TIMEFRAMES) {
		for (const feed of FEEDS) {
			for (const adjustment of ADJUSTMENTS) {
				const dir = join(root, timeframe, `${feed}-${adjustment}`);
				if (!existsSync(dir)) continue;
				for (const folder of readdirSync(dir).sort()) {
					const symbol = decodeSymbol(folder);
					if (wanted && !wanted.has(symbol)) continue;
					if (existsSync(join(dir, folder, MANIFEST))) out.push({symbol, timeframe, feed, adjustment});
				}
			}
		}
	}
	return out;
}

/** Delete a series' folder; returns its size in bytes. */
export function removeSeries(cacheDir: string, key: SeriesKey): number {
	const dir = seriesDir(cacheDir, key);
	if (!existsSync(dir)) return 0;
	let bytes = 0;
	for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
	rmSync(dir, {recursive: true, force: true});
	return bytes;
}

/** Total bytes of a series' files. */
export function seriesBytes(cacheDir: string, key: SeriesKey): number {
	const dir = seriesDir(cacheDir, key);
	if (!existsSync(dir)) return 0;
	let bytes = 0;
	for (const name of readdirSync(dir)) bytes += statSync(join(dir, name)).size;
	return bytes;
}
