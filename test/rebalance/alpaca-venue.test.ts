/**
 * The Alpaca rebalance venue (session/rebalance-alpaca.ts) through the real SDK against the
 * project's emulator on a loopback port (manual clock): daily bars batched, paginated, exact and
 * on New York dates; the market clock; a paper rebalance that sells before it buys and records
 * its done-for-date marker; bad keys as one line and exit 2, never the secret.
 *
 * The replay holds 13 sessions of a 40-symbol universe (three minute bars per completed session,
 * across the 2019 DST change): 12 completed days before the trading day, enough for the
 * rebalancer's "more than 10 closes", and 40 symbols give it floor(40 / 20) = 2 candidates.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {spawn} from 'node:child_process';
import {mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {runRebalanceCommand, readRebalanceState} from '../../source/commands/rebalance.js';
import {UsageError} from '../../source/config.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar, OrderEvent} from '../../source/core/types.js';
import {startEmulator, type EmulatorHandle} from '../../source/emulate/server.js';
import {createAlpacaRebalanceVenue, historyStart, type AlpacaRebalanceVenue, type AlpacaRebalanceVenueOptions} from '../../source/session/rebalance-alpaca.js';
import type {DailyBar} from '../../source/core/daily-bars.js';
import {cliCommand} from '../_helpers/cli.js';
import {sink, weekdays} from './helpers.js';
import {micros} from '../../source/core/money.js';

const KEYS = {keyId: 'PKREBALANCE01', secret: 'rebalance-secret-q8w7e6r5'};
const WRONG_SECRET = 'wrong-secret-never-print-4k2j';
const M = 1_000_000;
/** 2019-03-04 .. 2019-03-20: New York switches to daylight time on 2019-03-10. */
const DATES = weekdays('2019-03-04', 13);
const COMPLETED = DATES.slice(0, 12);
const TRADE_DAY = DATES[12]!;
const SYMBOLS = Array.from({length: 40}, (_, i) => `S${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`);
/** Held before the run, trending up: sold. */
const HELD = ['SBM', 'SBN'];
/** Fell 20% on the last completed day: the two most oversold (SAB further below its EMA), bought in rank order. */
const OVERSOLD = ['SAB', 'SAA'];

/** Exact daily close (micros) of symbol `i` on completed day `d`, with a 4-decimal fraction. */
function dailyClose(i: number, d: number): number {
	let c = (20 + i) * M + (((i * 7 + d * 3) % 5) - 2) * 100_000 + (i + 1) * 100;
	if (i >= 38) c += d * 500_000;
	if (i < 2 && d === 11) c = Math.round((c * 0.8) / 100) * 100;
	return c;
}

/** What Alpaca's 1Day bar of a completed day must be (the three minute bars aggregated). */
function expectedDaily(i: number, d: number): DailyBar {
	const c = dailyClose(i, d);
	const o = c - 12_300;
	return {symbol: SYMBOLS[i]!, date: DATES[d]!, open: micros(o), high: micros(c + 250_000), low: micros(o - 111_100), close: micros(c), volume: 600 + i + d};
}

function minuteBars(): Map<string, Bar[]> {
	const out = new Map<string, Bar[]>();
	SYMBOLS.forEach((symbol, i) => {
		const bars: Bar[] = [];
		COMPLETED.forEach((date, d) => {
			const c = dailyClose(i, d);
			const o = c - 12_300;
			const l = o - 111_100;
			bars.push({symbol, start: nyTime(date, 9, 30), open: micros(o), high: micros(o + 10_000), low: micros(l), close: micros(o + 5_000), volume: 100 + i});
			bars.push({
				symbol,
				start: nyTime(date, 12, 0),
				open: micros(o + 5_000),
				high: micros(c + 250_000),
				low: micros(o),
				close: micros(c - 3_000),
				volume: 200,
			});
			bars.push({symbol, start: nyTime(date, 15, 59), open: micros(c - 3_000), high: micros(c), low: micros(c - 4_000), close: micros(c), volume: 300 + d});
		});
		// The trading day: flat at the last close, one bar a minute from 09:30 (orders fill at the next open).
		const p = dailyClose(i, 11);
		for (let m = 0; m < 30; m++)
			bars.push({symbol, start: nyTime(TRADE_DAY, 9, 30 + m), open: micros(p), high: micros(p), low: micros(p), close: micros(p), volume: 1000});
		out.set(symbol, bars);
	});
	return out;
}

