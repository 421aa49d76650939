/**
 * Soak: one full simulated session (390 minutes) of 20 synthetic symbols at high speed, the
 * paper-mode engine (real SDK, real sockets) trading them against `emulate` on loopback, the
 * tick-taker on one of them, and a fault injected every few seconds (sockets dropped or
 * silent, 500/429 bursts, replies lost past the timeout, trade updates delayed, duplicated,
 * reordered, fills split, orders rejected, garbage frames). At the end: RSS (peak and final),
 * duplicate orders, orphan orders, positions against the exchange, the journal checked line by
 * line, and the run time.
 *
 * The emulator publishes bars and trades but no quotes: the tick-taker's synthetic quotes and
 * trades (the SIM console's) are handed to the engine and the exchange's book directly, and its
 * IOC orders go through the adapter like every other order.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--step-ms 150] [--fault-ms 3000]
 */
import {mkdtempSync, rmSync, statSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {resolveAlpacaConfig} from '../source/adapters/alpaca/config.js';
import {createAlpaca} from '../source/adapters/alpaca/index.js';
import {hashSeed, seededRandom, syntheticSessions} from '../source/adapters/sim/synthetic.js';
import {syntheticTicksForBar} from '../source/adapters/sim/synthetic-ticks.js';
import {dollarsToMicros} from '../source/core/money.js';
import type {Bar} from '../source/core/types.js';
import {startEmulator, type EmulatorHandle} from '../source/emulate/server.js';
import {Engine} from '../source/engine/engine.js';
import {readJournal} from '../source/journal/reader.js';
import {validateRecord} from '../source/journal/schema.js';
import {FileJournal} from '../source/journal/writer.js';
import {LiveSession} from '../source/session/live-session.js';
import {LogBuffer} from '../source/session/log-buffer.js';
import {HftStrategy} from '../source/strategies/hft.js';
import {ScalpStrategy} from '../source/strategies/scalp.js';

const SYMBOLS = Array.from({length: 20}, (_, i) => `S${String(i).padStart(2, '0')}`);
const HFT = 'S00';
const DATE = '2019-03-04';
const KEYS = {keyId: 'PKSOAK0001', secret: 'soak-secret-0c9d2e'};
const CASH = 1_000_000;

export interface SoakOptions {
	/** Wall milliseconds per market minute (default 150: the session takes about a minute). */
	readonly stepMs?: number;
	/** Wall milliseconds between faults (default 3000). */
	readonly faultEveryMs?: number;
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));
const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

interface Fault {
	readonly name: string;
	/** Switch it on; the returned function (if any) switches it off after `holdMs`. */
	// biome-ignore lint/suspicious/noConfusingVoidType: most faults return nothing, a few return their undo
	readonly on: (emulator: EmulatorHandle) => (() => void) | void;
	readonly holdMs?: number;
}

const GARBAGE_TRADE_FRAMES: unknown[] = [
	Buffer.from('not json at all'),
	{stream: 'trade_updates', data: {event: 'fill'}},
	{
		stream: 'trade_updates',
		data: {
			event: 'fill',
			order: {client_order_id: 'ghost', id: 'g', symbol: 'S01', side: 'buy', qty: '10', filled_qty: '10', filled_avg_price: '1', status: 'filled'},
		},
	},
	{stream: 'trade_updates', data: {event: 'new', order: {client_order_id: 7, symbol: 'S01'}}},
];

function garbageDataFrames(ms: number): unknown[] {
	const t = new Date(ms).toISOString();
	return [
		Buffer.from([0xc1, 0x00, 0xff]),
		[{T: 'b', S: 'S01', o: Number.NaN, h: 1, l: 1, c: 1, v: 1, t}],
		[{T: 'b', S: 'S02', o: 10, h: 9, l: 11, c: 10, v: 1, t}],
		[{T: 't', S: 'S03', p: -5, s: 100, t}],
		[{T: 'q', S: HFT, bp: 12, bs: 100, ap: 11, as: 100, t}],
	];
}

