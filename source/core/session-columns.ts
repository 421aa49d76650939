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
 * Prices are exact integer micro-dollars and volumes whole shares, held in Float64 (integers
 * are exact to 2^53: a price above $4,294.97 does not fit a Uint32).
 */
import {type MicrosColumn, microsColumn} from './money.js';
import type {Bar} from './types.js';

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
	readonly open: MicrosColumn;
	readonly high: MicrosColumn;
	readonly low: MicrosColumn;
	readonly close: MicrosColumn;
	readonly volume: Float64Array;
}

/** Bytes a row takes in the buffer: six Float64 columns and the Uint32 symbol index. */
export const ROW_BYTES = 6 * 8 + 4;

/**
 * Empty sessions with `counts[i]` rows each, every column a view of one buffer (shared when
 * asked: for worker threads). The caller fills the rows.
 */
export function allocateSessions(dates: readonly string[], counts: readonly number[], symbols: readonly string[], shared = false): ColumnarSession[] {
	let rows = 0;
	for (const n of counts) rows += n;
	const bytes = Math.max(1, rows) * ROW_BYTES;
	const buffer: ArrayBufferLike = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
	// Float64 columns first (8-byte aligned), then the symbol index.
	const f64 = new Float64Array(buffer, 0, rows * 6);
	const u32Offset = rows * 6 * 8;
	const out: ColumnarSession[] = [];
	let at = 0;
	for (let s = 0; s < dates.length; s++) {
		const n = counts[s]!;
		out.push({
			date: dates[s]!,
			symbols,
			length: n,
			open: microsColumn(f64.subarray(at, at + n)),
			high: microsColumn(f64.subarray(rows + at, rows + at + n)),
			low: microsColumn(f64.subarray(2 * rows + at, 2 * rows + at + n)),
			close: microsColumn(f64.subarray(3 * rows + at, 3 * rows + at + n)),
			volume: f64.subarray(4 * rows + at, 4 * rows + at + n),
			start: f64.subarray(5 * rows + at, 5 * rows + at + n),
			symbol: new Uint32Array(buffer, u32Offset + at * 4, n),
		});
		at += n;
	}
	return out;
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
