/**
 * `--data` for tick replays: finds LOBSTER (message + orderbook) and Lean/AlgoSeek (trade +
 * quote) pairs among files and top-level folder entries, reads them, and merges every
 * symbol's stream into one time-ordered tape.
 */
import {basename, dirname} from 'node:path';
import {DataError} from '../../core/errors.js';
import {expandDataPaths} from './files.js';
import {parseLeanTickName, readLeanTickPair} from './lean-ticks.js';
import {parseLobsterName, readLobsterPair} from './lobster.js';
import {mergeTapes, type SymbolTicks, type TickTape} from './tick-tape.js';

export interface TickPair {
	readonly format: 'lobster' | 'lean';
	readonly symbol: string;
	readonly date: string;
	/** LOBSTER: [message, orderbook]; Lean: [trade, quote]. */
	readonly files: readonly [string, string];
	/** LOBSTER book levels (1 for Lean's top of book). */
	readonly levels: number;
}

export interface TickData {
	/** Every symbol's events merged in time order. */
	readonly tape: TickTape;
	/** One entry per pair read, in symbol then date order. */
	readonly parts: readonly SymbolTicks[];
	readonly symbols: readonly string[];
	/** Files skipped and why (e.g. a second book depth of the same session). */
	readonly notes: readonly string[];
}

/** True for a file name of either tick layout. */
export function isTickFileName(name: string): boolean {
	return parseLobsterName(name) !== null || parseLeanTickName(name) !== null;
}

/**
 * Pair up tick files. Folders contribute their top-level tick files; a file given by name
 * must be a tick file. A file without its partner is an error; when one session of a symbol
 * comes in several pairs (LOBSTER level 1 and level 5), the shallowest book is used.
 */
export function findTickPairs(paths: readonly string[]): {pairs: TickPair[]; notes: string[]} {
	const files = expandDataPaths(paths, isTickFileName);
	for (const file of files) {
		if (!isTickFileName(file)) {
			throw new DataError(
				`${file}: not a tick file (want LOBSTER TICKER_YYYY-MM-DD_START_END_message_L.csv / _orderbook_L.csv or Lean YYYYMMDD_sym_Trade_Tick.csv / _Quote_Tick.csv)`,
			);
		}
	}
	if (files.length === 0) throw new DataError(`no tick files in ${paths.join(', ')}`);
	const seen = new Set<string>();
	const unique = files.filter(f => (seen.has(f) ? false : (seen.add(f), true)));
	const lobster = new Map<string, {message?: string; orderbook?: string; symbol: string; date: string; levels: number}>();
	const lean = new Map<string, {trade?: string; quote?: string; symbol: string; date: string}>();
	for (const file of unique) {
		const lob = parseLobsterName(file);
		if (lob) {
			const key = `${dirname(file)}|${lob.symbol}|${lob.date}|${lob.startMs}|${lob.endMs}|${lob.levels}`;
			const entry = lobster.get(key) ?? {symbol: lob.symbol, date: lob.date, levels: lob.levels};
			if (entry[lob.part]) throw new DataError(`${file}: listed twice (also ${entry[lob.part]})`);
			entry[lob.part] = file;
			lobster.set(key, entry);
			continue;
		}
		const lt = parseLeanTickName(file)!;
		const key = `${dirname(file)}|${lt.symbol}|${lt.date}`;
		const entry = lean.get(key) ?? {symbol: lt.symbol, date: lt.date};
		if (entry[lt.part]) throw new DataError(`${file}: listed twice (also ${entry[lt.part]})`);
		entry[lt.part] = file;
		lean.set(key, entry);
	}
	const candidates: TickPair[] = [];
	for (const e of lobster.values()) {
		const have = e.message ?? e.orderbook!;
		if (!e.message) throw new DataError(`${have}: no matching message file (${basename(have).replace(/_orderbook_/i, '_message_')})`);
		if (!e.orderbook) throw new DataError(`${have}: no matching orderbook file (${basename(have).replace(/_message_/i, '_orderbook_')})`);
		candidates.push({format: 'lobster', symbol: e.symbol, date: e.date, files: [e.message, e.orderbook], levels: e.levels});
	}
	for (const e of lean.values()) {
		const have = e.trade ?? e.quote!;
		if (!e.trade)
			throw new DataError(`${have}: no matching trade file (${basename(have).replace(/_quote_/i, m => (m === '_Quote_' ? '_Trade_' : '_trade_'))})`);
		if (!e.quote)
			throw new DataError(`${have}: no matching quote file (${basename(have).replace(/_trade_/i, m => (m === '_Trade_' ? '_Quote_' : '_quote_'))})`);
		candidates.push({format: 'lean', symbol: e.symbol, date: e.date, files: [e.trade, e.quote], levels: 1});
	}
	candidates.sort((a, b) => cmp(a.symbol, b.symbol) || cmp(a.date, b.date) || a.levels - b.levels || cmp(a.files[0], b.files[0]));
	const pairs: TickPair[] = [];
	const notes: string[] = [];
	for (const pair of candidates) {
		const kept = pairs.find(p => p.symbol === pair.symbol && p.date === pair.date);
		if (kept) {
			notes.push(`${pair.symbol} ${pair.date}: using ${basename(kept.files[0])}, ignoring ${basename(pair.files[0])} (same session)`);
			continue;
		}
		pairs.push(pair);
	}
	return {pairs, notes};
}

function cmp(a: string, b: string): number {
	return a < b ? -1 : a > b ? 1 : 0;
}

/** Read one pair. */
export function readTickPair(pair: TickPair): SymbolTicks {
	return pair.format === 'lobster' ? readLobsterPair(pair.files[0], pair.files[1]) : readLeanTickPair(pair.files[0], pair.files[1]);
}

/**
 * Load tick data from `--data` paths (files or folders); optionally only some symbols, each
 * of which must then be present.
 */
export function loadTicks(paths: readonly string[], symbols?: readonly string[]): TickData {
	const {pairs, notes} = findTickPairs(paths);
	const wanted = symbols && symbols.length > 0 ? new Set(symbols.map(s => s.toUpperCase())) : null;
	const chosen = wanted ? pairs.filter(p => wanted.has(p.symbol)) : pairs;
	if (wanted) {
		const missing = [...wanted].filter(s => !chosen.some(p => p.symbol === s));
		if (missing.length > 0) throw new DataError(`no tick data for ${missing.join(', ')} in ${paths.join(', ')}`);
	}
	const parts = chosen.map(readTickPair);
	const tape = mergeTapes(parts.map(p => p.tape));
	return {tape, parts, symbols: tape.symbols, notes};
}
