/**
 * Minute bars of one New York session as columns: what the bar replay consumes. A row per bar,
 * rows in arrival order (start minute, then symbol index); the symbol table is sorted, so that
 * is also (start, symbol name), the order every replay delivers bars in.
 *
 * Why columns: a million bars as objects cost ~1 s to build and keep the collector busy; as
 * typed arrays they are a few bulk copies. Every column of every session of one load is a view
 * of ONE buffer (optionally a SharedArrayBuffer), so sessions can be posted to worker threads
 * and read there without a copy (structured clone keeps SharedArrayBuffer views shared).
 *
 * Prices are exact integer micro-dollars and volumes whole shares. From the cache they are
 * Uint32 when every value of the load fits (prices below $4,294.97): fewer bytes to touch,
 * which is most of a load's cost (fresh pages). Otherwise, and for Bar sessions, Float64
 * (integers are exact to 2^53).
 */
import {type MicrosColumn, microsColumn} from './money.js';
import type {Bar} from './types.js';

/** A price or volume column: Uint32 when every value fits, else Float64. */
export type ValueColumn = Float64Array | Uint32Array;
/** A price column: integer micro-dollars. */
export type PriceColumn = MicrosColumn<Float64Array> | MicrosColumn<Uint32Array>;

/** One session's bars as columns (see the module comment). Shape kept stable: workers use it. */
export interface ColumnarSession {
	/** New York date (YYYY-MM-DD). */
	readonly date: string;
	/** Symbol names by index, ascending; usually shared by every session of a load. */
	readonly symbols: readonly string[];
	/** Rows in this session. */
	readonly length: number;
	/** Index into `symbols`. */
	readonly symbol: Uint32Array;
	/** Bar start, epoch ms (whole minutes from the cache; CSV rows may carry seconds). */
	readonly start: Float64Array;
	readonly open: PriceColumn;
	readonly high: PriceColumn;
	readonly low: PriceColumn;
	readonly close: PriceColumn;
	readonly volume: ValueColumn;
}

/** Bytes a row takes in the buffer with every column wide: six Float64 and the Uint32 symbol index. */
export const ROW_BYTES = 6 * 8 + 4;

/** Which value columns are narrow (Uint32). */
export interface ColumnWidths {
	readonly narrowPrices: boolean;
	readonly narrowVolume: boolean;
}

const WIDE: ColumnWidths = {narrowPrices: false, narrowVolume: false};

/** The columns by width: the Float64 ones (laid out first, 8-byte aligned), then the Uint32 ones. */
function columnGroups(widths: ColumnWidths): {wide: string[]; narrow: string[]} {
	const wide = ['start'];
	const narrow = ['symbol'];
	for (const name of ['open', 'high', 'low', 'close']) (widths.narrowPrices ? narrow : wide).push(name);
	(widths.narrowVolume ? narrow : wide).push('volume');
	return {wide, narrow};
}

/** Every column of `rows` rows laid out in one buffer (see columnGroups). */
function layColumns(buffer: ArrayBufferLike, rows: number, widths: ColumnWidths): Map<string, Float64Array | Uint32Array> {
	const {wide, narrow} = columnGroups(widths);
	const whole = new Map<string, Float64Array | Uint32Array>();
	for (const [i, name] of wide.entries()) whole.set(name, new Float64Array(buffer, i * rows * 8, rows));
	const narrowStart = wide.length * rows * 8;
	for (const [i, name] of narrow.entries()) whole.set(name, new Uint32Array(buffer, narrowStart + i * rows * 4, rows));
	return whole;
}

/** Bytes of `rows` rows at these widths. */
function bufferBytes(rows: number, widths: ColumnWidths): number {
	const {wide, narrow} = columnGroups(widths);
	return Math.max(1, rows * (8 * wide.length + 4 * narrow.length));
}

/** A column by name: of laid-out columns, or of a session. */
type ColumnOf = (name: 'symbol' | 'start' | 'open' | 'high' | 'low' | 'close' | 'volume') => Float64Array | Uint32Array;

/** Rows [at, at + n) of the columns as one session (views, no copy). */
function sessionOf(column: ColumnOf, date: string, symbols: readonly string[], at: number, n: number): ColumnarSession {
	const part = <T extends Float64Array | Uint32Array>(name: Parameters<ColumnOf>[0]): T => column(name).subarray(at, at + n) as T;
	return {
		date,
		symbols,
		length: n,
		symbol: part<Uint32Array>('symbol'),
		start: part<Float64Array>('start'),
		open: microsColumn(part('open')),
		high: microsColumn(part('high')),
		low: microsColumn(part('low')),
		close: microsColumn(part('close')),
		volume: part('volume'),
	};
}

