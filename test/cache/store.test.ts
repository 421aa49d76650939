import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, test} from 'node:test';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {loadBars} from '../../source/adapters/cache/load.js';
import {seriesDir, type SeriesKey} from '../../source/adapters/cache/key.js';
import {readManifest, writePeriod} from '../../source/adapters/cache/store.js';
import {nyDate} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {bundledMinuteData} from '../../source/paths.js';
import {micros} from '../../source/core/money.js';
import {sessionBars} from '../../source/core/session-columns.js';

const dirs: string[] = [];
after(() => {
	for (const d of dirs) rmSync(d, {recursive: true, force: true});
});
function tempCache(): string {
	const d = mkdtempSync(join(tmpdir(), 'scalp-cache-'));
	dirs.push(d);
	return d;
}

/** Put CSV bars into a cache, a period (month) at a time, covering each month's first..last bar date. */
export function cacheFromBars(cacheDir: string, bars: Map<string, Bar[]>): void {
	for (const [symbol, list] of bars) {
		const byMonth = new Map<string, Bar[]>();
		for (const b of list) {
			const month = nyDate(b.start).slice(0, 7);
			(byMonth.get(month) ?? byMonth.set(month, []).get(month)!).push(b);
		}
		for (const [month, monthBars] of byMonth) {
			writePeriod(cacheDir, {symbol, timeframe: '1Min', feed: 'iex', adjustment: 'raw'}, month, monthBars, [
				nyDate(monthBars[0]!.start),
				nyDate(monthBars[monthBars.length - 1]!.start),
			]);
		}
	}
}

test('cache round trip is exact to the micro-dollar and sessions equal the CSV ones bar for bar', () => {
	const csv = loadMinuteData([bundledMinuteData()]);
	const cache = tempCache();
	cacheFromBars(cache, csv.bars);
	const csvSessions = toSessions(csv.bars);
	const from = csvSessions[0]!.date;
	const to = csvSessions[csvSessions.length - 1]!.date;
	const symbols = [...csv.bars.keys()];
	// Only dates every symbol covers can be asked for: pick the range of one session.
	const date = csvSessions[0]!.date;
	const onDay = symbols.filter(s => csv.bars.get(s)!.some(b => nyDate(b.start) === date));
	const loaded = loadBars({symbols: onDay, from: date, to: date, cacheDir: cache});
	const expected = csvSessions.find(s => s.date === date)!;
	assert.equal(loaded.sessions.length, 1);
	assert.deepEqual(
		loaded.sessions[0]!.bars,
		expected.bars.filter(b => onDay.includes(b.symbol)),
	);
	assert.equal(loaded.summary.bars, expected.bars.length);
	assert.ok(from <= to);
	// Every symbol's bars, whole history: exact.
	for (const symbol of symbols) {
		const list = csv.bars.get(symbol)!;
		const first = nyDate(list[0]!.start);
		const last = nyDate(list[list.length - 1]!.start);
		const manifest = readManifest(cache, {symbol, timeframe: '1Min', feed: 'iex', adjustment: 'raw'})!;
		if (manifest.covered.length !== 1) continue; // sessions in several months leave uncovered gaps
		assert.deepEqual(loadBars({symbols: [symbol], from: first, to: last, cacheDir: cache}).bars.get(symbol), list);
	}
});

test('prices above $4,294 and fractional volumes stay exact (wide columns)', () => {
	const cache = tempCache();
	const key: SeriesKey = {symbol: 'BRK.A', timeframe: '1Min', feed: 'sip', adjustment: 'all'};
	const start = Date.parse('2024-03-04T14:30:00Z');
	const bars: Bar[] = [0, 1, 2].map(i => ({
		symbol: 'BRK.A',
		start: start + i * 60_000,
		open: micros(612_345_678_901 + i),
		high: micros(612_400_000_000),
		low: micros(612_000_000_001),
		close: micros(612_345_000_000 + 7 * i),
		volume: i === 1 ? 0.5 : 12,
	}));
	writePeriod(cache, key, '2024-03', bars, ['2024-03-04', '2024-03-04']);
	const loaded = loadBars({symbols: ['BRK.A'], from: '2024-03-04', to: '2024-03-04', feed: 'sip', adjustment: 'all', cacheDir: cache});
	assert.deepEqual(loaded.bars.get('BRK.A'), bars);
	assert.equal(loaded.summary.holes.missingMinutes, 390 - 3);
	assert.equal(loaded.summary.holes.daysWithHoles, 1);
});

test('a damaged cache file is refused with one line, never read', () => {
	const cache = tempCache();
	const key: SeriesKey = {symbol: 'AAPL', timeframe: '1Min', feed: 'iex', adjustment: 'raw'};
	const start = Date.parse('2024-03-04T14:30:00Z');
	const bars: Bar[] = [0, 1].map(i => ({
		symbol: 'AAPL',
		start: start + i * 60_000,
		open: micros(170_000_000),
		high: micros(171_000_000),
		low: micros(169_000_000),
		close: micros(170_500_000 + i),
		volume: 100,
	}));
	writePeriod(cache, key, '2024-03', bars, ['2024-03-04', '2024-03-04']);
	const dir = seriesDir(cache, key);
	const file = readdirSync(dir).find(n => n.endsWith('.arrow'))!;
	const bytes = readFileSync(join(dir, file));
	// Flip one byte inside the data (a close price): same size, so only the checksum can tell.
	bytes[bytes.length - 200] = bytes[bytes.length - 200]! ^ 0x01;
	writeFileSync(join(dir, file), bytes);
	assert.throws(
		() => loadBars({symbols: ['AAPL'], from: '2024-03-04', to: '2024-03-04', cacheDir: cache}),
		(e: Error) => e.name === 'DataError' && /damaged \(checksum mismatch\)/.test(e.message) && !e.message.includes('\n'),
	);
	writeFileSync(join(dir, 'manifest.json'), '{"format":');
	assert.throws(() => loadBars({symbols: ['AAPL'], from: '2024-03-04', to: '2024-03-04', cacheDir: cache}), /manifest.json is damaged \(not valid JSON\)/);
});

