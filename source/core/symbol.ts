/**
 * What a stock symbol may look like: a letter, up to 9 more letters or digits, then optionally
 * one class suffix after `.`, `-` or `/` of 1 to 4 letters or digits ("BRK.B", "BF-B"). Upper
 * case only: inputs are upper-cased before this check.
 */
const SYMBOL_PATTERN = /^[A-Z][A-Z0-9]{0,9}([.\-/][A-Z0-9]{1,4})?$/;

export function isSymbol(text: string): boolean {
	return SYMBOL_PATTERN.test(text);
}

/**
 * Symbols for a header or log line: all of them up to `shown`, else the first `shown` and how
 * many more ("S000, S001, ... and 988 more: 1,000 symbols"), so a run over a whole cache does
 * not print a screenful of names before its results.
 */
export function nameSymbols(symbols: readonly string[], shown = 12): string {
	if (symbols.length <= shown) return symbols.join(', ');
	return `${symbols.slice(0, shown).join(', ')} and ${(symbols.length - shown).toLocaleString('en-US')} more: ${symbols.length.toLocaleString('en-US')} symbols`;
}
