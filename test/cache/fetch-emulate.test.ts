/**
 * `data fetch` end to end: the real SDK against `emulate` serving a bar cache ("history"),
 * into another cache. Paging, two symbols in one page, fetching only what is missing, a 429,
 * the SIP 403, a hole reported (not bridged).
 */
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {existsSync, mkdirSync, readdirSync, rmSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';
import {after, before, test} from 'node:test';
import {loadBars} from '../../source/adapters/cache/load.js';
import {listSeries} from '../../source/adapters/cache/store.js';
import {runDataCommand, type DataCommandFlags} from '../../source/commands/data.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulate/server.js';
import {fillCache, minuteBars, tempDir} from './archive-helpers.js';
import {micros} from '../../source/core/money.js';

const KEYS = {keyId: 'PKDATAFETCH1', secret: 'data-fetch-secret-z9'};
const FROM = '2024-03-01';
const TO = '2024-03-28'; // 20 trading days: 7,800 bars a symbol
const HOLE = nyTime('2024-03-12', 10, 31);
let history: string;
let emu: EmulatorHandle;
const archive = new Map<string, Bar[]>();

function sink() {
	let text = '';
	return {
		write: (s: string) => ((text += s), true),
		get text() {
			return text;
		},
	};
}

async function fetchInto(cache: string, symbols: string[], flags: DataCommandFlags, urls: string[] = []) {
	const stdout = sink();
	const stderr = sink();
	const env = {APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: KEYS.secret, APCA_API_DATA_URL: emu.dataUrl, APCA_API_BASE_URL: emu.baseUrl};
	const code = await runDataCommand(
		['fetch', ...symbols],
		{cacheDir: cache, ...flags},
		{stdout, stderr},
		{
			env,
			fetch: (url, init) => {
				urls.push(url);
				return fetch(url, init);
			},
		},
	);
	return {code, out: stdout.text, err: stderr.text, urls};
}

const barsRequests = (urls: string[]) => urls.filter(u => new URL(u).pathname === '/v2/stocks/bars').map(u => new URL(u).searchParams);

before(async () => {
	history = tempDir();
	for (const symbol of ['AAA', 'BBB', 'CCC']) {
		const bars = minuteBars(symbol, FROM, TO, symbol === 'AAA' ? new Set([HOLE]) : new Set());
		archive.set(symbol, bars);
		fillCache(history, bars, FROM, TO);
		fillCache(history, bars, FROM, TO, 'sip');
	}
	// The replay itself: one bar of 2019 (the archive is what is fetched here).
	const replayBar: Bar = {
		symbol: 'ZZZ',
		start: nyTime('2019-02-11', 9, 30),
		open: micros(1e6),
		high: micros(1e6),
		low: micros(1e6),
		close: micros(1e6),
		volume: 1,
	};
	emu = await startEmulator({
		bars: new Map([['ZZZ', [replayBar]]]),
		manualClock: true,
		keys: KEYS,
		archiveDir: history,
		rateLimitPerMinute: 0,
		wallNow: () => Date.now(),
	});
});

after(async () => {
	await emu?.close();
	rmSync(history, {recursive: true, force: true});
});

test('fetch pages through 10,000-bar pages with two symbols in a page; the cache equals the source exactly; a rerun downloads nothing', {
	timeout: 60_000,
}, async () => {
	const cache = tempDir();
	try {
		const first = await fetchInto(cache, ['BBB', 'AAA'], {from: FROM, to: TO});
		assert.equal(first.code, 0, first.err);
		const reqs = barsRequests(first.urls);
		// 7,799 + 7,800 bars: page 1 = AAA's 7,799 + 2,201 of BBB, page 2 = the rest of BBB.
		assert.equal(reqs.length, 2);
		assert.equal(reqs[0]!.get('symbols'), 'AAA,BBB');
		assert.equal(reqs[0]!.get('limit'), '10000');
		assert.equal(reqs[0]!.get('feed'), 'iex');
		assert.equal(reqs[0]!.get('adjustment'), 'raw');
		assert.ok(reqs[1]!.get('page_token'));
		assert.match(first.out, /fetched 15,599 bars of AAA, BBB \(1Min iex raw, 2024-03-01\.\.2024-03-28\) in 2 requests/);
		// The hole is reported, never bridged.
		assert.match(first.out, /AAA: 7,799 bars cached, 2024-03-01\.\.2024-03-28; 1 missing minute in 1 session, no missing days/);
		assert.match(first.out, /BBB: 7,800 bars cached, 2024-03-01\.\.2024-03-28; no missing minutes, no missing days/);
		const loaded = loadBars({symbols: ['AAA', 'BBB'], from: FROM, to: TO, cacheDir: cache});
		assert.deepEqual(loaded.bars.get('AAA'), archive.get('AAA'));
		assert.deepEqual(loaded.bars.get('BBB'), archive.get('BBB'));
		assert.equal(loaded.summary.holes.missingMinutes, 1);
		assert.ok(!loaded.bars.get('AAA')!.some(b => b.start === HOLE));

		const again = await fetchInto(cache, ['AAA', 'BBB'], {from: FROM, to: TO});
		assert.equal(barsRequests(again.urls).length, 0);
		assert.match(again.out, /already cached: AAA, BBB .*nothing downloaded/);

		// Wider range: only the missing dates (and only the symbol lacking them) are asked for.
		const wider = await fetchInto(cache, ['AAA', 'CCC'], {from: '2024-02-26', to: TO});
		const wreqs = barsRequests(wider.urls);
		const starts = wreqs.filter(q => !q.has('page_token')).map(q => `${q.get('symbols')} ${q.get('start')!.slice(0, 10)} ${q.get('end')!.slice(0, 10)}`);
		assert.deepEqual(starts, ['AAA,CCC 2024-02-26 2024-03-01', 'CCC 2024-03-01 2024-03-29']);
		assert.match(wider.out, /AAA: 7,799 bars cached, 2024-02-26\.\.2024-03-28; 1 missing minute in 1 session, 4 trading days without bars/);
	} finally {
		rmSync(cache, {recursive: true, force: true});
	}
});

test('a 429 is waited out (Retry-After) under the shared limiter and the fetch completes', {timeout: 60_000}, async () => {
	const cache = tempDir();
	try {
		emu.faults.failRequests(1, 429, {method: 'GET', path: '/v2/stocks/bars'});
		const r = await fetchInto(cache, ['CCC'], {date: '2024-03-05'});
		assert.equal(r.code, 0, r.err);
		assert.equal(barsRequests(r.urls).length, 2, 'the refused request was sent again');
		assert.match(r.err, /data fetch: 429 from Alpaca, waiting \d/);
		assert.match(r.out, /fetched 390 bars of CCC .* 1 request, .* 1 back-off/);
	} finally {
		emu.faults.reset();
		rmSync(cache, {recursive: true, force: true});
	}
});

test('SIP: the end is clamped to 15 minutes ago; a 403 for recent SIP data is explained in one line', {timeout: 60_000}, async () => {
	const cache = tempDir();
	try {
		const today = new Date().toISOString().slice(0, 10);
		const ok = await fetchInto(cache, ['BBB'], {from: '2024-03-27', to: today, feed: 'sip'});
		assert.equal(ok.code, 0, ok.err);
		for (const q of barsRequests(ok.urls)) assert.ok(Date.parse(q.get('end')!) <= Date.now() - 15 * 60_000);
		assert.match(ok.out, /not complete yet \(SIP ends 15 minutes ago on the free plan\)/);
		// A server whose clock runs an hour behind refuses what the client thinks is old enough.
		const ahead = await startEmulator({
			bars: new Map([
				['ZZZ', [{symbol: 'ZZZ', start: nyTime('2019-02-11', 9, 30), open: micros(1e6), high: micros(1e6), low: micros(1e6), close: micros(1e6), volume: 1}]],
			]),
			manualClock: true,
			keys: KEYS,
			archiveDir: history,
			rateLimitPerMinute: 0,
			wallNow: () => Date.now() - 3_600_000,
		});
		const saved = emu;
		emu = ahead;
		try {
			await assert.rejects(fetchInto(cache, ['CCC'], {from: '2024-03-27', to: today, feed: 'sip'}), (e: Error & {exitCode?: number}) => {
				assert.equal(
					e.message,
					'Alpaca refused SIP data (403 "subscription does not permit querying recent SIP data"): the free plan serves SIP bars only up to 15 minutes ago; pick an earlier --to, or --feed iex',
				);
				return true;
			});
		} finally {
			emu = saved;
			await ahead.close();
		}
	} finally {
		rmSync(cache, {recursive: true, force: true});
	}
});

test('one writer per cache: a fetch or rm while another data command holds the cache is one line, exit 2, nothing written; a stale lock is taken over', {
	timeout: 60_000,
}, async () => {
	const cache = tempDir();
	const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], {stdio: 'ignore'});
	try {
		mkdirSync(cache, {recursive: true});
		writeFileSync(join(cache, '.lock'), `${JSON.stringify({pid: holder.pid, command: 'data fetch'})}\n`);
		const urls: string[] = [];
		await assert.rejects(fetchInto(cache, ['AAA'], {from: '2024-03-04', to: '2024-03-04'}, urls), (e: Error & {exitCode?: number}) => {
			assert.equal(e.message, `the bar cache ${cache} is being written by another scalp-tui data command (pid ${holder.pid}): wait for it to finish`);
			assert.equal(e.exitCode, 2);
			return true;
		});
		assert.equal(barsRequests(urls).length, 0, 'nothing asked for');
		assert.deepEqual(readdirSync(cache), ['.lock'], 'nothing written');
		// The holder dies (kill -9): its lock is stale and the next fetch takes it over.
		holder.kill('SIGKILL');
		await new Promise(resolve => holder.once('exit', resolve));
		const ok = await fetchInto(cache, ['AAA'], {from: '2024-03-04', to: '2024-03-04'});
		assert.equal(ok.code, 0, ok.err);
		assert.equal(existsSync(join(cache, '.lock')), false, 'released after the fetch');
		assert.deepEqual(listSeries(cache), [{symbol: 'AAA', timeframe: '1Min', feed: 'iex', adjustment: 'raw'}]);
	} finally {
		holder.kill('SIGKILL');
		rmSync(cache, {recursive: true, force: true});
	}
});
