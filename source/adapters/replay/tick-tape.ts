/**
 * Tick events held column-wise: one typed array per field, so a replay of millions of quotes
 * and trades walks flat memory and allocates nothing but the event object it hands on.
 * Prices are exact micro-dollars, instants epoch ms plus the nanoseconds inside the ms
 * (core/time.ts). Also the small CSV scanner the tick readers share: publishers' tick files
 * are large, headerless and purely numeric, so they are scanned in place, not split.
 */
import {type Micros, type MicrosColumn, microsColumn} from '../../core/money.js';
import {DataError} from '../../core/errors.js';

export const QUOTE_EVENT = 0;
export const TRADE_EVENT = 1;

/**
 * Time-ordered quotes and trades of one or more symbols. For a quote, `price`/`size` are the
 * bid and `askPrice`/`askSize` the ask; for a trade, `price`/`size` are the print and the ask
 * columns are 0.
 */
export interface TickTape {
	/** Symbol names by index, in name order. */
	readonly symbols: readonly string[];
	readonly length: number;
	readonly symbol: Uint16Array;
	readonly kind: Uint8Array;
	readonly ms: Float64Array;
	readonly ns: Uint32Array;
	readonly price: MicrosColumn;
	readonly size: Float64Array;
	readonly askPrice: MicrosColumn;
	readonly askSize: Float64Array;
}

/** One symbol's events of one session, as a reader produced them from a file pair. */
export interface SymbolTicks {
	readonly symbol: string;
	/** New York date of the session (YYYY-MM-DD). */
	readonly date: string;
	readonly format: 'lobster' | 'lean';
	readonly files: readonly string[];
	readonly tape: TickTape;
	readonly quotes: number;
	readonly trades: number;
	/** Source rows read (message rows for LOBSTER, regular-session rows for Lean). */
	readonly rows: number;
	/** Quotes not emitted because a side of the book was empty or non-positive. */
	readonly skippedQuotes: number;
}

/** Appends events to growable columns; `finish()` returns the tape (no copy when full). */
export class TapeBuilder {
	private capacity: number;
	length = 0;
	private kind: Uint8Array;
	private ms: Float64Array;
	private ns: Uint32Array;
	private price: Float64Array;
	private size: Float64Array;
	private askPrice: Float64Array;
	private askSize: Float64Array;

	constructor(
		private readonly symbolName: string,
		initialCapacity = 1024,
	) {
		this.capacity = Math.max(16, initialCapacity);
		this.kind = new Uint8Array(this.capacity);
		this.ms = new Float64Array(this.capacity);
		this.ns = new Uint32Array(this.capacity);
		this.price = new Float64Array(this.capacity);
		this.size = new Float64Array(this.capacity);
		this.askPrice = new Float64Array(this.capacity);
		this.askSize = new Float64Array(this.capacity);
	}

	private grow(): void {
		const capacity = this.capacity * 2;
		const grown = <T extends Uint8Array | Uint32Array | Float64Array>(old: T, make: (n: number) => T): T => {
			const next = make(capacity);
			next.set(old);
			return next;
		};
		this.kind = grown(this.kind, n => new Uint8Array(n));
		this.ms = grown(this.ms, n => new Float64Array(n));
		this.ns = grown(this.ns, n => new Uint32Array(n));
		this.price = grown(this.price, n => new Float64Array(n));
		this.size = grown(this.size, n => new Float64Array(n));
		this.askPrice = grown(this.askPrice, n => new Float64Array(n));
		this.askSize = grown(this.askSize, n => new Float64Array(n));
		this.capacity = capacity;
	}

	quote(ms: number, ns: number, bidPrice: Micros, bidSize: number, askPrice: Micros, askSize: number): void {
		if (this.length === this.capacity) this.grow();
		const i = this.length++;
		this.kind[i] = QUOTE_EVENT;
		this.ms[i] = ms;
		this.ns[i] = ns;
		this.price[i] = bidPrice;
		this.size[i] = bidSize;
		this.askPrice[i] = askPrice;
		this.askSize[i] = askSize;
	}

	trade(ms: number, ns: number, price: Micros, size: number): void {
		if (this.length === this.capacity) this.grow();
		const i = this.length++;
		this.kind[i] = TRADE_EVENT;
		this.ms[i] = ms;
		this.ns[i] = ns;
		this.price[i] = price;
		this.size[i] = size;
		this.askPrice[i] = 0;
		this.askSize[i] = 0;
	}

