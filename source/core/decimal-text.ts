/**
 * `String(n)` for whole numbers, made without V8's number-to-string cache. That cache keeps
 * the text of each number converted (thousands of entries, held strongly until a later number
 * takes the slot), so a sequence number turned into text once per order (order ids) outlived
 * young collections: every id's digits were promoted, then died in the old generation. Text
 * built here is garbage as soon as its id is.
 */
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];
/** Character codes of the digits being written (reused: one string made per call). */
const codes: number[] = [];

/** Decimal digits of a whole number >= 0 (safe integers), as String(n) writes them. */
export function decimalText(n: number): string {
	if (n < 10) return DIGITS[n]!;
	let length = 0;
	for (let rest = n; rest > 0; rest = (rest - (rest % 10)) / 10) length++;
	codes.length = length;
	for (let i = length - 1; i >= 0; i--) {
		const digit = n % 10;
		codes[i] = 48 + digit;
		n = (n - digit) / 10;
	}
	return String.fromCharCode.apply(null, codes);
}