function startReplay(cash = 1000): Promise<EmulatorHandle> {
	return startEmulator({port: 0, bars: minuteBars(), manualClock: true, keys: KEYS, cash, rateLimitPerMinute: 0});
}

/** Step until the market time reaches `ms`. */
function stepTo(handle: EmulatorHandle, ms: number): void {
	while (handle.now < ms) assert.ok(handle.step(), 'the replay ended early');
}

function venueFor(
	handle: EmulatorHandle,
	extra: AlpacaRebalanceVenueOptions & {secret?: string; urls?: string[]; logs?: string[]} = {},
): Promise<AlpacaRebalanceVenue> {
	const {secret = KEYS.secret, urls, logs, ...options} = extra;
	return createAlpacaRebalanceVenue('paper', {
		env: {APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: secret, APCA_API_BASE_URL: handle.baseUrl, APCA_API_DATA_URL: handle.dataUrl},
		envFile: false,
		log: (level, message) => logs?.push(`${level}: ${message}`),
		...options,
		adapter: {
			timeoutMs: 5000,
			startTimeoutMs: 5000,
			rateLimit: {random: () => 0, baseBackoffMs: 10, maxBackoffMs: 100, retryAfterJitterMs: 0},
			streams: {reconnectInitialMs: 20, reconnectMaxMs: 200},
			fetch: (url, init) => {
				urls?.push(url);
				return fetch(url, init);
			},
			...options.adapter,
		},
	});
}

const barsRequests = (urls: readonly string[]) => urls.filter(u => new URL(u).pathname === '/v2/stocks/bars').map(u => new URL(u).searchParams);

test('history start covers the lookback in calendar days', () => {
	assert.equal(historyStart('2019-03-20', 12), '2019-02-16'); // 18 + 14 calendar days
	assert.equal(historyStart('2026-01-02', 200), '2025-02-22'); // 314 calendar days: > 200 sessions
	assert.equal(historyStart('2019-03-20', Number.POSITIVE_INFINITY), '2000-01-01');
});