	finish(): TickTape {
		const n = this.length;
		return {
			symbols: [this.symbolName],
			length: n,
			symbol: new Uint16Array(n),
			kind: this.kind.subarray(0, n),
			ms: this.ms.subarray(0, n),
			ns: this.ns.subarray(0, n),
			price: microsColumn(this.price.subarray(0, n)),
			size: this.size.subarray(0, n),
			askPrice: microsColumn(this.askPrice.subarray(0, n)),
			askSize: this.askSize.subarray(0, n),
		};
	}
}

/** True when event `i` of `a` comes strictly before event `j` of `b` in time. */
function before(a: TickTape, i: number, b: TickTape, j: number): boolean {
	const am = a.ms[i]!;
	const bm = b.ms[j]!;
	return am < bm || (am === bm && a.ns[i]! < b.ns[j]!);
}

/**
 * Merge tapes into one time-ordered tape. Events at the same instant keep each tape's own
 * order, and between symbols go in symbol-name order (then input order), so a replay is
 * deterministic however the files were listed.
 */
export function mergeTapes(tapes: readonly TickTape[]): TickTape {
	const names = [...new Set(tapes.flatMap(t => t.symbols))].sort();
	if (names.length > 0xffff) throw new RangeError('too many symbols for one tape');
	const index = new Map(names.map((name, i) => [name, i]));
	// Inputs ordered by their first symbol's name, so ties resolve in name order.
	const inputs = tapes
		.map((tape, order) => ({tape, order, remap: tape.symbols.map(s => index.get(s)!)}))
		.filter(x => x.tape.length > 0)
		.sort((a, b) => a.remap[0]! - b.remap[0]! || a.order - b.order);
	let total = 0;
	for (const x of inputs) total += x.tape.length;
	const out = {
		symbol: new Uint16Array(total),
		kind: new Uint8Array(total),
		ms: new Float64Array(total),
		ns: new Uint32Array(total),
		price: new Float64Array(total),
		size: new Float64Array(total),
		askPrice: new Float64Array(total),
		askSize: new Float64Array(total),
	};
	const heads = new Array<number>(inputs.length).fill(0);
	for (let w = 0; w < total; w++) {
		let best = -1;
		for (let k = 0; k < inputs.length; k++) {
			if (heads[k]! >= inputs[k]!.tape.length) continue;
			if (best < 0 || before(inputs[k]!.tape, heads[k]!, inputs[best]!.tape, heads[best]!)) best = k;
		}
		const source = inputs[best]!;
		const r = heads[best]!++;
		const t = source.tape;
		out.symbol[w] = source.remap[t.symbol[r]!]!;
		out.kind[w] = t.kind[r]!;
		out.ms[w] = t.ms[r]!;
		out.ns[w] = t.ns[r]!;
		out.price[w] = t.price[r]!;
		out.size[w] = t.size[r]!;
		out.askPrice[w] = t.askPrice[r]!;
		out.askSize[w] = t.askSize[r]!;
	}
	return {symbols: names, length: total, ...out, price: microsColumn(out.price), askPrice: microsColumn(out.askPrice)};
}

// --- scanning --------------------------------------------------------------------------

const COMMA = 44;
const LF = 10;
const CR = 13;
const MINUS = 45;
const DOT = 46;
const ZERO = 48;
const NINE = 57;

/**
 * Reads a headerless, comma-separated numeric file field by field without splitting it.
 * Every error names the file and the 1-based line.
 */
export class CsvScanner {
	private pos = 0;
	private readonly end: number;
	/** 1-based line number of the row being read. */
	line = 0;
	private nextLine = 1;
	/** Fraction digits of the last `decimal()` field, scaled to nanoseconds. */
	fractionNs = 0;

	constructor(
		private readonly text: string,
		readonly file: string,
	) {
		this.end = text.length;
		if (text.charCodeAt(0) === 0xfeff) this.pos = 1;
	}

	/** Advance to the next non-empty row; false at the end of the text. */
	nextRow(): boolean {
		const text = this.text;
		while (this.pos < this.end) {
			const c = text.charCodeAt(this.pos);
			if (c === LF) {
				this.pos++;
				this.nextLine++;
			} else if (c === CR) {
				this.pos++;
			} else {
				this.line = this.nextLine;
				return true;
			}
		}
		return false;
	}

	fail(message: string): never {
		throw new DataError(`${this.file}:${this.line}: ${message}`);
	}

	private fieldEnd(c: number): boolean {
		return c === COMMA || c === LF || c === CR || Number.isNaN(c);
	}

	/** The raw text of the field at the cursor (for messages). */
	private currentField(): string {
		let e = this.pos;
		while (e < this.end && !this.fieldEnd(this.text.charCodeAt(e))) e++;
		return this.text.slice(this.pos, e);
	}

