/**
 * `String(n)` for whole numbers, made without V8's number-to-string cache. That cache keeps
 * the text of each number converted (thousands of entries, held strongly until a later number
 * takes the slot), so a sequence number turned into text once per order (order ids) outlived
 * young collections: every id's digits were promoted, then died in the old generation. Text
 * built here is garbage as soon as its id is.
 */
const DIGITS = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

/** Decimal digits of a whole number >= 0 (safe integers), as String(n) writes them. */
export function decimalText(n: number): string {
	let text = '';
	do {
		const digit = n % 10;
		text = DIGITS[digit]! + text;
		n = (n - digit) / 10;
	} while (n > 0);
	return text;
}
