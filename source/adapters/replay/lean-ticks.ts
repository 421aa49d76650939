/**
 * Lean / AlgoSeek tick pairs: `YYYYMMDD_sym_Trade_Tick.csv` (time ms after New
 * York midnight, price x 10000, size, exchange, hex condition, suspicious) and
 * `YYYYMMDD_sym_Quote_Tick.csv` (time, bid price, bid size, ask price, ask size, exchange,
 * hex condition, suspicious). Each quote row updates one side (0 = side not in this row);
 * the current quote is the latest bid row with the latest ask row. All quote rows of one
 * millisecond merge into one quote, emitted when it differs from the last one emitted and
 * both sides are known; at equal times trades come before quotes; only regular-session
 * events (09:30 <= t < 16:00 New York) are used. Quote rows before the open still set the
 * book the first regular-session quote starts from.
 */
import {basename} from 'node:path';
import {nyMidnight, REGULAR_CLOSE_MS, REGULAR_OPEN_MS} from '../../core/time.js';
import {DataError} from '../../core/errors.js';
import {micros, mulQty} from '../../core/money.js';
import {readDataFile} from './files.js';
import {CsvScanner, TapeBuilder, type SymbolTicks} from './tick-tape.js';

/** One ten-thousandth of a dollar (the price unit of the files) in micro-dollars. */
const PRICE_UNIT = micros(100);
const NAME = /^(\d{4})(\d\d)(\d\d)_([A-Za-z0-9.]+)_(trade|quote)_tick\.csv$/i;

export interface LeanTickName {
	readonly symbol: string;
	readonly date: string;
	readonly part: 'trade' | 'quote';
}

export function parseLeanTickName(path: string): LeanTickName | null {
	const m = NAME.exec(basename(path));
	if (!m) return null;
	return {symbol: m[4]!.toUpperCase(), date: `${m[1]}-${m[2]}-${m[3]}`, part: m[5]!.toLowerCase() as 'trade' | 'quote'};
}

export interface LeanInput {
	readonly symbol: string;
	readonly date: string;
	readonly tradeFile: string;
	readonly quoteFile: string;
}

