/**
 * LOBSTER message + orderbook pairs (layouts in LOBSTER's sample-file readme):
 * `TICKER_YYYY-MM-DD_START_END_message_L.csv` and `..._orderbook_L.csv`, same row count,
 * orderbook row k = the book right after message row k. For each row, an execution (type 4
 * visible, 5 hidden) first gives a trade (price, size, time); then, if the level-1 ask/bid
 * price or size differs from the previous row (the first row always counts), a quote.
 * Prices are dollars x 10000; times are seconds after New York midnight of the file's date
 * with up to nanosecond decimals, kept whole (epoch ms + ns inside the ms).
 */
import {basename} from 'node:path';
import {nyMidnight} from '../../core/time.js';
import {DataError} from '../../core/errors.js';
import {readDataFile} from './files.js';
import {CsvScanner, TapeBuilder, type SymbolTicks} from './tick-tape.js';
import {micros, mulQty} from '../../core/money.js';

/** One ten-thousandth of a dollar in micro-dollars. */
const PRICE_UNIT = micros(100);
/** LOBSTER's placeholders for an unoccupied level. */
export const EMPTY_ASK = 9_999_999_999;
export const EMPTY_BID = -9_999_999_999;

const NAME = /^([A-Za-z0-9.]+)_(\d{4}-\d\d-\d\d)_(\d+)_(\d+)_(message|orderbook)_(\d+)\.csv$/i;

export interface LobsterName {
	readonly symbol: string;
	readonly date: string;
	readonly startMs: number;
	readonly endMs: number;
	readonly part: 'message' | 'orderbook';
	readonly levels: number;
}

/** Parse a LOBSTER file name, or null when the name does not follow the pattern. */
export function parseLobsterName(path: string): LobsterName | null {
	const m = NAME.exec(basename(path));
	if (!m) return null;
	const levels = Number(m[6]);
	if (!(levels >= 1)) return null;
	return {
		symbol: m[1]!.toUpperCase(),
		date: m[2]!,
		startMs: Number(m[3]),
		endMs: Number(m[4]),
		part: m[5]!.toLowerCase() as 'message' | 'orderbook',
		levels,
	};
}

export interface LobsterInput {
	readonly symbol: string;
	/** New York date the times count from (YYYY-MM-DD). */
	readonly date: string;
	/** Price levels per side in the orderbook file (its columns are 4 x levels). */
	readonly levels: number;
	readonly messageFile: string;
	readonly orderbookFile: string;
}

/** Derive the quote and trade events of a LOBSTER pair from the two files' text. */
export function parseLobster(messageText: string, orderbookText: string, input: LobsterInput): SymbolTicks {
	let midnight: number;
	try {
		midnight = nyMidnight(input.date);
	} catch {
		throw new DataError(`${input.messageFile}: bad date "${input.date}" in the file name`);
	}
	if (Number.isNaN(midnight)) throw new DataError(`${input.messageFile}: bad date "${input.date}" in the file name`);
	const columns = 4 * input.levels;
	const messages = new CsvScanner(messageText, input.messageFile);
	const book = new CsvScanner(orderbookText, input.orderbookFile);
	const out = new TapeBuilder(input.symbol, Math.ceil(messageText.length / 36) + 16);
	let prevAskPrice = Number.NaN;
	let prevAskSize = Number.NaN;
	let prevBidPrice = Number.NaN;
	let prevBidSize = Number.NaN;
	let lastDayNs = -1;
	let rows = 0;
	let quotes = 0;
	let trades = 0;
	let skipped = 0;
	while (messages.nextRow()) {
		rows += 1;
		if (!book.nextRow()) {
			throw new DataError(`${input.orderbookFile}: has ${rows - 1} rows, but ${input.messageFile} has more (row ${rows} at line ${messages.line})`);
		}
		const seconds = messages.decimal('time');
		const dayNs = seconds * 1e9 + messages.fractionNs;
		const type = messages.int('type');
		messages.int('order id');
		const size = messages.int('size');
		const price = messages.int('price');
		const direction = messages.int('direction', true);
		if (dayNs < lastDayNs) messages.fail('time goes backwards');
		lastDayNs = dayNs;
		if (!(type >= 1 && type <= 5) && type !== 7) messages.fail(`bad type ${type} (expected 1-5 or 7)`);
		if (direction !== 1 && direction !== -1) messages.fail(`bad direction ${direction} (expected 1 or -1)`);

		if (input.levels > 1 && book.fieldsLeft() !== columns) book.fail(`expected ${columns} fields for ${input.levels} levels, found ${book.fieldsLeft()}`);
		const askPrice = book.int('ask price');
		const askSize = book.int('ask size');
		const bidPrice = book.int('bid price');
		const bidSize = book.int('bid size', input.levels === 1);
		if (input.levels > 1) book.skipRest();

		const msOfDay = Math.floor(dayNs / 1e6);
		const ms = midnight + msOfDay;
		const ns = dayNs - msOfDay * 1e6;
		if (type === 4 || type === 5) {
			if (!(size > 0)) messages.fail(`execution with size ${size}`);
			if (!(price > 0)) messages.fail(`execution with price ${price}`);
			out.trade(ms, ns, mulQty(PRICE_UNIT, price), size);
			trades += 1;
		}
		if (askPrice !== prevAskPrice || askSize !== prevAskSize || bidPrice !== prevBidPrice || bidSize !== prevBidSize) {
			prevAskPrice = askPrice;
			prevAskSize = askSize;
			prevBidPrice = bidPrice;
			prevBidSize = bidSize;
			const askEmpty = askPrice === EMPTY_ASK;
			const bidEmpty = bidPrice === EMPTY_BID;
			if (!askEmpty && !(askPrice > 0)) book.fail(`bad ask price ${askPrice}`);
			if (!bidEmpty && !(bidPrice > 0)) book.fail(`bad bid price ${bidPrice}`);
			if (askSize < 0 || bidSize < 0) book.fail('negative size');
			if (askEmpty || bidEmpty || askSize === 0 || bidSize === 0) {
				// An empty side is a real book state, but no strategy may see a zero price.
				skipped += 1;
			} else {
				out.quote(ms, ns, mulQty(PRICE_UNIT, bidPrice), bidSize, mulQty(PRICE_UNIT, askPrice), askSize);
				quotes += 1;
			}
		}
	}
	if (book.nextRow()) {
		throw new DataError(`${input.orderbookFile}:${book.line}: more rows than ${input.messageFile} (${rows})`);
	}
	return {
		symbol: input.symbol,
		date: input.date,
		format: 'lobster',
		files: [input.messageFile, input.orderbookFile],
		tape: out.finish(),
		quotes,
		trades,
		rows,
		skippedQuotes: skipped,
	};
}

/** Read a LOBSTER pair from disk; symbol, date and levels come from the message file's name. */
export function readLobsterPair(messageFile: string, orderbookFile: string): SymbolTicks {
	const name = parseLobsterName(messageFile);
	if (name?.part !== 'message') throw new DataError(`${messageFile}: not a LOBSTER message file name (TICKER_YYYY-MM-DD_START_END_message_L.csv)`);
	return parseLobster(readDataFile(messageFile), readDataFile(orderbookFile), {
		symbol: name.symbol,
		date: name.date,
		levels: name.levels,
		messageFile,
		orderbookFile,
	});
}
