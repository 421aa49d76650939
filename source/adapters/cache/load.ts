/**
 * `loadBars`: minute bars of many symbols over New York dates from the cache, as the backtest
 * runner (and the SIM console, emulate, sweeps) consume them: sessions in arrival order (start,
 * then symbol), as columns (core/session-columns.ts) and, built on demand, as Bar objects. Every file is verified (store.ts). Dates the cache does not cover are
 * an error naming the exact `data fetch` command that gets them; holes are counted, not filled.
 *
 * Sessions are built without sorting and without an object per bar: symbols are walked in name
 * order and each day's rows are placed by a counting pass over their minute of the day, O(bars).
 */
import {addDays, closeTimeOfDayMs, isTradingDay} from '../../core/trading-days.js';
import {MINUTE_MS, nyDate, nyMidnight, REGULAR_OPEN_MS} from '../../core/time.js';
import type {Bar} from '../../core/types.js';
import {allocateSessions, SessionBuffer, sessionBars, type ColumnarSession} from '../../core/session-columns.js';
import type {DataSummary} from '../../core/data-summary.js';
import type {BarSession} from '../replay/minute-csv.js';
import {DataError} from '../../core/errors.js';
import {defaultCacheDir} from './cache-dir.js';
import {columnsToBars, type BarColumns} from './columns.js';
import {DEFAULT_KIND, periodBounds, type CacheAdjustment, type CacheFeed, type CacheTimeframe, type SeriesKey} from './key.js';
import {covers, formatRanges, subtract} from './ranges.js';
import {readManifest, readPeriod} from './store.js';

export interface LoadBarsRequest {
	readonly symbols: readonly string[];
	/** New York dates, inclusive (YYYY-MM-DD). */
	readonly from: string;
	readonly to: string;
	readonly timeframe?: CacheTimeframe;
	readonly feed?: CacheFeed;
	readonly adjustment?: CacheAdjustment;
	/** Default: defaultCacheDir(). */
	readonly cacheDir?: string;
	/** True when cacheDir came from a flag: the fetch hint then repeats it. */
	readonly cacheDirExplicit?: boolean;
	/** Back the columns by a SharedArrayBuffer (sessions posted to workers are then not copied). */
	readonly shared?: boolean;
}

/** A request without its symbols: which cached dates and series (the SIM console's `--date`). */
export type CacheSelection = Omit<LoadBarsRequest, 'symbols'>;

export interface LoadedBars {
	/** Sessions in date order as columns, rows by (start, symbol): what the bar replay takes (built on first use). */
	readonly columns: ColumnarSession[];
	/**
	 * The same sessions one at a time, each filled when taken into room reused for the next:
	 * a session's columns hold until the next one is taken. For a replay that opens sessions
	 * in order (a backtest): one day of fresh memory instead of the range's.
	 */
	streamColumns(): Iterable<ColumnarSession>;
	/** The symbols asked for, sorted: `columns`' symbol table. */
	readonly symbols: readonly string[];
	/** The same sessions as Bar objects (built on first use). */
	readonly sessions: BarSession[];
	/** Per symbol, ascending. */
	readonly bars: Map<string, Bar[]>;
	readonly summary: DataSummary;
}

/** The command that fetches what a request lacks. */
export function fetchCommand(symbols: readonly string[], request: LoadBarsRequest): string {
	const parts = ['scalp-tui data fetch', ...symbols, '--from', request.from, '--to', request.to];
	const kind = {...DEFAULT_KIND, ...definedKind(request)};
	if (kind.timeframe !== DEFAULT_KIND.timeframe) parts.push('--timeframe', kind.timeframe);
	if (kind.feed !== DEFAULT_KIND.feed) parts.push('--feed', kind.feed);
	if (kind.adjustment !== DEFAULT_KIND.adjustment) parts.push('--adjustment', kind.adjustment);
	if (request.cacheDirExplicit && request.cacheDir) parts.push('--cache-dir', request.cacheDir);
	return parts.join(' ');
}

function definedKind(r: LoadBarsRequest): Partial<typeof DEFAULT_KIND> {
	return {...(r.timeframe ? {timeframe: r.timeframe} : {}), ...(r.feed ? {feed: r.feed} : {}), ...(r.adjustment ? {adjustment: r.adjustment} : {})};
}

