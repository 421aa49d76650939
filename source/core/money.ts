/**
 * Exact money. Prices and cash are integer micro-dollars (1e-6 USD) held in plain numbers:
 * the recorded data has at most 4 decimals, and every sum the engine forms stays far below
 * 2^53 micro-dollars (9 billion dollars), so integer arithmetic on numbers is exact and fast.
 * Binary floating point never decides a trade.
 *
 * `Micros` is branded so the compiler tells money from share counts, dollars and ratios. The
 * brand is type-only (no wrapper at run time). Only this module makes a Micros out of a plain
 * number (`as Micros`); everything else goes through the constructors and helpers below.
 * Reading money out (microsToNumber, formatMicros, formatUsd) takes any micro figure, branded
 * or derived: an average price or a sum for display need not be whole micros.
 */
declare const microsBrand: unique symbol;
export type Micros = number & {readonly [microsBrand]: true};

/** Micro-dollars per dollar (a scale factor, not an amount). */
export const MICROS = 1_000_000;
/** One cent. */
export const CENT = 10_000 as Micros;
export const ZERO_MICROS = 0 as Micros;
/** The price of a symbol without one: above every amount, so it is never affordable. */
/** What a failed parse gives (NaN): test with Number.isNaN / Number.isFinite. */
export const INVALID_MICROS = Number.NaN as Micros;
export const NO_PRICE = Number.POSITIVE_INFINITY as Micros;

/** A whole number of micro-dollars (constants, literals, counts decoded from storage); throws otherwise. */
export function micros(value: number): Micros {
	if (!Number.isSafeInteger(value)) throw new RangeError(`not a whole number of micro-dollars: ${value}`);
	return value as Micros;
}

/**
 * A typed-array column that holds only micro-dollars (bar prices): an element read from it is
 * Micros. Typed once where the column is made, so per-bar reads carry no wrapper.
 */
export type MicrosColumn<T extends Float64Array | Uint32Array = Float64Array> = T & {readonly [index: number]: Micros};

export function microsColumn<T extends Float64Array | Uint32Array>(column: T): MicrosColumn<T> {
	return column as MicrosColumn<T>;
}

/** a + b. (Plain `+` on two Micros gives a number; this keeps the brand.) */
export function addMicros(a: Micros, b: Micros): Micros {
	return (a + b) as Micros;
}

/** a - b. */
export function subMicros(a: Micros, b: Micros): Micros {
	return (a - b) as Micros;
}

/** -a. */
export function negMicros(a: Micros): Micros {
	return -a as Micros;
}

/** Price x whole share count: the notional of a fill or a position (exact for integer qty). */
export function mulQty(price: Micros, qty: number): Micros {
	return (price * qty) as Micros;
}

/**
 * A micro figure computed by a division or a fraction (an average price, a proportional part
 * of a cost, a share of cash), to the nearest whole micro.
 */
export function roundMicros(value: number): Micros {
	return Math.round(value) as Micros;
}

/** |a|. */
export function absMicros(a: Micros): Micros {
	return Math.abs(a) as Micros;
}

/** Smaller / larger of two amounts, brand kept. */
export function minMicros(a: Micros, b: Micros): Micros {
	return Math.min(a, b) as Micros;
}

export function maxMicros(a: Micros, b: Micros): Micros {
	return Math.max(a, b) as Micros;
}

