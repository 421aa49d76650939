/**
 * Universe lists: which symbols the rebalancer may rank. Text format (data/universe/sp500.csv):
 * lines starting with `#` are comments, blank lines are ignored, the first comma-separated
 * column is the symbol, and a first line whose first column is `symbol` or `ticker` is a header.
 */
import {DataError} from '../../core/errors.js';
import {isSymbol} from '../../core/symbol.js';
import {readDataFile} from './files.js';

export interface Universe {
	readonly symbols: readonly string[];
	/** `# key: value` comment lines (e.g. as-of, source). */
	readonly meta: Readonly<Record<string, string>>;
}

/** Parse a universe list; throws a DataError naming `source` and the line of a bad entry. */
export function parseUniverse(text: string, source: string): Universe {
	const symbols: string[] = [];
	const seen = new Set<string>();
	const meta: Record<string, string> = {};
	const lines = text.split('\n');
	let sawData = false;
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i]!.replace(/\r$/, '').trim();
		if (line === '') continue;
		if (line.startsWith('#')) {
			const m = /^#\s*([A-Za-z][\w -]*?)\s*:\s*(.+)$/.exec(line);
			if (m) meta[m[1]!.toLowerCase()] = m[2]!.trim();
			continue;
		}
		const first = line.split(',')[0]!.trim().replace(/^"|"$/g, '');
		if (!sawData && /^(symbol|ticker|name)$/i.test(first)) {
			sawData = true;
			continue;
		}
		sawData = true;
		const symbol = first.toUpperCase();
		if (!isSymbol(symbol)) throw new DataError(`${source}:${i + 1}: not a symbol: "${first}"`);
		if (seen.has(symbol)) continue;
		seen.add(symbol);
		symbols.push(symbol);
	}
	if (symbols.length === 0) throw new DataError(`${source}: no symbols in the universe file`);
	return {symbols, meta};
}

/** The symbols of a universe list file, or a DataError naming the file (and line). */
export function readUniverseFile(path: string): string[] {
	return [...parseUniverse(readDataFile(path), path).symbols];
}