/** Binary search in [lo, hi): first index with t >= minute (hi when none). */
function lowerBound(t: Int32Array, minute: number, lo = 0, hi = t.length): number {
	while (lo < hi) {
		const mid = (lo + hi) >>> 1;
		if (t[mid]! < minute) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

export function loadBars(request: LoadBarsRequest): LoadedBars {
	const kind = {...DEFAULT_KIND, ...definedKind(request)};
	const cacheDir = request.cacheDir ?? defaultCacheDir();
	const {from, to} = request;
	if (from > to) throw new DataError(`--from ${from} is after --to ${to}`);
	const symbols = [...new Set(request.symbols)].sort();
	if (symbols.length === 0) throw new DataError('no symbols to load from the cache');

	// Every symbol must be covered before anything is read: one message lists them all.
	const manifests = symbols.map(symbol => ({key: {symbol, ...kind} as SeriesKey, manifest: readManifest(cacheDir, {symbol, ...kind})}));
	const lacking = manifests.filter(m => !m.manifest || !covers(m.manifest.covered, [from, to]));
	if (lacking.length > 0) {
		const detail =
			lacking.length === 1 && lacking[0]!.manifest && lacking[0]!.manifest.covered.length > 0
				? ` (missing ${formatRanges(subtract([from, to], lacking[0]!.manifest.covered))})`
				: '';
		const names = lacking.map(m => m.key.symbol);
		throw new DataError(
			`no cached ${kind.timeframe} ${kind.feed} ${kind.adjustment} bars for ${names.join(', ')} on ${from === to ? from : `${from}..${to}`}${detail}: run \`${fetchCommand(names, {...request, cacheDir})}\``,
		);
	}

	// Day boundaries of the range (DST days are 23 or 25 hours long).
	const days: string[] = [];
	for (let d = from; d <= to; d = addDays(d, 1)) days.push(d);
	const bounds = new Float64Array(days.length + 1);
	for (let i = 0; i <= days.length; i++) bounds[i] = nyMidnight(i < days.length ? days[i]! : addDays(to, 1));
	const trading = days.map(isTradingDay);
	const expected = days.map(d => (closeTimeOfDayMs(d) - REGULAR_OPEN_MS) / MINUTE_MS);
	const holes = {missingMinutes: 0, daysWithHoles: 0, missingDays: 0, missingDayList: [] as string[]};
	const nDays = days.length;
	// Day boundaries and slots in epoch minutes (integers: New York offsets are whole hours).
	const dayMinute = new Float64Array(nDays + 1);
	for (let d = 0; d <= nDays; d++) dayMinute[d] = bounds[d]! / MINUTE_MS;
	const fromMinute = dayMinute[0]!;
	const toMinute = dayMinute[nDays]!;

	// Pass 1: read and verify every file; cut each into per-day pieces (symbol order) and
	// count bars per day and minute of the day.
	const pieces: Piece[][] = Array.from({length: nDays}, () => []);
	const slots = Array.from({length: nDays}, () => new Int32Array(SLOTS));
	const perSymbolDay = new Int32Array(nDays);
	let narrowPrices = true;
	let narrowVolume = true;
	let total = 0;
	const periodsOf = manifests.map(({manifest}) =>
		Object.keys(manifest!.files)
			.filter(p => {
				const b = periodBounds(p);
				return b.to >= from && b.from <= to;
			})
			.sort(),
	);
	const buffers = new ReadBuffers(periodsOf.flatMap((periods, i) => periods.map(p => manifests[i]!.manifest!.files[p]!.bytes)));
	for (let symbolIndex = 0; symbolIndex < manifests.length; symbolIndex++) {
		const {key, manifest} = manifests[symbolIndex]!;
		perSymbolDay.fill(0);
		for (const period of periodsOf[symbolIndex]!) {
			const entry = manifest!.files[period]!;
			const cols: BarColumns = readPeriod(cacheDir, key, entry, buffers.next(entry.bytes));
			// Session columns stay Uint32 while every file's do (see core/session-columns.ts).
			if (!(cols.o instanceof Uint32Array && cols.h instanceof Uint32Array && cols.l instanceof Uint32Array && cols.c instanceof Uint32Array))
				narrowPrices = false;
			if (!(cols.v instanceof Uint32Array)) narrowVolume = false;
			const lo = lowerBound(cols.t, fromMinute);
			const hi = lowerBound(cols.t, toMinute);
			if (hi <= lo) continue;
			// Day by day: each day's rows are one run (found by binary search), counted by minute
			// in a small loop of its own.
			const t = cols.t;
			let d = 0;
			for (let i = lo; i < hi; ) {
				while (t[i]! >= dayMinute[d + 1]!) d++;
				const end = lowerBound(t, dayMinute[d + 1]!, i, hi);
				pieces[d]!.push({symbolIndex, cols, lo: i, hi: end});
				countMinutes(t, i, end, slots[d]!, dayMinute[d]!);
				perSymbolDay[d]! += end - i;
				i = end;
			}
			total += hi - lo;
		}
		for (let d = 0; d < nDays; d++) {
			if (!trading[d]) continue;
			const count = perSymbolDay[d]!;
			if (count === 0) {
				holes.missingDays += 1;
				if (holes.missingDayList.length < 5) holes.missingDayList.push(`${key.symbol} ${days[d]}`);
			} else if (kind.timeframe === '1Min' && count < expected[d]!) {
				holes.missingMinutes += expected[d]! - count;
				holes.daysWithHoles += 1;
			}
		}
	}

	// Pass 2 (on demand): place each day's bars at their rows (a counting sort by minute, see fillSession).
	const kept: number[] = [];
	const dayRows: number[] = [];
	for (let d = 0; d < nDays; d++) {
		let rows = 0;
		for (const piece of pieces[d]!) rows += piece.hi - piece.lo;
		if (rows > 0) {
			kept.push(d);
			dayRows.push(rows);
		}
	}
	const widths = {narrowPrices, narrowVolume};
	const summary: DataSummary = {
		source: 'cache',
		location: cacheDir,
		timeframe: kind.timeframe,
		feed: kind.feed,
		adjustment: kind.adjustment,
		from,
		to,
		bars: total,
		sessions: kept.length,
		holes,
	};
	/** Day k of the kept days placed into `out` from these pieces (the files' rows of that day). */
	const fillDay = (out: ColumnarSession, k: number, dayPieces: Piece[]): void => {
		const d = kept[k]!;
		fillSession(out, dayPieces, slots[d]!, dayMinute[d]!);
	};
	let columns: ColumnarSession[] | null = null;
	const builtColumns = (): ColumnarSession[] => {
		if (!columns) {
			columns = allocateSessions(
				kept.map(d => days[d]!),
				dayRows,
				symbols,
				request.shared ?? false,
				widths,
			);
			for (let k = 0; k < kept.length; k++) fillDay(columns[k]!, k, pieces[kept[k]!]!);
			// The files' bytes are no longer needed: every row is in the columns now.
			pieces.length = 0;
		}
		return columns;
	};
	let asBars: BarSession[] | null = null;
	let bySymbol: Map<string, Bar[]> | null = null;
	return {
		get columns(): ColumnarSession[] {
			return builtColumns();
		},
		*streamColumns(): Iterable<ColumnarSession> {
			if (columns) {
				yield* columns;
				return;
			}
			// Its own hold on the files: building `columns` meanwhile lets go of them.
			const dayPieces = kept.map(d => pieces[d]!);
			const room = new SessionBuffer(Math.max(0, ...dayRows), symbols, widths);
			for (let k = 0; k < kept.length; k++) {
				const session = room.session(days[kept[k]!]!, dayRows[k]!);
				fillDay(session, k, dayPieces[k]!);
				yield session;
			}
		},
		symbols,
		summary,
		// Bar objects only when asked for (a backtest replays the columns).
		get sessions(): BarSession[] {
			asBars ??= builtColumns().map(session => ({date: session.date, bars: sessionBars(session)}));
			return asBars;
		},
		get bars(): Map<string, Bar[]> {
			if (!bySymbol) {
				bySymbol = new Map(manifests.map(m => [m.key.symbol, [] as Bar[]]));
				for (const session of this.sessions) for (const bar of session.bars) bySymbol.get(bar.symbol)!.push(bar);
			}
			return bySymbol;
		},
	};
}

/** Adds rows [from, to) of one day to that day's per-minute counts. */
function countMinutes(t: Int32Array, from: number, to: number, perMinute: Int32Array, dayStart: number): void {
	for (let i = from; i < to; i++) perMinute[t[i]! - dayStart]! += 1;
}

/** Minutes in the longest New York day (25 h). */
const SLOTS = 25 * 60;

/** A file's bytes plus one (a longer file shows), rounded up to 8 (views stay aligned). */
const slotBytes = (bytes: number): number => (bytes + 8) & ~7;

/**
 * Room to read a load's files into: a few large buffers carved in file order, where
 * readFileSync would allocate one per file (1,000 allocations and their collection).
 */
class ReadBuffers {
	private buffer = new Uint8Array(0);
	private at = 0;
	private remaining: number;

	constructor(sizes: readonly number[]) {
		this.remaining = 0;
		for (const n of sizes) this.remaining += slotBytes(n);
	}

	next(bytes: number): Uint8Array {
		const need = slotBytes(bytes);
		if (this.at + need > this.buffer.length) {
			// At most 64 MB at a time: a long range does not need one huge allocation.
			this.buffer = new Uint8Array(Buffer.allocUnsafeSlow(Math.max(need, Math.min(this.remaining, 64 << 20))).buffer);
			this.at = 0;
		}
		const out = this.buffer.subarray(this.at, this.at + need);
		this.at += need;
		this.remaining -= need;
		return out;
	}
}

/** One file's rows [lo, hi), all on one day. */
interface Piece {
	readonly symbolIndex: number;
	readonly cols: BarColumns;
	readonly lo: number;
	readonly hi: number;
}

/**
 * Rows of one day in (minute, symbol) order; `perMinute[k]` bars start k minutes after
 * midnight. A counting sort: each minute's first row is known from the counts, and pieces are
 * walked in symbol order, each bar written at its minute's next row. Reads are sequential per
 * piece; writes advance one row at a time in each minute's run of rows.
 */
function fillSession(out: ColumnarSession, pieces: Piece[], perMinute: Int32Array, dayStart: number): void {
	const next = new Int32Array(perMinute.length);
	let row = 0;
	for (let k = 0; k < perMinute.length; k++) {
		next[k] = row;
		row += perMinute[k]!;
	}
	const {symbol, start, open, high, low, close, volume} = out;
	for (let p = 0; p < pieces.length; p++) {
		const piece = pieces[p]!;
		const {t, o, h, l, c, v} = piece.cols;
		const index = piece.symbolIndex;
		for (let i = piece.lo; i < piece.hi; i++) {
			const minute = t[i]!;
			const r = next[minute - dayStart]!++;
			symbol[r] = index;
			start[r] = minute * MINUTE_MS;
			open[r] = o[i]!;
			high[r] = h[i]!;
			low[r] = l[i]!;
			close[r] = c[i]!;
			volume[r] = v[i]!;
		}
	}
}

/**
 * Bars of one series with start in [startMs, endMs] (whatever the cache holds, covered or
 * not), verified like every read; [] when the series is not cached.
 */
export function readSeriesRange(cacheDir: string, key: SeriesKey, startMs: number, endMs: number): Bar[] {
	const manifest = readManifest(cacheDir, key);
	if (!manifest || endMs < startMs) return [];
	const from = nyDateOrEdge(startMs);
	const to = nyDateOrEdge(endMs);
	const out: Bar[] = [];
	for (const period of Object.keys(manifest.files).sort()) {
		const b = periodBounds(period);
		if (b.to < from || b.from > to) continue;
		const cols = readPeriod(cacheDir, key, manifest.files[period]!);
		const lo = lowerBound(cols.t, Math.ceil(startMs / MINUTE_MS));
		const hi = lowerBound(cols.t, Math.floor(endMs / MINUTE_MS) + 1);
		for (const bar of columnsToBars(key.symbol, cols, lo, hi)) out.push(bar);
	}
	return out;
}

function nyDateOrEdge(ms: number): string {
	if (ms <= 0) return '0000-01-01';
	if (!Number.isFinite(ms) || ms >= 253_402_300_800_000) return '9999-12-31';
	return nyDate(ms);
}
