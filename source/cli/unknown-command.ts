/**
 * Is the first word a mistyped command rather than a symbol? Symbols are case-insensitive on
 * input (`scalp-tui tsla` opens TSLA), so only a word typed all in lowercase can be taken for a
 * command, and only when it is `help`, longer than any US ticker (6+ letters, no class suffix),
 * or a small edit away from a command name. Capitals always mean a symbol ("DATE", "HELP").
 */

/** US tickers are at most 5 letters before a class suffix such as ".B". */
const LONGEST_TICKER = 5;

/** Optimal string alignment distance (Levenshtein plus adjacent swaps), small words only. */
export function editDistance(a: string, b: string): number {
	const rows = a.length + 1;
	const cols = b.length + 1;
	const d: number[] = new Array(rows * cols).fill(0);
	for (let i = 0; i < rows; i++) d[i * cols] = i;
	for (let j = 0; j < cols; j++) d[j] = j;
	for (let i = 1; i < rows; i++) {
		for (let j = 1; j < cols; j++) {
			const cost = a[i - 1] === b[j - 1] ? 0 : 1;
			let best = Math.min(d[(i - 1) * cols + j]! + 1, d[i * cols + j - 1]! + 1, d[(i - 1) * cols + j - 1]! + cost);
			if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, d[(i - 2) * cols + j - 2]! + 1);
			d[i * cols + j] = best;
		}
	}
	return d[rows * cols - 1]!;
}

export interface CommandGuess {
	/** The closest command name, if any is near. */
	readonly suggestion: string | null;
}

/** null: the word is (or may be) a symbol. Otherwise it is a command the user got wrong. */
export function unknownCommand(word: string, names: readonly string[]): CommandGuess | null {
	if (!/^[a-z][a-z-]*$/.test(word)) return null;
	let suggestion: string | null = null;
	let best = Infinity;
	for (const name of names) {
		const distance = editDistance(word, name);
		// Short names allow one edit, longer ones two: "dal" (Delta) must stay a symbol next to "data".
		if (distance <= (name.length >= 6 ? 2 : 1) && distance < best) {
			best = distance;
			suggestion = name;
		}
	}
	if (suggestion !== null || word === 'help' || word.length > LONGEST_TICKER || word.includes('-')) return {suggestion};
	return null;
}