test('missing dates name the exact data fetch command', () => {
	const cache = tempCache();
	assert.throws(
		() => loadBars({symbols: ['NVDA', 'AMD'], from: '2024-03-04', to: '2024-03-08', feed: 'sip', cacheDir: cache, cacheDirExplicit: true}),
		(e: Error) =>
			e.message ===
			`no cached 1Min sip raw bars for AMD, NVDA on 2024-03-04..2024-03-08: run \`scalp-tui data fetch AMD NVDA --from 2024-03-04 --to 2024-03-08 --feed sip --cache-dir ${cache}\``,
	);
});

/** 2024-03-08 (EST) .. 2024-04-02 (EDT): three symbols, each missing different minutes, in a cache. */
function thinDstCache(): {cache: string; symbols: string[]; all: Map<string, Bar[]>} {
	const cache = tempCache();
	const symbols = ['BBB', 'AAA', 'CCC'];
	const all = new Map<string, Bar[]>();
	const days = ['2024-03-08', '2024-03-11', '2024-03-28', '2024-04-01', '2024-04-02'];
	let seed = 7;
	const rand = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
	for (const symbol of symbols) {
		const list: Bar[] = [];
		for (const day of days) {
			const open = Date.parse(`${day}T${day < '2024-03-10' ? '14' : '13'}:30:00Z`);
			for (let m = 0; m < 390; m++) {
				if (rand() < (symbol === 'CCC' ? 0.9 : 0.2)) continue; // CCC is thin
				const close = 1_000_000 + Math.floor(rand() * 9_000_000);
				list.push({
					symbol,
					start: open + m * 60_000,
					open: micros(close),
					high: micros(close + 10),
					low: micros(close - 10),
					close: micros(close),
					volume: 1 + Math.floor(rand() * 500),
				});
			}
		}
		all.set(symbol, list);
	}
	for (const [symbol, list] of all) {
		for (const month of ['2024-03', '2024-04']) {
			const bars = list.filter(b => nyDate(b.start).startsWith(month));
			writePeriod(
				cache,
				{symbol, timeframe: '1Min', feed: 'iex', adjustment: 'raw'},
				month,
				bars,
				month === '2024-03' ? ['2024-03-01', '2024-03-31'] : ['2024-04-01', '2024-04-30'],
			);
		}
	}
	return {cache, symbols, all};
}

test('columnar sessions equal the Bar sessions row for row: thin symbols, two months, a DST change, one buffer', () => {
	const {cache, symbols, all} = thinDstCache();
	const loaded = loadBars({symbols, from: '2024-03-08', to: '2024-04-02', cacheDir: cache, shared: true});
	const expected = toSessions(all);
	assert.deepEqual(loaded.symbols, ['AAA', 'BBB', 'CCC']);
	assert.deepEqual(
		loaded.columns.map(c => c.date),
		expected.map(s => s.date),
	);
	for (let i = 0; i < expected.length; i++) {
		const c = loaded.columns[i]!;
		assert.equal(c.length, expected[i]!.bars.length);
		assert.deepEqual(loaded.sessions[i]!.bars, expected[i]!.bars, c.date);
	}
	const buffers = new Set(loaded.columns.flatMap(c => [c.symbol.buffer, c.start.buffer, c.close.buffer]));
	assert.equal(buffers.size, 1);
	assert.ok([...buffers][0] instanceof SharedArrayBuffer);
});

test('streamed sessions equal the built ones row for row, each in the same reused room', () => {
	const {cache, symbols, all} = thinDstCache();
	const expected = toSessions(all);
	const loaded = loadBars({symbols, from: '2024-03-08', to: '2024-04-02', cacheDir: cache});
	const seen: {date: string; bars: Bar[]; buffer: ArrayBufferLike}[] = [];
	// Read each session before taking the next: that is all a stream promises.
	for (const session of loaded.streamColumns()) seen.push({date: session.date, bars: sessionBars(session), buffer: session.close.buffer});
	assert.deepEqual(
		seen.map(s => s.date),
		expected.map(s => s.date),
	);
	for (let i = 0; i < expected.length; i++) assert.deepEqual(seen[i]!.bars, expected[i]!.bars, seen[i]!.date);
	assert.equal(new Set(seen.map(s => s.buffer)).size, 1);
	// A second stream fills again from the files; after the columns are built it hands out those.
	assert.deepEqual(
		[...loaded.streamColumns()].map(s => s.date),
		expected.map(s => s.date),
	);
	const built = loaded.columns;
	assert.deepEqual([...loaded.streamColumns()], built);
	for (let i = 0; i < expected.length; i++) assert.deepEqual(sessionBars(built[i]!), expected[i]!.bars);
});