	/** Consume the separator after a field: a comma (more fields follow) or the line end. */
	private separator(name: string, last: boolean): void {
		const c = this.text.charCodeAt(this.pos);
		if (last) {
			if (c === COMMA) this.fail(`too many fields after ${name}`);
			if (c === CR) this.pos++;
			return;
		}
		if (c !== COMMA) this.fail(`missing field after ${name}`);
		this.pos++;
	}

	/** A signed decimal integer. */
	int(name: string, last = false): number {
		const text = this.text;
		let p = this.pos;
		let negative = false;
		if (text.charCodeAt(p) === MINUS) {
			negative = true;
			p++;
		}
		const start = p;
		let value = 0;
		let c = text.charCodeAt(p);
		while (c >= ZERO && c <= NINE) {
			value = value * 10 + (c - ZERO);
			c = text.charCodeAt(++p);
		}
		if (p === start || !this.fieldEnd(c) || p - start > 15) this.fail(`bad ${name} "${this.currentField()}"`);
		this.pos = p;
		this.separator(name, last);
		return negative ? -value : value;
	}

	/** An unsigned hexadecimal integer (Lean's condition flags). */
	hex(name: string, last = false): number {
		const text = this.text;
		let p = this.pos;
		const start = p;
		let value = 0;
		for (;;) {
			const c = text.charCodeAt(p);
			let digit: number;
			if (c >= ZERO && c <= NINE) digit = c - ZERO;
			else if (c >= 65 && c <= 70) digit = c - 55;
			else if (c >= 97 && c <= 102) digit = c - 87;
			else break;
			value = value * 16 + digit;
			p++;
		}
		if (p === start || !this.fieldEnd(text.charCodeAt(p)) || p - start > 12) this.fail(`bad ${name} "${this.currentField()}"`);
		this.pos = p;
		this.separator(name, last);
		return value;
	}

	/**
	 * An unsigned decimal (LOBSTER's seconds): returns the whole part and leaves the fraction,
	 * scaled to nanoseconds, in `fractionNs` (digits beyond the ninth round to the nearest).
	 */
	decimal(name: string, last = false): number {
		const text = this.text;
		let p = this.pos;
		const start = p;
		let whole = 0;
		let c = text.charCodeAt(p);
		while (c >= ZERO && c <= NINE) {
			whole = whole * 10 + (c - ZERO);
			c = text.charCodeAt(++p);
		}
		let fraction = 0;
		let digits = 0;
		let roundUp = false;
		if (c === DOT) {
			c = text.charCodeAt(++p);
			while (c >= ZERO && c <= NINE) {
				digits++;
				// Beyond nanoseconds (a float printed long, e.g. "43002.632812672004"):
				// round to the nearest nanosecond.
				if (digits <= 9) fraction = fraction * 10 + (c - ZERO);
				else if (digits === 10) roundUp = c >= ZERO + 5;
				c = text.charCodeAt(++p);
			}
			if (digits > 18) this.fail(`bad ${name} "${this.currentField()}" (too many decimals)`);
		}
		if (p === start || !this.fieldEnd(c) || (digits === 0 && text.charCodeAt(p - 1) === DOT)) this.fail(`bad ${name} "${this.currentField()}"`);
		for (let d = digits; d < 9; d++) fraction *= 10;
		if (roundUp && ++fraction === 1e9) {
			fraction = 0;
			whole += 1;
		}
		this.fractionNs = fraction;
		this.pos = p;
		this.separator(name, last);
		return whole;
	}

	/** Skip one field whatever it holds (e.g. a venue letter), checking it is not empty. */
	skip(name: string, last = false): void {
		const text = this.text;
		let p = this.pos;
		while (p < this.end && !this.fieldEnd(text.charCodeAt(p))) p++;
		if (p === this.pos) this.fail(`empty ${name}`);
		this.pos = p;
		this.separator(name, last);
	}

	/** Skip the rest of the row (extra book levels). */
	skipRest(): void {
		const text = this.text;
		let p = this.pos;
		while (p < this.end) {
			const c = text.charCodeAt(p);
			if (c === LF || c === CR) break;
			p++;
		}
		this.pos = p;
	}

	/** Count of comma-separated fields left on the current row (for layout checks). */
	fieldsLeft(): number {
		const text = this.text;
		let n = 1;
		for (let p = this.pos; p < this.end; p++) {
			const c = text.charCodeAt(p);
			if (c === LF || c === CR) break;
			if (c === COMMA) n++;
		}
		return n;
	}
}