/** Derive the quote and trade events of a Lean tick pair from the two files' text. */
export function parseLeanTicks(tradeText: string, quoteText: string, input: LeanInput): SymbolTicks {
	let midnight: number;
	try {
		midnight = nyMidnight(input.date);
	} catch {
		throw new DataError(`${input.tradeFile}: bad date "${input.date}" in the file name`);
	}
	const tradesIn = new CsvScanner(tradeText, input.tradeFile);
	const quotesIn = new CsvScanner(quoteText, input.quoteFile);
	const out = new TapeBuilder(input.symbol, Math.ceil((tradeText.length + quoteText.length) / 60) + 16);

	// Pending trade row.
	let tHave = false;
	let tMs = 0;
	let tPrice = 0;
	let tSize = 0;
	let tLast = -1;
	const readTrade = (): void => {
		tHave = tradesIn.nextRow();
		if (!tHave) return;
		tMs = tradesIn.int('time');
		tPrice = tradesIn.int('price');
		tSize = tradesIn.int('size');
		tradesIn.skip('exchange');
		tradesIn.hex('condition');
		const suspicious = tradesIn.int('suspicious', true);
		if (tMs < tLast) tradesIn.fail('time goes backwards');
		if (tMs < 0 || tMs >= 86_400_000) tradesIn.fail(`time ${tMs} is outside the day`);
		tLast = tMs;
		if (!(tPrice > 0)) tradesIn.fail(`bad price ${tPrice}`);
		if (!(tSize > 0)) tradesIn.fail(`bad size ${tSize}`);
		if (suspicious !== 0 && suspicious !== 1) tradesIn.fail(`bad suspicious flag ${suspicious}`);
	};

	// Pending quote row.
	let qHave = false;
	let qMs = 0;
	let qBidPrice = 0;
	let qBidSize = 0;
	let qAskPrice = 0;
	let qAskSize = 0;
	let qLast = -1;
	const readQuote = (): void => {
		qHave = quotesIn.nextRow();
		if (!qHave) return;
		qMs = quotesIn.int('time');
		qBidPrice = quotesIn.int('bid price');
		qBidSize = quotesIn.int('bid size');
		qAskPrice = quotesIn.int('ask price');
		qAskSize = quotesIn.int('ask size');
		quotesIn.skip('exchange');
		quotesIn.hex('condition');
		const suspicious = quotesIn.int('suspicious', true);
		if (qMs < qLast) quotesIn.fail('time goes backwards');
		if (qMs < 0 || qMs >= 86_400_000) quotesIn.fail(`time ${qMs} is outside the day`);
		qLast = qMs;
		if (qBidPrice < 0 || qBidSize < 0 || qAskPrice < 0 || qAskSize < 0) quotesIn.fail('negative price or size');
		if (suspicious !== 0 && suspicious !== 1) quotesIn.fail(`bad suspicious flag ${suspicious}`);
	};

	let bidPrice = 0;
	let bidSize = 0;
	let askPrice = 0;
	let askSize = 0;
	let sentBidPrice = -1;
	let sentBidSize = -1;
	let sentAskPrice = -1;
	let sentAskSize = -1;
	let quotes = 0;
	let trades = 0;
	let rows = 0;
	let skipped = 0;

	readTrade();
	readQuote();
	while (tHave || qHave) {
		if (tHave && (!qHave || tMs <= qMs)) {
			if (tMs >= REGULAR_OPEN_MS && tMs < REGULAR_CLOSE_MS) {
				out.trade(midnight + tMs, 0, mulQty(PRICE_UNIT, tPrice), tSize);
				trades += 1;
				rows += 1;
			}
			readTrade();
			continue;
		}
		// Every quote row of this millisecond, merged into one quote.
		const at = qMs;
		const regular = at >= REGULAR_OPEN_MS && at < REGULAR_CLOSE_MS;
		while (qHave && qMs === at) {
			if (qBidPrice > 0) {
				bidPrice = qBidPrice;
				bidSize = qBidSize;
			}
			if (qAskPrice > 0) {
				askPrice = qAskPrice;
				askSize = qAskSize;
			}
			if (regular) rows += 1;
			readQuote();
		}
		if (!regular) continue;
		if (bidPrice === sentBidPrice && bidSize === sentBidSize && askPrice === sentAskPrice && askSize === sentAskSize) continue;
		sentBidPrice = bidPrice;
		sentBidSize = bidSize;
		sentAskPrice = askPrice;
		sentAskSize = askSize;
		if (!(bidPrice > 0 && askPrice > 0 && bidSize > 0 && askSize > 0)) {
			skipped += 1;
			continue;
		}
		out.quote(midnight + at, 0, mulQty(PRICE_UNIT, bidPrice), bidSize, mulQty(PRICE_UNIT, askPrice), askSize);
		quotes += 1;
	}
	return {
		symbol: input.symbol,
		date: input.date,
		format: 'lean',
		files: [input.tradeFile, input.quoteFile],
		tape: out.finish(),
		quotes,
		trades,
		rows,
		skippedQuotes: skipped,
	};
}

/** Read a Lean tick pair from disk; symbol and date come from the trade file's name. */
export function readLeanTickPair(tradeFile: string, quoteFile: string): SymbolTicks {
	const name = parseLeanTickName(tradeFile);
	if (name?.part !== 'trade') throw new DataError(`${tradeFile}: not a Lean trade tick file name (YYYYMMDD_sym_Trade_Tick.csv)`);
	return parseLeanTicks(readDataFile(tradeFile), readDataFile(quoteFile), {symbol: name.symbol, date: name.date, tradeFile, quoteFile});
}