test('daily bars: batched, paginated, exact micro-dollars on New York dates; the market clock maps', {timeout: 60_000}, async () => {
	const handle = await startReplay();
	const urls: string[] = [];
	let venue: AlpacaRebalanceVenue | null = null;
	try {
		venue = await venueFor(handle, {urls, batchSize: 15, adapter: {barsPageLimit: 50}});

		// Clock at the end of the last completed session: closed, next open/close on the trading day.
		stepTo(handle, nyTime(DATES[11]!, 16, 0));
		assert.deepEqual(await venue.clock(), {
			isOpen: false,
			timestamp: nyTime(DATES[11]!, 16, 0),
			nextOpen: nyTime(TRADE_DAY, 9, 30),
			nextClose: nyTime(TRADE_DAY, 16, 0),
		});
		// After the trading day's first bar: open, closing at 16:00 (the data ends there: next open the next weekday).
		stepTo(handle, nyTime(TRADE_DAY, 9, 31));
		assert.deepEqual(await venue.clock(), {
			isOpen: true,
			timestamp: nyTime(TRADE_DAY, 9, 31),
			nextOpen: nyTime('2019-03-21', 9, 30),
			nextClose: nyTime(TRADE_DAY, 16, 0),
		});

		urls.length = 0;
		const wanted = [...SYMBOLS, 'NOPE'];
		const bars = await venue.dailyBars(wanted, 200);
		assert.deepEqual([...bars.keys()].sort(), SYMBOLS);
		SYMBOLS.forEach((symbol, i) => {
			assert.deepEqual(
				bars.get(symbol),
				COMPLETED.map((_, d) => expectedDaily(i, d)),
				symbol,
			);
		});
		// Exact prices: 4-decimal fractions arrive as integers of micros, not float approximations.
		assert.equal(bars.get('SAA')![0]!.close, 19_800_100);
		assert.equal(bars.get('SAA')![11]!.close, dailyClose(0, 11));

		// 41 symbols in batches of 15; each batch followed its page tokens (50 bars a page).
		const requests = barsRequests(urls);
		const batches = requests.filter(q => !q.has('page_token')).map(q => q.get('symbols')!.split(','));
		assert.deepEqual(batches, [wanted.slice(0, 15), wanted.slice(15, 30), wanted.slice(30)]);
		assert.equal(requests.length, 4 + 4 + 3); // 180, 180 and 120 bars
		for (const q of requests) {
			assert.equal(q.get('timeframe'), '1Day');
			assert.equal(q.get('feed'), 'sip');
			assert.equal(q.get('adjustment'), 'split');
			assert.equal(q.get('limit'), '50');
			// Only completed sessions are asked for: the request ends before the trading day starts.
			assert.ok(Date.parse(q.get('end')!) < nyTime(TRADE_DAY, 0, 0));
		}
		assert.equal(urls.filter(u => new URL(u).pathname === '/v2/clock').length, 1, 'one clock read gives "today"');

		// At most `lookbackDays` per symbol: the most recent ones.
		const five = await venue.dailyBars(['SAA', 'SBN'], 5);
		assert.deepEqual(
			five.get('SAA'),
			COMPLETED.slice(7).map((_, k) => expectedDaily(0, 7 + k)),
		);
		assert.deepEqual(
			five.get('SBN'),
			COMPLETED.slice(7).map((_, k) => expectedDaily(39, 7 + k)),
		);
		assert.deepEqual(await venue.dailyBars([], 200), new Map());

		// The session in progress has a daily bar at Alpaca (and here); the venue never returns it.
		const raw = await venue.adapter.rest.dailyBars(['SAA'], DATES[0]!, null);
		assert.equal(raw.get('SAA')!.at(-1)!.date, TRADE_DAY);
		assert.equal(raw.get('SAA')!.length, 13);
	} finally {
		await venue?.close();
		await handle.close();
	}
});

test('daily bars: SIP refused (403) falls back to IEX once, with one warning', {timeout: 60_000}, async () => {
	const handle = await startReplay();
	const urls: string[] = [];
	const logs: string[] = [];
	let venue: AlpacaRebalanceVenue | null = null;
	try {
		venue = await venueFor(handle, {urls, logs});
		stepTo(handle, nyTime(TRADE_DAY, 9, 31));
		handle.faults.failRequests(1, 403, {method: 'GET', path: '/v2/stocks/bars'});
		const bars = await venue.dailyBars(['SAB'], 200);
		assert.deepEqual(
			bars.get('SAB'),
			COMPLETED.map((_, d) => expectedDaily(1, d)),
		);
		await venue.dailyBars(['SAB'], 200);
		assert.deepEqual(
			barsRequests(urls).map(q => q.get('feed')),
			['sip', 'iex', 'iex'],
		);
		assert.equal(logs.filter(l => /SIP daily bars refused \(403 .*\): using the IEX feed/.test(l)).length, 1, logs.join('\n'));
	} finally {
		await venue?.close();
		await handle.close();
	}
});