const FAULTS: Fault[] = [
	{name: 'drop the trade-updates socket', on: e => void e.faults.dropTradeStream()},
	{name: '500 burst (any request)', on: e => e.faults.failRequests(3, 500)},
	{name: 'silent market-data socket', on: e => (e.faults.silenceDataStream(true), () => e.faults.silenceDataStream(false)), holdMs: 2500},
	{name: 'duplicated trade updates', on: e => (e.faults.duplicateTradeUpdates(true), () => e.faults.duplicateTradeUpdates(false)), holdMs: 2500},
	{name: 'drop the market-data socket', on: e => void e.faults.dropDataStream()},
	{name: '429 burst on orders', on: e => e.faults.failRequests(3, 429, {method: 'POST', path: '/v2/orders'})},
	{name: 'order replies lost past the timeout', on: e => e.faults.slowResponses(2, 1500)},
	{name: 'reordered trade updates', on: e => (e.faults.reorderTradeUpdates(true), () => e.faults.reorderTradeUpdates(false)), holdMs: 2500},
	{name: 'silent trade-updates socket', on: e => (e.faults.silenceTradeStream(true), () => e.faults.silenceTradeStream(false)), holdMs: 1500},
	{name: 'partial fills', on: e => (e.faults.partialFills({fraction: 0.5}), () => e.faults.partialFills(null)), holdMs: 2500},
	{name: 'delayed trade updates', on: e => (e.faults.delayTradeUpdates(300), () => e.faults.delayTradeUpdates(0)), holdMs: 2000},
	{name: 'orders rejected at submission', on: e => e.faults.rejectOrders(2, {mode: 'http'})},
	{name: 'orders rejected by trade update', on: e => e.faults.rejectOrders(2, {mode: 'event'})},
	{
		name: 'garbage frames on both sockets',
		on: e => {
			for (const frame of GARBAGE_TRADE_FRAMES) e.faults.injectTradeFrame(frame);
			for (const frame of garbageDataFrames(e.now - 30_000)) e.faults.injectDataFrame(frame);
		},
	},
];

