/**
 * Exact money. Prices and cash are integer micro-dollars (1e-6 USD) held in plain numbers:
 * the recorded data has at most 4 decimals, and every sum the engine forms stays far below
 * 2^53 micro-dollars (9 billion dollars), so integer arithmetic on numbers is exact and fast.
 * Binary floating point never decides a trade.
 */
export type Micros = number;

export const MICROS = 1_000_000;
export const CENT = 10_000;

/** Parse a decimal string ("316.475", "12", "-0.5", "1e2" is refused) into micros, or NaN. */
export function parseMicros(text: string): Micros {
	const s = text.trim();
	const m = /^(-?)(\d+)(?:\.(\d{0,6})(\d*))?$/.exec(s);
	if (!m) return Number.NaN;
	const [, sign, whole, frac = '', rest = ''] = m;
	// Digits beyond micro precision must be zeros; anything else cannot be represented exactly.
	if (rest !== '' && !/^0*$/.test(rest)) return Number.NaN;
	const value = Number(whole) * MICROS + Number(frac.padEnd(6, '0'));
	if (!Number.isSafeInteger(value)) return Number.NaN;
	return sign === '-' ? -value : value;
}

/** Micros from a JS number of dollars (API payloads, flags); rounds to the nearest micro. */
export function dollarsToMicros(dollars: number): Micros {
	return Math.round(dollars * MICROS);
}

/** Dollars as a JS number, for JSON output (exact decimals print as written). */
export function microsToNumber(micros: Micros): number {
	return micros / MICROS;
}

/** Decimal string with at least `minDecimals` and no trailing zeros beyond them. */
export function formatMicros(micros: Micros, minDecimals = 2): string {
	const negative = micros < 0;
	const abs = Math.abs(Math.round(micros));
	const whole = Math.floor(abs / MICROS);
	let frac = String(abs % MICROS).padStart(6, '0');
	while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
	const body = frac.length > 0 ? `${whole}.${frac}` : String(whole);
	return negative ? `-${body}` : body;
}

/** "-$547.63" / "$12.00": the sign before the dollar sign, cents rounded half up. */
export function formatUsd(micros: Micros): string {
	const text = formatMicros(Math.abs(roundCentHalfUp(micros)), 2);
	return micros < 0 && text !== '0.00' ? `-$${text}` : `$${text}`;
}

/** Nearest cent, ties away from zero for positives ("half up", the take-profit rounding). */
export function roundCentHalfUp(micros: Micros): Micros {
	return Math.floor((micros + CENT / 2) / CENT) * CENT;
}

/**
 * Cent-rounded (half up) value of `numerator / denominator + addMicros`, exactly, for an
 * average price that is a ratio (cost basis over quantity) and need not be whole micros.
 */
export function roundRatioCentHalfUp(numerator: number, denominator: number, addMicros = 0): Micros {
	// floor((n/d + add + CENT/2) / CENT) * CENT == floor((n + (add + CENT/2) * d) / (CENT * d)) * CENT
	const scaled = numerator + (addMicros + CENT / 2) * denominator;
	return floorDiv(scaled, CENT * denominator) * CENT;
}

/** True when the price has no sub-cent part (Alpaca's increment rule for prices >= $1). */
export function isWholeCents(micros: Micros): boolean {
	return micros % CENT === 0;
}

/** Exact floor of a / b for safe integers (guards the one-ulp error of float division). */
export function floorDiv(a: number, b: number): number {
	let q = Math.floor(a / b);
	if (q * b > a) q -= 1;
	else if ((q + 1) * b <= a) q += 1;
	return q;
}