/** Sum of amounts (0 for none). */
export function sumMicros(values: Iterable<Micros>): Micros {
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

/**
 * Exact decimal at [start, end) in micro-units, or NaN: optional '-', digits, optional '.' and
 * digits; digits past the sixth decimal must be zeros (parseMicros's rule), without slicing the
 * text: the daily CSV scanner's per-field parser.
 */
export function parseDecimalMicros(text: string, start: number, end: number): Micros {
	let i = start;
	let negative = false;
	if (i < end && text.charCodeAt(i) === 45) {
		negative = true;
		i++;
	}
	let whole = 0;
	let digits = 0;
	while (i < end) {
		const c = text.charCodeAt(i) - 48;
		if (c < 0 || c > 9) break;
		whole = whole * 10 + c;
		digits++;
		i++;
	}
	let frac = 0;
	let fracDigits = 0;
	if (i < end && text.charCodeAt(i) === 46) {
		i++;
		while (i < end) {
			const c = text.charCodeAt(i) - 48;
			if (c < 0 || c > 9) return INVALID_MICROS;
			if (fracDigits < 6) {
				frac = frac * 10 + c;
				fracDigits++;
			} else if (c !== 0) {
				return INVALID_MICROS;
			}
			digits++;
			i++;
		}
	}
	if (i !== end || digits === 0) return INVALID_MICROS;
	while (fracDigits < 6) {
		frac *= 10;
		fracDigits++;
	}
	const value = whole * 1_000_000 + frac;
	if (!Number.isSafeInteger(value)) return INVALID_MICROS;
	return (negative ? -value : value) as Micros;
}

/**
 * Decimal string -> micros. Exact up to 6 decimals; longer fractions (a broker's average fill
 * prices, cost bases) are rounded half away from zero at the micro. NaN for anything else.
 */
export function decimalToMicros(text: string | null | undefined): Micros {
	if (text === null || text === undefined) return INVALID_MICROS;
	const s = String(text).trim();
	const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(s);
	if (!m) return INVALID_MICROS;
	const [, sign, whole, frac = ''] = m;
	if (frac.length <= 6) return parseMicros(s);
	const head = parseMicros(`${whole}.${frac.slice(0, 6)}`);
	const up = frac.charCodeAt(6) - 48 >= 5 ? 1 : 0;
	const value = head + up;
	return (sign === '-' ? -value : value) as Micros;
}

/** Exact product of two decimal strings in micros, rounded half away from zero; NaN if malformed. */
export function decimalProductMicros(a: string, b: string): Micros {
	const x = scaled(a);
	const y = scaled(b);
	if (!x || !y) return INVALID_MICROS;
	const product = x.digits * y.digits;
	const scale = x.scale + y.scale;
	let exact: bigint;
	if (scale <= 6) exact = product * 10n ** BigInt(6 - scale);
	else {
		const divisor = 10n ** BigInt(scale - 6);
		const negative = product < 0n;
		const abs = negative ? -product : product;
		const rounded = (abs + divisor / 2n) / divisor;
		exact = negative ? -rounded : rounded;
	}
	const n = Number(exact);
	return Number.isSafeInteger(n) ? (n as Micros) : INVALID_MICROS;
}

function scaled(text: string): {digits: bigint; scale: number} | null {
	const m = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text.trim());
	if (!m) return null;
	const frac = m[3] ?? '';
	const digits = BigInt(`${m[2]}${frac}`);
	return {digits: m[1] === '-' ? -digits : digits, scale: frac.length};
}

/** Micros from a JS number of dollars (API payloads, flags); rounds to the nearest micro. */
export function dollarsToMicros(dollars: number): Micros {
	return Math.round(dollars * MICROS) as Micros;
}

/** Dollars as a JS number, for JSON output (exact decimals print as written). */
export function microsToNumber(micros: number): number {
	return micros / MICROS;
}

/** Decimal string with at least `minDecimals` and no trailing zeros beyond them. */
export function formatMicros(micros: number, minDecimals = 2): string {
	const negative = micros < 0;
	const abs = Math.abs(Math.round(micros));
	const whole = Math.floor(abs / MICROS);
	let frac = String(abs % MICROS).padStart(6, '0');
	while (frac.length > minDecimals && frac.endsWith('0')) frac = frac.slice(0, -1);
	const body = frac.length > 0 ? `${whole}.${frac}` : String(whole);
	return negative ? `-${body}` : body;
}

/** "-$547.63" / "$12.00": the sign before the dollar sign, cents rounded half up. */
export function formatUsd(micros: number): string {
	const text = formatMicros(Math.abs(roundCentHalfUp(micros as Micros)), 2);
	return micros < 0 && text !== '0.00' ? `-$${text}` : `$${text}`;
}

/** Nearest cent, ties away from zero for positives ("half up", the take-profit rounding). */
export function roundCentHalfUp(micros: Micros): Micros {
	return (Math.floor((micros + CENT / 2) / CENT) * CENT) as Micros;
}

/**
 * Cent-rounded (half up) value of `numerator / denominator + addMicros`, exactly, for an
 * average price that is a ratio (cost basis over quantity) and need not be whole micros.
 */
export function roundRatioCentHalfUp(numerator: number, denominator: number, add: Micros = ZERO_MICROS): Micros {
	// floor((n/d + add + CENT/2) / CENT) * CENT == floor((n + (add + CENT/2) * d) / (CENT * d)) * CENT
	const scaled = numerator + (add + CENT / 2) * denominator;
	return (floorDiv(scaled, CENT * denominator) * CENT) as Micros;
}

/** Nearest multiple of `step` (a price increment), ties up. */
export function roundHalfUpTo(micros: Micros, step: Micros): Micros {
	return (Math.floor((micros + step / 2) / step) * step) as Micros;
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