export async function benchSoak(options: SoakOptions = {}): Promise<string[]> {
	const stepMs = options.stepMs ?? 150;
	const faultEveryMs = options.faultEveryMs ?? 3000;
	const started = Date.now();
	const session = [...syntheticSessions(SYMBOLS, [DATE], {seed: 11})][0]!;
	const bars = new Map<string, Bar[]>(SYMBOLS.map(s => [s, []]));
	for (const bar of session.bars) bars.get(bar.symbol)!.push(bar);
	const emulator = await startEmulator({port: 0, bars, manualClock: true, keys: KEYS, rateLimitPerMinute: 0, cash: CASH});
	const dir = mkdtempSync(join(tmpdir(), 'soak-'));
	const journalPath = join(dir, 'journal.jsonl');
	const config = resolveAlpacaConfig({
		env: {APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: KEYS.secret, APCA_API_BASE_URL: emulator.baseUrl, APCA_API_DATA_URL: emulator.dataUrl},
		envFile: false,
	});
	const adapterLog = {warn: 0, error: 0, reconnects: 0};
	const adapter = createAlpaca(config, {
		log: (level, message) => {
			if (level === 'warn') adapterLog.warn += 1;
			if (level === 'error') adapterLog.error += 1;
			if (/stream reconnected/.test(message)) adapterLog.reconnects += 1;
		},
		timeoutMs: 800,
		rateLimit: {baseBackoffMs: 50, maxBackoffMs: 500, retryAfterJitterMs: 50},
		streams: {reconnectInitialMs: 50, reconnectMaxMs: 500, pingIntervalMs: 500, pongWaitMs: 300},
		broker: {lookupDelaysMs: [50, 200, 500], cancelConfirmMs: 1000, reconcileRetryMs: 300},
		watchdog: {silenceMs: 2000, checkEveryMs: 250, marketOpen: () => !emulator.finished},
		startTimeoutMs: 10_000,
	});
	const journal = new FileJournal(journalPath, {mode: 'sync'});
	const log = new LogBuffer();
	const engine = new Engine({
		mode: 'paper',
		broker: adapter.broker,
		journal,
		runTag: 'soak',
		logSink: log.push,
		risk: {maxDailyLoss: dollarsToMicros(CASH * 0.02), flattenOnLoss: false, maxOrdersPerMinute: 200, maxPositionUsd: null},
	});
	for (const symbol of SYMBOLS)
		engine.add(
			'scalp',
			(ctx, book) => new ScalpStrategy(symbol, ctx, {lot: dollarsToMicros(2000), exitAfterMs: null, signal: null, keepHistory: true}, book(symbol)),
		);
	engine.add('hft', (ctx, book) => new HftStrategy(HFT, ctx, {maxQty: 500}, book(HFT)));
	const live = new LiveSession({
		mode: 'paper',
		engine,
		venue: {broker: adapter.broker, marketData: adapter.marketData, clock: () => adapter.rest.clock(), close: () => adapter.close()},
		journal,
		log,
		version: 'soak',
		scalpSymbols: SYMBOLS,
		hftSymbol: HFT,
	});
	await live.start();

	// The tick-taker's quotes and trades, laid along each arriving bar of its symbol.
	const random = seededRandom(hashSeed(HFT, 3));
	let ticks = 0;
	emulator.onStep(report => {
		for (const bar of report.bars) {
			if (bar.symbol !== HFT) continue;
			for (const tick of syntheticTicksForBar(bar, random)) {
				ticks += 1;
				if (tick.kind === 'quote') {
					emulator.exchange.setQuote(tick.quote);
					engine.setTime(Math.max(engine.now, tick.quote.ms), tick.quote.ns);
					engine.onQuote(tick.quote);
				} else {
					engine.onTrade(tick.trade);
				}
			}
		}
	});

	// RSS sampled as it goes (the first figure: after start-up, before the first bar).
	globalThis.gc?.();
	let peakRss = 0;
	const rssAt: number[] = [process.memoryUsage().rss];
	const sampler = setInterval(() => {
		const rss = process.memoryUsage().rss;
		if (rss > peakRss) peakRss = rss;
	}, 200);
	sampler.unref();

	const injected: string[] = [];
	let nextFault = Date.now() + faultEveryMs;
	let faultIndex = 0;
	const pendingOff = new Set<NodeJS.Timeout>();
	let steps = 0;
	const sessionStart = Date.now();
	while (emulator.step()) {
		steps += 1;
		if (steps % 98 === 0) {
			globalThis.gc?.();
			rssAt.push(process.memoryUsage().rss);
		}
		if (Date.now() >= nextFault) {
			const fault = FAULTS[faultIndex % FAULTS.length]!;
			faultIndex += 1;
			injected.push(fault.name);
			const off = fault.on(emulator);
			if (off) {
				const timer = setTimeout(() => {
					pendingOff.delete(timer);
					off();
				}, fault.holdMs ?? 2000);
				pendingOff.add(timer);
			}
			nextFault = Date.now() + faultEveryMs;
		}
		await sleep(stepMs);
	}
	const sessionSeconds = (Date.now() - sessionStart) / 1000;
	// Every switch off; let the last reconnects and reconciliations finish, then quit as Ctrl+C does.
	for (const timer of pendingOff) clearTimeout(timer);
	emulator.faults.reset();
	await sleep(4000);
	await live.shutdown({how: 'cancel_orders', reason: 'soak over'});
	clearInterval(sampler);
	globalThis.gc?.();
	const finalRss = process.memoryUsage().rss;
	const finalHeap = process.memoryUsage().heapUsed;
	if (finalRss > peakRss) peakRss = finalRss;

	// --- the verdict ---------------------------------------------------------------------
	const exchange = emulator.exchange;
	const {records, tornTail, badLines} = readJournal(journalPath);
	const invalid = records.filter(r => validateRecord(r).length > 0).length;
	const submitted = new Set(records.filter(r => r.type === 'order_submitted').map(r => String(r.client_order_id)));
	const orders = exchange.allOrders();
	const ids = orders.map(o => o.clientOrderId);
	const duplicateIds = ids.length - new Set(ids).size;
	const unintended = ids.filter(id => !submitted.has(id)).length;
	// A second scalp entry: a scalper's symbol held more than its largest buy (the tick-taker's
	// symbol aside, where two strategies hold shares).
	let secondEntries = 0;
	for (const symbol of SYMBOLS) {
		if (symbol === HFT) continue;
		const largest = Math.max(0, ...orders.filter(o => o.symbol === symbol && o.side === 'buy').map(o => o.qty));
		const peak = Math.max(0, ...records.filter(r => r.type === 'order_update' && r.symbol === symbol).map(r => Number(r.position_qty)));
		if (peak > largest) secondEntries += 1;
	}
	const orphans = exchange.state().openOrders.length;
	const mismatched = SYMBOLS.filter(s => engine.portfolio.symbolQty(s) !== (exchange.position(s)?.qty ?? 0));
	const fills = records.filter(r => r.type === 'order_update' && (r.event === 'fill' || r.event === 'partial_fill')).length;
	const hftOrders = orders.filter(o => o.clientOrderId.includes('-hf-')).length;
	const dropped = records.filter(r => r.type === 'error').length;
	const journalSize = statSync(journalPath).size;
	const seconds = (Date.now() - started) / 1000;
	await emulator.close();
	rmSync(dir, {recursive: true, force: true});

	const ok = (good: boolean): string => (good ? 'ok' : 'FAIL');
	return [
		`soak: ${SYMBOLS.length} symbols + tick-taker on ${HFT}, one full session (${steps} steps, ${stepMs} ms per market minute), ${injected.length} faults (every ${faultEveryMs / 1000} s: ${[...new Set(injected)].length} kinds), run time ${seconds.toFixed(1)} s (session ${sessionSeconds.toFixed(1)} s)`,
		`soak: ${orders.length} orders at the exchange (${hftOrders} from the tick-taker), ${fills} fills journaled, ${ticks.toLocaleString('en-US')} tick-taker events, ${adapterLog.reconnects} stream reconnects, ${dropped} bad-input/unknown-order journal lines, ${adapterLog.warn} adapter warnings`,
		`soak: RSS peak ${mb(peakRss)}, final ${mb(finalRss)} (heap ${mb(finalHeap)}) after gc; at start and each quarter ${rssAt.map(mb).join(' / ')}: ${ok(peakRss <= 200e6)} (<= 200 MB)${globalThis.gc ? '' : ' (run with --expose-gc for settled figures)'}`,
		`soak: duplicate orders ${duplicateIds + unintended + secondEntries} (repeated ids ${duplicateIds}, orders never journaled ${unintended}, second entries ${secondEntries}): ${ok(duplicateIds + unintended + secondEntries === 0)}`,
		`soak: orphan orders after shutdown ${orphans}: ${ok(orphans === 0)}; positions equal to the exchange's: ${ok(mismatched.length === 0)}${mismatched.length ? ` (${mismatched.join(', ')})` : ''}`,
		`soak: journal ${records.length.toLocaleString('en-US')} lines, ${mb(journalSize)}, torn ${tornTail ? 1 : 0}, unparsable ${badLines.length}, invalid ${invalid}: ${ok(!tornTail && badLines.length === 0 && invalid === 0)}`,
	];
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const arg = (name: string): number | undefined => {
		const i = process.argv.indexOf(name);
		return i > 0 ? Number(process.argv[i + 1]) : undefined;
	};
	const stepMs = arg('--step-ms');
	const faultEveryMs = arg('--fault-ms');
	for (const line of await benchSoak({...(stepMs ? {stepMs} : {}), ...(faultEveryMs ? {faultEveryMs} : {})})) console.log(line);
	process.exit(0);
}
