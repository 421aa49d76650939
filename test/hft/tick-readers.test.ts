/**
 * Tick readers: LOBSTER on rows of the real (bundled) file, Lean/AlgoSeek on
 * hand-written rows (their files' rights are reserved, so none are in the project), pairing
 * of `--data` paths, the time-ordered merge, and one-line errors naming file and line.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {DataError} from '../../source/core/errors.js';
import {parseLeanTicks} from '../../source/adapters/replay/lean-ticks.js';
import {parseLobster, readLobsterPair} from '../../source/adapters/replay/lobster.js';
import {mergeTapes, QUOTE_EVENT, TRADE_EVENT, type TickTape} from '../../source/adapters/replay/tick-tape.js';
import {findTickPairs, loadTicks} from '../../source/adapters/replay/ticks.js';
import {nyMidnight} from '../../source/core/time.js';

const BUNDLED = 'data/ticks';
const MESSAGE = join(BUNDLED, 'AMZN_2012-06-21_34200000_37800000_message_1.csv');
const ORDERBOOK = join(BUNDLED, 'AMZN_2012-06-21_34200000_37800000_orderbook_1.csv');
const MIDNIGHT_2012 = nyMidnight('2012-06-21');

interface Ev {
	kind: 'Q' | 'T';
	ms: number;
	ns: number;
	a: number;
	b: number;
	c?: number;
	d?: number;
}

function events(tape: TickTape, from = 0, count = tape.length): Ev[] {
	const out: Ev[] = [];
	for (let i = from; i < Math.min(tape.length, from + count); i++) {
		if (tape.kind[i] === QUOTE_EVENT)
			out.push({kind: 'Q', ms: tape.ms[i]!, ns: tape.ns[i]!, a: tape.price[i]!, b: tape.size[i]!, c: tape.askPrice[i]!, d: tape.askSize[i]!});
		else out.push({kind: 'T', ms: tape.ms[i]!, ns: tape.ns[i]!, a: tape.price[i]!, b: tape.size[i]!});
	}
	return out;
}

function throwsData(fn: () => unknown, pattern: RegExp): void {
	assert.throws(fn, (error: unknown) => {
		assert.ok(error instanceof DataError, `expected a DataError, got ${String(error)}`);
		assert.match(error.message, pattern);
		return true;
	});
}

// --- LOBSTER -----------------------------------------------------------------------------

test('LOBSTER: the first rows of the real AMZN file give trades first, then quotes when level 1 changed', () => {
	const ticks = readLobsterPair(MESSAGE, ORDERBOOK);
	assert.equal(ticks.symbol, 'AMZN');
	assert.equal(ticks.date, '2012-06-21');
	const t = (s: number) => MIDNIGHT_2012 + s;
	assert.deepEqual(events(ticks.tape, 0, 8), [
		// 34200.017459617,5,0,1,2238200,-1 (hidden execution) / book 2239500,100,2231800,100
		{kind: 'T', ms: t(34_200_017), ns: 459_617, a: 223_820_000, b: 1},
		{kind: 'Q', ms: t(34_200_017), ns: 459_617, a: 223_180_000, b: 100, c: 223_950_000, d: 100},
		// 34200.18960767 (8 decimals: 607,670 ns), a new order improves the bid to 223.81 x 21
		{kind: 'Q', ms: t(34_200_189), ns: 607_670, a: 223_810_000, b: 21, c: 223_950_000, d: 100},
		// two visible executions at the same nanosecond, each followed by its book change
		{kind: 'T', ms: t(34_200_190), ns: 226_476, a: 223_810_000, b: 21},
		{kind: 'Q', ms: t(34_200_190), ns: 226_476, a: 223_750_000, b: 100, c: 223_950_000, d: 100},
		{kind: 'T', ms: t(34_200_190), ns: 226_476, a: 223_750_000, b: 26},
		{kind: 'Q', ms: t(34_200_190), ns: 226_476, a: 223_750_000, b: 74, c: 223_950_000, d: 100},
		// a hidden execution that leaves level 1 as it was: a trade, no quote
		{kind: 'T', ms: t(34_200_372), ns: 779_672, a: 223_840_000, b: 100},
	]);
	// Counted independently from the files: 10,803 rows, 1,844 executions (type 4 or 5),
	// 10,288 rows whose level 1 differs from the row before (the first row counts).
	assert.deepEqual([ticks.rows, ticks.trades, ticks.quotes, ticks.skippedQuotes], [10_803, 1_844, 10_288, 0]);
	assert.equal(ticks.tape.length, 1_844 + 10_288);
	for (let i = 1; i < ticks.tape.length; i++) {
		const earlier = ticks.tape.ms[i - 1]! < ticks.tape.ms[i]! || (ticks.tape.ms[i - 1] === ticks.tape.ms[i] && ticks.tape.ns[i - 1]! <= ticks.tape.ns[i]!);
		assert.ok(earlier, `event ${i} out of order`);
	}
});

const lobsterInput = {symbol: 'XYZ', date: '2012-06-21', levels: 1, messageFile: 'm.csv', orderbookFile: 'o.csv'};

test('LOBSTER: halts and empty levels never reach a strategy; more than 9 decimals round to the nanosecond', () => {
	const messages = ['34200.5,7,0,0,-1,-1', '34201.1234567894,4,1,100,1000000,-1', '34202.9999999995,4,2,5,1000100,-1', '34203,3,2,5,1000100,-1'].join('\n');
	const book = ['1000100,50,999900,40', '1000100,50,999900,40', '9999999999,0,999900,40', '1000200,10,999900,40'].join('\n');
	const ticks = parseLobster(messages, book, lobsterInput);
	const t = (s: number) => MIDNIGHT_2012 + s;
	assert.deepEqual(events(ticks.tape), [
		{kind: 'Q', ms: t(34_200_500), ns: 0, a: 99_990_000, b: 40, c: 100_010_000, d: 50},
		{kind: 'T', ms: t(34_201_123), ns: 456_789, a: 100_000_000, b: 100},
		// 34202.9999999995 rounds up to 34203.000000000; the empty ask is skipped
		{kind: 'T', ms: t(34_203_000), ns: 0, a: 100_010_000, b: 5},
		{kind: 'Q', ms: t(34_203_000), ns: 0, a: 99_990_000, b: 40, c: 100_020_000, d: 10},
	]);
	assert.equal(ticks.skippedQuotes, 1);
});

test('LOBSTER: malformed rows are DataErrors naming the file and line', () => {
	const book = '1000100,50,999900,40\n1000100,50,999900,40\n';
	throwsData(() => parseLobster('34200.1,4,1,100,1000000,-1\n34200.2,4,1,abc,1000000,-1\n', book, lobsterInput), /^m\.csv:2: bad size "abc"/);
	throwsData(() => parseLobster('34200.1,4,1,100,1000000,-1\n34200.2,4,1,100\n', book, lobsterInput), /^m\.csv:2: missing field after size/);
	throwsData(() => parseLobster('34200.2,4,1,100,1000000,-1\n34200.1,4,1,100,1000000,-1\n', book, lobsterInput), /^m\.csv:2: time goes backwards/);
	throwsData(() => parseLobster('34200.1,9,1,100,1000000,-1\n', book, lobsterInput), /^m\.csv:1: bad type 9/);
	throwsData(() => parseLobster('34200.1,4,1,0,1000000,-1\n', book, lobsterInput), /^m\.csv:1: execution with size 0/);
	throwsData(() => parseLobster('34200.1,4,1,100,1000000,-1\n', '1000100,50,999900\n', lobsterInput), /^o\.csv:1: missing field after bid price/);
	throwsData(
		() => parseLobster('34200.1,4,1,100,1000000,-1\n34200.2,4,1,100,1000000,-1\n34200.3,4,1,100,1000000,-1\n', book, lobsterInput),
		/o\.csv: has 2 rows, but m\.csv has more/,
	);
	throwsData(() => parseLobster('34200.1,4,1,100,1000000,-1\n', book, lobsterInput), /^o\.csv:2: more rows than m\.csv/);
	throwsData(() => parseLobster('34200.1,4,1,100,1000000,-1\n', '1000100,50,999900,40,1,2,3,4\n', lobsterInput), /^o\.csv:1: too many fields/);
});

// --- Lean / AlgoSeek ----------------------------------------------------------------------

const leanInput = {symbol: 'BAC', date: '2013-10-07', tradeFile: 't.csv', quoteFile: 'q.csv'};
const MIDNIGHT_2013 = nyMidnight('2013-10-07');

test('Lean: one-sided quote rows merge per millisecond, trades first at equal times, regular session only', () => {
	// Hand-written rows in the published layout (no trailing newline, like the originals).
	const quotes = [
		'14400151,0,0,140200,500,Q,1,0', // 04:00 pre-market ask: sets the book, not emitted
		'34199999,138400,700,0,0,P,1,0', // 09:29:59.999 bid
		'34200000,0,0,138500,900,Z,1,0', // 09:30:00.000 ask: first regular quote (with the pre-open bid)
		'34200005,138500,300,0,0,N,1,0', // two rows in one ms: merged into one quote
		'34200005,0,0,138600,200,P,1,0',
		'34200009,138500,300,0,0,Q,1,0', // same as the last quote: nothing new
		'57600000,138000,100,0,0,Q,1,0', // 16:00:00.000: after the session
	].join('\n');
	const trades = [
		'34100000,138400,500,P,20002020,0', // pre-market
		'34200005,138600,100,D,1,0', // same ms as the quote rows: comes first
		'34200010,138550,80000,T,80000000,0', // hex condition
		'57599999,138500,200,Z,1,0', // last regular millisecond
		'57600001,138500,200,Z,2000,0', // after-hours
	].join('\n');
	const ticks = parseLeanTicks(trades, quotes, leanInput);
	const t = (ms: number) => MIDNIGHT_2013 + ms;
	assert.deepEqual(events(ticks.tape), [
		{kind: 'Q', ms: t(34_200_000), ns: 0, a: 13_840_000, b: 700, c: 13_850_000, d: 900},
		{kind: 'T', ms: t(34_200_005), ns: 0, a: 13_860_000, b: 100},
		{kind: 'Q', ms: t(34_200_005), ns: 0, a: 13_850_000, b: 300, c: 13_860_000, d: 200},
		{kind: 'T', ms: t(34_200_010), ns: 0, a: 13_855_000, b: 80_000},
		{kind: 'T', ms: t(57_599_999), ns: 0, a: 13_850_000, b: 200},
	]);
	assert.deepEqual([ticks.trades, ticks.quotes, ticks.rows], [3, 2, 7]);
});

test('Lean: malformed rows are DataErrors naming the file and line', () => {
	const q = '34200000,138400,700,0,0,P,1,0';
	throwsData(() => parseLeanTicks('34200000,138400,100,P,1,0\n34200001,138400,100,P,xyz,0', q, leanInput), /^t\.csv:2: bad condition "xyz"/);
	throwsData(() => parseLeanTicks('34200000,0,100,P,1,0', q, leanInput), /^t\.csv:1: bad price 0/);
	throwsData(() => parseLeanTicks('34200000,138400,100,P,1', q, leanInput), /^t\.csv:1: missing field after condition/);
	throwsData(() => parseLeanTicks('', `${q}\n34199999,138400,700,0,0,P,1,0`, leanInput), /^q\.csv:2: time goes backwards/);
	throwsData(() => parseLeanTicks('', '34200000,138400,700,0,0,P,1,0,9', leanInput), /^q\.csv:1: too many fields/);
});

// --- pairs and merge -----------------------------------------------------------------------

function folder(files: Record<string, string>): string {
	const dir = mkdtempSync(join(tmpdir(), 'hft-ticks-'));
	for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
	return dir;
}

test('--data pairs: a folder of LOBSTER and Lean files; level 1 preferred over level 5 of the same session', () => {
	const msg = '34200.1,4,1,100,1000000,-1\n';
	const dir = folder({
		'XYZ_2012-06-21_34200000_57600000_message_1.csv': msg,
		'XYZ_2012-06-21_34200000_57600000_orderbook_1.csv': '1000100,50,999900,40\n',
		'XYZ_2012-06-21_34200000_57600000_message_5.csv': msg,
		'XYZ_2012-06-21_34200000_57600000_orderbook_5.csv': `${'1000100,50,999900,40,'.repeat(4)}1000100,50,999900,40\n`,
		'20121022_abc_Trade_Tick.csv': '34200000,1000000,100,P,1,0',
		'20121022_abc_Quote_Tick.csv': '34200000,999900,100,0,0,P,1,0\n34200000,0,0,1000100,100,P,1,0',
		'notes.txt': 'ignored',
		'XYZ_2019-02-11.csv': 'timestamp,open,high,low,close,volume\n',
	});
	const {pairs, notes} = findTickPairs([dir]);
	assert.deepEqual(
		pairs.map(p => [p.format, p.symbol, p.date, p.levels]),
		[
			['lean', 'ABC', '2012-10-22', 1],
			['lobster', 'XYZ', '2012-06-21', 1],
		],
	);
	assert.equal(notes.length, 1);
	assert.match(notes[0]!, /XYZ 2012-06-21: using .*message_1\.csv, ignoring .*message_5\.csv/);
	const data = loadTicks([dir]);
	assert.deepEqual(data.symbols, ['ABC', 'XYZ']);
	assert.equal(data.tape.length, 4);
});

test('--data pairs: a missing partner, a non-tick file given by name, an absent symbol are errors', () => {
	const dir = folder({'XYZ_2012-06-21_34200000_57600000_message_1.csv': '34200.1,4,1,100,1000000,-1\n', 'other.csv': 'x'});
	throwsData(() => findTickPairs([dir]), /message_1\.csv: no matching orderbook file \(XYZ_2012-06-21_34200000_57600000_orderbook_1\.csv\)/);
	throwsData(() => findTickPairs([join(dir, 'other.csv')]), /other\.csv: not a tick file/);
	throwsData(() => findTickPairs([join(dir, 'nope')]), /does not exist/);
	throwsData(() => loadTicks([BUNDLED], ['TSLA']), /no tick data for TSLA/);
	const lean = folder({'20131007_bac_Quote_Tick.csv': ''});
	throwsData(() => findTickPairs([lean]), /no matching trade file \(20131007_bac_Trade_Tick\.csv\)/);
});

test('merge: several symbols in time order; at the same instant, symbol name order; each stream keeps its own order', () => {
	const msg = (rows: string[]) => rows.join('\n');
	const a = parseLobster(msg(['34200.1,4,1,100,1000000,-1', '34200.2,4,1,100,1000000,-1']), msg(['1000100,50,999900,40', '1000100,50,999900,41']), {
		...lobsterInput,
		symbol: 'BBB',
	});
	const b = parseLobster(msg(['34200.1,4,1,100,2000000,-1', '34200.15,4,1,100,2000000,-1']), msg(['2000100,50,1999900,40', '2000100,50,1999900,40']), {
		...lobsterInput,
		symbol: 'AAA',
	});
	const merged = mergeTapes([a.tape, b.tape]);
	assert.deepEqual(merged.symbols, ['AAA', 'BBB']);
	const seq = Array.from(
		{length: merged.length},
		(_, i) => `${merged.symbols[merged.symbol[i]!]}:${merged.kind[i] === TRADE_EVENT ? 'T' : 'Q'}@${merged.ms[i]! - MIDNIGHT_2012}`,
	);
	assert.deepEqual(seq, ['AAA:T@34200100', 'AAA:Q@34200100', 'BBB:T@34200100', 'BBB:Q@34200100', 'AAA:T@34200150', 'BBB:T@34200200', 'BBB:Q@34200200']);
});