test('paper rebalance against the emulator: sells fill before any buy, then the day is marked done and a rerun sends nothing', {timeout: 90_000}, async () => {
	const handle = await startReplay(1000);
	const dir = mkdtempSync(join(tmpdir(), 'rb-alpaca-'));
	const universe = join(dir, 'universe.csv');
	writeFileSync(universe, `symbol\n${SYMBOLS.join('\n')}\n`);
	const state = join(dir, 'state.json');
	const venues: AlpacaRebalanceVenue[] = [];
	const events: string[] = [];
	handle.exchange.onEvent((e: OrderEvent) => events.push(`${e.event} ${e.order.side} ${e.order.symbol}`));
	try {
		// Session 1: buy the two positions the rebalance will sell (2 shares each).
		handle.step();
		for (const symbol of HELD) {
			const response = await fetch(`${handle.baseUrl}/v2/orders`, {
				method: 'POST',
				headers: {'APCA-API-KEY-ID': KEYS.keyId, 'APCA-API-SECRET-KEY': KEYS.secret, 'Content-Type': 'application/json'},
				body: JSON.stringify({symbol, qty: '2', side: 'buy', type: 'market', time_in_force: 'day'}),
			});
			assert.equal(response.status, 200, await response.text());
		}
		stepTo(handle, nyTime(TRADE_DAY, 9, 31));
		assert.deepEqual(
			handle.exchange.state().positions.map(p => `${p.symbol} ${p.qty}`),
			['SBM 2', 'SBN 2'],
		);
		events.length = 0;

		// The exchange moves a minute whenever the command sleeps (a progress step), not while it works.
		// Before and after the step, the client has handled everything sent so far (the emulator idle).
		const sleep = async (_ms: number, signal?: AbortSignal) => {
			await handle.whenIdle();
			if (signal?.aborted) return;
			handle.step();
			await handle.whenIdle();
		};
		const run = async (journal: string) => {
			const venue = await venueFor(handle);
			venues.push(venue);
			const io = {stdout: sink(), stderr: sink()};
			const code = await runRebalanceCommand({mode: 'paper', once: true, universe, state, journal}, io, {venue, sleep});
			return {code, io};
		};

		const first = await run(join(dir, 'j1.jsonl'));
		assert.equal(first.code, 0, first.io.stderr.text() + first.io.stdout.text());
		const text = first.io.stdout.text();
		assert.match(text, new RegExp(`rebalance paper for ${TRADE_DAY} at 09:31:00 ET`));
		assert.match(text, /ranked 40 of 40 symbols with a bar on 2019-03-19; the first 2:/);
		assert.match(text, /sells: 2 of 2 filled, 0 pending/);
		assert.match(text, new RegExp(`done for ${TRADE_DAY}: 4 filled, 0 rejected`));

		// At the exchange: both sells were accepted and filled before the first buy arrived.
		const firstBuy = events.findIndex(e => / buy /.test(e));
		assert.ok(firstBuy > 0, events.join('\n'));
		for (const symbol of HELD) assert.ok(events.indexOf(`fill sell ${symbol}`) >= 0 && events.indexOf(`fill sell ${symbol}`) < firstBuy, events.join('\n'));
		assert.deepEqual(
			events.filter(e => e.startsWith('new ')),
			[...HELD.map(s => `new sell ${s}`), ...OVERSOLD.map(s => `new buy ${s}`)],
		);
		// floor($100 / last close) shares of each candidate, in rank order.
		const qty = (i: number) => Math.floor((100 * M) / dailyClose(i, 11));
		assert.deepEqual(
			handle.exchange.state().positions.map(p => `${p.symbol} ${p.qty}`),
			[`SAA ${qty(0)}`, `SAB ${qty(1)}`],
		);
		const orders = handle.exchange.allOrders();
		assert.ok(orders.some(o => o.clientOrderId === `rb-${TRADE_DAY}-SBM-sell`));
		assert.ok(orders.some(o => o.clientOrderId === `rb-${TRADE_DAY}-SAA-buy`));

		// The done-for-date marker, per mode.
		const marker = readRebalanceState(state).modes.paper;
		assert.equal(marker?.date, TRADE_DAY);
		assert.equal(marker?.status, 'done');
		const journal = readFileSync(join(dir, 'j1.jsonl'), 'utf8')
			.trim()
			.split('\n')
			.map(l => JSON.parse(l) as {type: string; event?: string; client_order_id?: string});
		assert.equal(journal.filter(r => r.type === 'order_submitted').length, 4);
		assert.equal(journal.filter(r => r.type === 'order_update' && r.event === 'fill').length, 4);

		// A restart the same day: nothing is sent.
		const before = handle.exchange.allOrders().length;
		const second = await run(join(dir, 'j2.jsonl'));
		assert.equal(second.code, 0, second.io.stderr.text());
		assert.match(second.io.stdout.text(), new RegExp(`already rebalanced for ${TRADE_DAY} \\(paper\\)`));
		assert.equal(handle.exchange.allOrders().length, before);
		assert.ok(!readFileSync(join(dir, 'j2.jsonl'), 'utf8').includes('order_submitted'));
		for (const text of [first.io.stdout.text(), first.io.stderr.text(), second.io.stdout.text(), readFileSync(join(dir, 'j1.jsonl'), 'utf8')]) {
			assert.ok(!text.includes(KEYS.secret), 'the secret leaked');
		}
	} finally {
		for (const venue of venues) await venue.close();
		await handle.close();
	}
});