/** The session's first `rows` rows (all of them when it has fewer): views of its columns. */
export function sessionHead(session: ColumnarSession, rows: number): ColumnarSession {
	return sessionOf(name => session[name], session.date, session.symbols, 0, Math.min(rows, session.length));
}

/**
 * Empty sessions with `counts[i]` rows each, every column a view of one buffer (shared when
 * asked: for worker threads). The caller fills the rows.
 */
export function allocateSessions(
	dates: readonly string[],
	counts: readonly number[],
	symbols: readonly string[],
	shared = false,
	widths: ColumnWidths = WIDE,
): ColumnarSession[] {
	let rows = 0;
	for (const n of counts) rows += n;
	const bytes = bufferBytes(rows, widths);
	const whole = layColumns(shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes), rows, widths);
	const out: ColumnarSession[] = [];
	let at = 0;
	for (let s = 0; s < dates.length; s++) {
		out.push(sessionOf(name => whole.get(name)!, dates[s]!, symbols, at, counts[s]!));
		at += counts[s]!;
	}
	return out;
}

/**
 * Room for one session at a time, reused: `session()` hands out views of the same rows, so a
 * session's columns hold until the next `session()` call. A replay that opens sessions one
 * after another (a backtest) then touches one day's worth of fresh memory instead of the
 * whole range's; fresh pages are most of a load's cost.
 */
export class SessionBuffer {
	private readonly whole: Map<string, Float64Array | Uint32Array>;

	constructor(
		private readonly capacity: number,
		private readonly symbols: readonly string[],
		widths: ColumnWidths = WIDE,
	) {
		this.whole = layColumns(new ArrayBuffer(bufferBytes(capacity, widths)), capacity, widths);
	}

	/** An empty session of `rows` rows (at most the capacity) for the caller to fill. */
	session(date: string, rows: number): ColumnarSession {
		if (rows > this.capacity) throw new RangeError(`a session of ${rows} rows does not fit ${this.capacity}`);
		return sessionOf(name => this.whole.get(name)!, date, this.symbols, 0, rows);
	}
}

/** Row `i` as a Bar (a new object: a strategy or signal may keep it). */
export function barAt(s: ColumnarSession, i: number): Bar {
	return {
		symbol: s.symbols[s.symbol[i]!]!,
		start: s.start[i]!,
		open: s.open[i]!,
		high: s.high[i]!,
		low: s.low[i]!,
		close: s.close[i]!,
		volume: s.volume[i]!,
	};
}

/** Every row as Bars, in row order. */
export function sessionBars(s: ColumnarSession): Bar[] {
	const out = new Array<Bar>(s.length);
	for (let i = 0; i < s.length; i++) out[i] = barAt(s, i);
	return out;
}

/**
 * Sessions of Bar objects (each in arrival order: start, then symbol) as columns, sharing one
 * buffer and one sorted symbol table.
 */
export function columnsFromBars(sessions: readonly {readonly date: string; readonly bars: readonly Bar[]}[], shared = false): ColumnarSession[] {
	const names = new Set<string>();
	for (const session of sessions) for (const bar of session.bars) names.add(bar.symbol);
	const symbols = [...names].sort();
	const index = new Map(symbols.map((s, i) => [s, i]));
	const out = allocateSessions(
		sessions.map(s => s.date),
		sessions.map(s => s.bars.length),
		symbols,
		shared,
	);
	for (let s = 0; s < sessions.length; s++) {
		const bars = sessions[s]!.bars;
		const c = out[s]!;
		for (let i = 0; i < bars.length; i++) {
			const bar = bars[i]!;
			c.symbol[i] = index.get(bar.symbol)!;
			c.start[i] = bar.start;
			c.open[i] = bar.open;
			c.high[i] = bar.high;
			c.low[i] = bar.low;
			c.close[i] = bar.close;
			c.volume[i] = bar.volume;
		}
	}
	return out;
}

/** True for a columnar session (as opposed to a session of Bar objects). */
export function isColumnar(session: object): session is ColumnarSession {
	return (session as Partial<ColumnarSession>).symbol instanceof Uint32Array;
}
