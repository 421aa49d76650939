/**
 * Exact money. Prices and cash are integer micro-dollars (1e-6 USD) held in plain numbers:
 * the recorded data has at most 4 decimals, and every sum the engine forms stays far below
 * 2^53 micro-dollars (9 billion dollars), so integer arithmetic on numbers is exact and fast.
 * Binary floating point never decides a trade.
 *
 * `Micros` is branded so the compiler tells money from share counts, dollars and ratios. The
 * brand is type-only (no wrapper at run time). Only this module makes a Micros out of a plain
 * number (`as Micros`); everything else goes through the constructors and helpers below.
 */
declare const microsBrand: unique symbol;
export type Micros = number & {readonly [microsBrand]: true};

/**
 * Migration only: money fields of layers not yet typed with the brand. It goes once every
 * layer uses Micros.
 * @deprecated use Micros
 */
export type PlainMicros = number;

/** Micro-dollars per dollar (a scale factor, not an amount). */
export const MICROS = 1_000_000;
/** One cent. */
export const CENT = 10_000 as Micros;
export const ZERO_MICROS = 0 as Micros;

/** A whole number of micro-dollars (constants, literals, counts decoded from storage); throws otherwise. */
export function micros(value: number): Micros {
	if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number of micro-dollars: ${value}`);
	return value as Micros;
}

/**
 * Numbers read from a store that only ever holds micros (typed-array columns, the caller's own
 * cache), typed without a check or a copy: the brand costs nothing on per-bar paths.
 */
export function trustedMicrosColumn(column: ArrayLike<number>): ArrayLike<Micros> {
	return column as ArrayLike<Micros>;
}

/** a + b. (Plain `+` on two Micros gives a number; this keeps the brand.) */
export function addMicros(a: PlainMicros, b: PlainMicros): Micros {
	return (a + b) as Micros;
}

/** a - b. */
export function subMicros(a: PlainMicros, b: PlainMicros): Micros {
	return (a - b) as Micros;
}

/** -a. */
export function negMicros(a: PlainMicros): Micros {
	return -a as Micros;
}

/** Price x whole share count: the notional of a fill or a position (exact for integer qty). */
export function mulQty(price: PlainMicros, qty: number): Micros {
	return (price * qty) as Micros;
}

/** Smaller / larger of two amounts, brand kept. */
export function minMicros(a: Micros, b: Micros): Micros {
	return a < b ? a : b;
}

export function maxMicros(a: Micros, b: Micros): Micros {
	return a > b ? a : b;
}

/** Sum of amounts (0 for none). */
export function sumMicros(values: Iterable<PlainMicros>): Micros {
	let total = 0;
	for (const value of values) total += value;
	return total as Micros;
}

/** Parse a decimal string ("316.475", "12", "-0.5", "1e2" is refused) into micros, or NaN. */
export function parseMicros(text: string): Micros {
	const s = text.trim();
	const m = /^(-?)(\d+)(?:\.(\d{0,6})(\d*))?$/.exec(s);
	if (!m) return Number.NaN as Micros;
	const [, sign, whole, frac = '', rest = ''] = m;
	// Digits beyond micro precision must be zeros; anything else cannot be represented exactly.
	if (rest !== '' && !/^0*$/.test(rest)) return Number.NaN as Micros;
	const value = Number(whole) * MICROS + Number(frac.padEnd(6, '0'));
	if (!Number.isSafeInteger(value)) return Number.NaN as Micros;
	return (sign === '-' ? -value : value) as Micros;
}

/** Micros from a JS number of dollars (API payloads, flags); rounds to the nearest micro. */
export function dollarsToMicros(dollars: number): Micros {
	return Math.round(dollars * MICROS) as Micros;
}

/** Dollars as a JS number, for JSON output (exact decimals print as written). */
export function microsToNumber(micros: PlainMicros): number {
	return micros / MICROS;
}

/** Decimal string with at least `minDecimals` and no trailing zeros beyond them. */
export function formatMicros(micros: PlainMicros, minDecimals = 2): string {
	const negative = micros < 0;
	const abs = Math.abs(Math.round(micros));
	const whole = Math.floor(abs / MICROS);
	let frac = String(abs % MICROS).padStart(6, '0');
	while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
	const body = frac.length > 0 ? `${whole}.${frac}` : String(whole);
	return negative ? `-${body}` : body;
}

/** "-$547.63" / "$12.00": the sign before the dollar sign, cents rounded half up. */
export function formatUsd(micros: PlainMicros): string {
	const text = formatMicros(Math.abs(roundCentHalfUp(micros)) as Micros, 2);
	return micros < 0 && text !== '0.00' ? `-$${text}` : `$${text}`;
}

/** Nearest cent, ties away from zero for positives ("half up", the take-profit rounding). */
export function roundCentHalfUp(micros: PlainMicros): Micros {
	return (Math.floor((micros + CENT / 2) / CENT) * CENT) as Micros;
}

/**
 * Cent-rounded (half up) value of `numerator / denominator + addMicros`, exactly, for an
 * average price that is a ratio (cost basis over quantity) and need not be whole micros.
 */
export function roundRatioCentHalfUp(numerator: number, denominator: number, add: PlainMicros = ZERO_MICROS): Micros {
	// floor((n/d + add + CENT/2) / CENT) * CENT == floor((n + (add + CENT/2) * d) / (CENT * d)) * CENT
	const scaled = numerator + (add + CENT / 2) * denominator;
	return (floorDiv(scaled, CENT * denominator) * CENT) as Micros;
}

/** True when the price has no sub-cent part (Alpaca's increment rule for prices >= $1). */
export function isWholeCents(micros: PlainMicros): boolean {
	return micros % CENT === 0;
}

/** Exact floor of a / b for safe integers (guards the one-ulp error of float division). */
export function floorDiv(a: number, b: number): number {
	let q = Math.floor(a / b);
	if (q * b > a) q -= 1;
	else if ((q + 1) * b <= a) q += 1;
	return q;
}