test('bad keys: one safe line (UsageError) in process; the CLI exits 2 with that line and never prints the secret', {timeout: 60_000}, async () => {
	const handle = await startReplay();
	try {
		const logs: string[] = [];
		await assert.rejects(
			() => venueFor(handle, {secret: WRONG_SECRET, logs}),
			(error: unknown) => {
				assert.ok(error instanceof UsageError);
				assert.match(error.message, /^Alpaca rejected the API keys \(403 .*\) for http:\/\/127\.0\.0\.1:\d+ — check APCA_API_KEY_ID \/ APCA_API_SECRET_KEY$/);
				assert.ok(!error.message.includes(WRONG_SECRET) && !error.message.includes('\n'));
				return true;
			},
		);
		assert.ok(!logs.join('\n').includes(WRONG_SECRET));

		// The real CLI, as a user runs it (its own process: this one serves the emulator).
		const dir = mkdtempSync(join(tmpdir(), 'rb-alpaca-cli-'));
		const env: NodeJS.ProcessEnv = {...process.env, NO_COLOR: '1'};
		for (const key of Object.keys(env)) if (key.startsWith('APCA_')) delete env[key];
		const [node, ...argv] = cliCommand(['rebalance', '--mode', 'paper']);
		const child = spawn(node!, argv, {
			cwd: dir,
			env: {...env, APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: WRONG_SECRET, APCA_API_BASE_URL: handle.baseUrl, APCA_API_DATA_URL: handle.dataUrl},
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', chunk => (stdout += chunk));
		child.stderr.on('data', chunk => (stderr += chunk));
		const timer = setTimeout(() => child.kill('SIGKILL'), 45_000);
		const code = await new Promise<number | null>(resolve => child.on('exit', c => resolve(c)));
		clearTimeout(timer);
		assert.equal(code, 2, stderr);
		assert.equal(stdout, '');
		const lines = stderr.split('\n').filter(l => l !== '');
		assert.equal(lines.length, 1, stderr);
		assert.match(
			lines[0]!,
			/^scalp-tui: Alpaca rejected the API keys \(403 .*\) for http:\/\/127\.0\.0\.1:\d+ — check APCA_API_KEY_ID \/ APCA_API_SECRET_KEY$/,
		);
		assert.ok(!stderr.includes(WRONG_SECRET) && !stdout.includes(WRONG_SECRET), 'the secret leaked');
	} finally {
		await handle.close();
	}
});
