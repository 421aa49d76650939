/**
 * What a stock symbol may look like: a letter, up to 9 more letters or digits, then optionally
 * one class suffix after `.`, `-` or `/` of 1 to 4 letters or digits ("BRK.B", "BF-B"). Upper
 * case only: inputs are upper-cased before this check.
 */
const SYMBOL_PATTERN = /^[A-Z][A-Z0-9]{0,9}([.\-/][A-Z0-9]{1,4})?$/;

export function isSymbol(text: string): boolean {
	return SYMBOL_PATTERN.test(text);
}
