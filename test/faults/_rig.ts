/**
 * A paper-mode trading session in-process against `emulate` on a loopback port: the real
 * engine, strategies, LiveSession and Alpaca adapter (real SDK) over the emulator's manual
 * clock, with a journal file. Fault scenarios step the market, flip fault switches, and then
 * check the four invariants every scenario must keep:
 *
 * - no duplicate orders: client order ids are unique at the exchange, every order there is one
 *   the engine journaled as submitted, and no symbol ever holds more than one scalp entry;
 * - no orphan orders: after shutdown the exchange has no open order left by the run;
 * - positions equal the broker's: the engine's books (and cash) match the exchange's;
 * - journal intact: whole lines only, every record valid.
 */
import assert from 'node:assert/strict';
import {mkdtempSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {resolveAlpacaConfig} from '../../source/adapters/alpaca/config.js';
import {createAlpaca, type AlpacaAdapter, type CreateAlpacaOptions} from '../../source/adapters/alpaca/index.js';
import {dollarsToMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulate/server.js';
import {Engine} from '../../source/engine/engine.js';
import {NO_LIMITS, type RiskLimits} from '../../source/engine/risk.js';
import {readJournal} from '../../source/journal/reader.js';
import {validateRecord} from '../../source/journal/schema.js';
import {FileJournal} from '../../source/journal/writer.js';
import {LiveSession} from '../../source/session/live-session.js';
import {LogBuffer} from '../../source/session/log-buffer.js';
import {HftStrategy} from '../../source/strategies/hft.js';
import {ScalpStrategy} from '../../source/strategies/scalp.js';

export const KEYS = {keyId: 'PKFAULTS01', secret: 'faults-secret-4e8b1d'};
export const DATE = '2019-02-11';
export const LOT = 2000;

// --- bars ----------------------------------------------------------------------------------

const round2 = (x: number): number => Math.round(x * 100) / 100;

function flat(symbol: string, start: number, price: number): Bar {
	const p = dollarsToMicros(round2(price));
	return {symbol, start, open: p, high: p, low: p, close: p, volume: 1000};
}

function ohlc(symbol: string, start: number, o: number, h: number, l: number, c: number): Bar {
	return {
		symbol,
		start,
		open: dollarsToMicros(round2(o)),
		high: dollarsToMicros(round2(h)),
		low: dollarsToMicros(round2(l)),
		close: dollarsToMicros(round2(c)),
		volume: 1000,
	};
}

/** Minutes per scalp cycle of `cycleBars`. */
export const CYCLE = 26;

/**
 * Round trips on a schedule, `cycles` times from 09:30 (+ `offset` minutes) of `date`. Minute
 * (in cycle) 0-19: flat at `base`; 20: dip to base-1; 21: jump to base+1 (the SMA20 cross: a
 * limit buy at base+1 is placed at this bar's arrival); 22: trades through base+1 (the buy
 * fills, the take-profit at base+1.01 is placed); 23: trades up to base+1.10 (the take-profit
 * fills); 24-25: flat at base+1 (slack for slow paths). One lot of $2000 buys floor(2000 /
 * (base+1)) shares.
 */
export function cycleBars(symbol: string, base: number, cycles: number, options: {date?: string; offset?: number} = {}): Bar[] {
	const date = options.date ?? DATE;
	const t0 = nyTime(date, 9, 30) + (options.offset ?? 0) * 60_000;
	const out: Bar[] = [];
	for (let c = 0; c < cycles; c++) {
		const at = (i: number): number => t0 + (c * CYCLE + i) * 60_000;
		for (let i = 0; i < 20; i++) out.push(flat(symbol, at(i), base));
		out.push(flat(symbol, at(20), base - 1));
		out.push(flat(symbol, at(21), base + 1));
		out.push(ohlc(symbol, at(22), base + 1, base + 1.05, base + 0.9, base + 1));
		out.push(ohlc(symbol, at(23), base + 1, base + 1.1, base + 1, base + 1.05));
		out.push(flat(symbol, at(24), base + 1));
		out.push(flat(symbol, at(25), base + 1));
	}
	return out;
}

/** Shares one scalp lot buys at the cycle's entry price. */
export const lotShares = (base: number): number => Math.floor(LOT / (base + 1));

// --- the rig -------------------------------------------------------------------------------

export interface RigOptions {
	/** Minute bars to replay (or tick data through `emulator`). */
	readonly bars?: ReadonlyMap<string, readonly Bar[]>;
	/** More emulator options (tick mode, ...). */
	readonly emulator?: Partial<EmulatorOptions>;
	readonly symbols: readonly string[];
	readonly hft?: string | null;
	readonly risk?: RiskLimits;
	readonly exitAfterMs?: number | null;
	readonly adapter?: Partial<CreateAlpacaOptions>;
	readonly journalPath?: string;
	readonly runTag?: string;
	/** LiveSession's quit deadline (default its own, 5 s). */
	readonly shutdownDeadlineMs?: number;
}

export interface Rig {
	/** The emulator now (a new one after `restartEmulator`). */
	readonly emulator: EmulatorHandle;
	/**
	 * Stop the emulator and start a fresh one (new account, same data) on the same port, its
	 * market clock stepped `steps` times before any client can reach it: a broker restart.
	 */
	restartEmulator(steps: number): Promise<void>;
	readonly adapter: AlpacaAdapter;
	readonly engine: Engine;
	readonly session: LiveSession;
	readonly journalPath: string;
	/** Adapter and engine log lines, "level: text". */
	readonly logs: string[];
	/** HTTP requests sent by the adapter so far. */
	readonly requests: Array<{method: string; path: string}>;
	scalper(symbol: string): ScalpStrategy;
	/** Market steps, each followed by `settle`. */
	step(count?: number): Promise<void>;
	/**
	 * Wait until the session is quiet: the emulator idle (every frame sent handled by the
	 * client, nothing in flight or held back by a fault), no request of the adapter in flight,
	 * every order sent answered, and nothing happened in the client meanwhile.
	 */
	settle(): Promise<void>;
	/** Wait until the engine has every symbol's latest published bar (live or filled from REST). */
	caughtUp(timeoutMs?: number): Promise<void>;
	until<T>(probe: () => T | null | undefined | false, what: string, timeoutMs?: number): Promise<T>;
	shutdown(how?: 'flatten' | 'cancel_orders' | 'leave'): Promise<void>;
	close(): Promise<void>;
}

const sleep = (ms: number): Promise<void> => new Promise(resolve => setTimeout(resolve, ms));

export async function startRig(options: RigOptions): Promise<Rig> {
	let emulator = await startEmulator({
		port: 0,
		...(options.bars ? {bars: options.bars} : {}),
		manualClock: true,
		keys: KEYS,
		rateLimitPerMinute: 0,
		cash: 100_000,
		...options.emulator,
	});
	const dir = mkdtempSync(join(tmpdir(), 'scalp-faults-'));
	const journalPath = options.journalPath ?? join(dir, 'journal.jsonl');
	const logs: string[] = [];
	const requests: Array<{method: string; path: string}> = [];
	let inFlight = 0;
	/** Counts everything the client does (logs, requests, engine changes, bars). */
	let activity = 0;
	const touch = (): void => {
		activity += 1;
	};
	const config = resolveAlpacaConfig({
		env: {APCA_API_KEY_ID: KEYS.keyId, APCA_API_SECRET_KEY: KEYS.secret, APCA_API_BASE_URL: emulator.baseUrl, APCA_API_DATA_URL: emulator.dataUrl},
		envFile: false,
	});
	const log = new LogBuffer(100_000);
	let engine: Engine | null = null;
	const adapter = createAlpaca(config, {
		log: (level, message) => {
			touch();
			logs.push(`${level}: ${message}`);
		},
		timeoutMs: 800,
		rateLimit: {random: () => 0, baseBackoffMs: 20, maxBackoffMs: 200, retryAfterJitterMs: 0},
		streams: {reconnectInitialMs: 20, reconnectMaxMs: 200, pingIntervalMs: 400, pongWaitMs: 200},
		broker: {lookupDelaysMs: [20, 100, 300], cancelConfirmMs: 800, reconcileRetryMs: 200},
		watchdog: {silenceMs: 1500, checkEveryMs: 100, marketOpen: () => true},
		startTimeoutMs: 5000,
		fetch: async (url, init) => {
			inFlight += 1;
			touch();
			requests.push({method: String(init.method ?? 'GET'), path: new URL(url).pathname});
			try {
				return await fetch(url, init);
			} finally {
				inFlight -= 1;
				touch();
			}
		},
		...options.adapter,
	});
	const journal = new FileJournal(journalPath, {mode: 'sync'});
	engine = new Engine({
		mode: 'paper',
		broker: adapter.broker,
		journal,
		runTag: options.runTag ?? 'rig',
		logSink: line => {
			touch();
			log.push(line);
			logs.push(`${line.level}: ${line.symbol ? `${line.symbol} ` : ''}${line.text}`);
		},
		risk: options.risk ?? NO_LIMITS,
	});
	const theEngine = engine;
	for (const symbol of options.symbols) {
		theEngine.add(
			'scalp',
			(ctx, book) =>
				new ScalpStrategy(symbol, ctx, {lot: dollarsToMicros(LOT), exitAfterMs: options.exitAfterMs ?? null, signal: null, keepHistory: false}, book(symbol)),
		);
	}
	if (options.hft) {
		const hft = options.hft;
		theEngine.add('hft', (ctx, book) => new HftStrategy(hft, ctx, {maxQty: 500}, book(hft)));
	}
	theEngine.onChange(touch);
	const barsSeen: number[] = [];
	let stepBars = 0;
	/** Latest bar start per symbol: published by the emulator, and seen by the engine. */
	const published = new Map<string, number>();
	const seen = new Map<string, number>();
	const watchSteps = (): void => {
		emulator.onStep(report => {
			const ours = report.bars.filter(b => options.symbols.includes(b.symbol));
			stepBars = ours.length;
			for (const bar of ours) published.set(bar.symbol, Math.max(published.get(bar.symbol) ?? -Infinity, bar.start));
		});
	};
	watchSteps();
	const onBar = theEngine.onBar.bind(theEngine);
	theEngine.onBar = (bar, arrival) => {
		barsSeen.push(bar.start);
		seen.set(bar.symbol, Math.max(seen.get(bar.symbol) ?? -Infinity, bar.start));
		touch();
		onBar(bar, arrival);
	};
	const session = new LiveSession({
		mode: 'paper',
		engine: theEngine,
		venue: {broker: adapter.broker, marketData: adapter.marketData, clock: () => adapter.rest.clock(), close: () => adapter.close()},
		journal,
		log,
		version: 'test',
		scalpSymbols: options.symbols,
		hftSymbol: options.hft ?? null,
		barSettleMs: 10,
		...(options.shutdownDeadlineMs === undefined ? {} : {shutdownDeadlineMs: options.shutdownDeadlineMs}),
	});
	await session.start();

	const until = async <T>(probe: () => T | null | undefined | false, what: string, timeoutMs = 10_000): Promise<T> => {
		const deadline = Date.now() + timeoutMs;
		for (;;) {
			const value = probe();
			if (value) return value;
			if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}\n${logs.slice(-25).join('\n')}`);
			await sleep(5);
		}
	};
	// Quiet: the emulator idle, no request in flight, every order the engine sent answered, and
	// no client activity across that wait (a frame handled may start more work: look again).
	const unanswered = (): boolean => theEngine.openOrderCount() > theEngine.openOrders().length;
	const marks = (): number => {
		const sent = emulator.delivered();
		return activity + sent.frames + sent.requests;
	};
	const settle = async (): Promise<void> => {
		const deadline = Date.now() + 20_000;
		while (Date.now() < deadline) {
			const before = marks();
			await emulator.whenIdle(Math.max(deadline - Date.now(), 1));
			// Continuations of what the client just handled (timers of 0, I/O callbacks) run first.
			await new Promise(resolve => setImmediate(resolve));
			if (inFlight === 0 && !unanswered() && marks() === before) return;
			// Waiting on the client's own timers (a lookup, a retry): do not spin.
			if (marks() === before) await sleep(2);
		}
		assert.fail(`the session never went quiet (${inFlight} requests in flight)\n${logs.slice(-25).join('\n')}`);
	};
	let closed = false;
	const rig: Rig = {
		get emulator() {
			return emulator;
		},
		restartEmulator: async (steps: number) => {
			const port = emulator.port;
			await emulator.close();
			emulator = await startEmulator({
				port,
				...(options.bars ? {bars: options.bars} : {}),
				manualClock: true,
				keys: KEYS,
				rateLimitPerMinute: 0,
				cash: 100_000,
				...options.emulator,
			});
			// Synchronous steps: no client gets in before the clock is where the old one was.
			for (let i = 0; i < steps; i++) emulator.step();
			watchSteps();
		},
		adapter,
		engine: theEngine,
		session,
		journalPath,
		logs,
		requests,
		scalper: symbol => theEngine.strategiesFor(symbol).find(s => s.kind === 'scalp') as ScalpStrategy,
		step: async (count = 1) => {
			for (let i = 0; i < count; i++) {
				const before = barsSeen.length;
				touch();
				stepBars = 0;
				if (!emulator.step()) return;
				const expected = stepBars;
				// Bars of this step reach the engine (unless the data socket is down or silent).
				if (expected > 0) {
					const deadline = Date.now() + 5000;
					while (barsSeen.length < before + expected && Date.now() < deadline) await sleep(2);
				}
				await settle();
			}
		},
		settle,
		caughtUp: async (timeoutMs = 10_000) => {
			const behind = (): string[] => [...published].filter(([symbol, start]) => (seen.get(symbol) ?? -Infinity) < start).map(([symbol]) => symbol);
			await until(() => behind().length === 0, `the engine to catch up with the published bars (behind: ${behind().join(', ')})`, timeoutMs);
		},
		until,
		shutdown: async (how = 'cancel_orders') => {
			await session.shutdown({how, reason: 'test'});
		},
		close: async () => {
			if (closed) return;
			closed = true;
			await session.shutdown({how: 'leave', reason: 'test cleanup'}).catch(() => {});
			await adapter.close().catch(() => {});
			await emulator.close();
		},
	};
	return rig;
}

// --- the invariants ------------------------------------------------------------------------

export interface InvariantOptions {
	/** The scenario chose to leave orders open (shutdown 'leave'). */
	readonly ordersLeft?: boolean;
	/** Client order ids placed at the exchange by someone else (the scenario did). */
	readonly foreignOrders?: readonly string[];
	/** Most shares any one symbol may have held at once (default: its largest buy order). */
	readonly maxPosition?: (symbol: string) => number;
}

/** Journal lines of one type. */
export function journalOf(rig: Pick<Rig, 'journalPath'>, type?: string): Array<Record<string, unknown>> {
	return readJournal(rig.journalPath).records.filter(r => type === undefined || r.type === type);
}

/**
 * The four invariants (see the file header). Call after `shutdown`.
 */
export function assertInvariants(rig: Rig, options: InvariantOptions = {}): void {
	const exchange = rig.emulator.exchange;
	const {records, tornTail, badLines} = readJournal(rig.journalPath);
	// Journal intact.
	assert.equal(tornTail, false, 'no torn line');
	assert.deepEqual(badLines, [], 'every line parses');
	for (const record of records) assert.deepEqual(validateRecord(record), [], JSON.stringify(record));
	// No duplicate orders.
	const orders = exchange.allOrders();
	const ids = orders.map(o => o.clientOrderId);
	assert.equal(new Set(ids).size, ids.length, 'client order ids are unique at the exchange');
	const submitted = new Set(records.filter(r => r.type === 'order_submitted').map(r => String(r.client_order_id)));
	for (const id of ids) assert.ok(submitted.has(id) || options.foreignOrders?.includes(id), `the exchange holds ${id}, which the engine never submitted`);
	const largestBuy = (symbol: string): number => Math.max(0, ...orders.filter(o => o.symbol === symbol && o.side === 'buy').map(o => o.qty));
	const maxPosition = options.maxPosition ?? largestBuy;
	for (const symbol of new Set(orders.map(o => o.symbol))) {
		let position = 0;
		let peak = 0;
		for (const update of records) {
			if (update.type !== 'order_update' || update.symbol !== symbol) continue;
			position = Number(update.position_qty);
			peak = Math.max(peak, position);
		}
		assert.ok(peak <= maxPosition(symbol), `${symbol} held ${peak} shares at once: a second entry`);
	}
	// No orphan orders.
	if (!options.ordersLeft)
		assert.deepEqual(
			exchange.state().openOrders.map(o => o.clientOrderId),
			[],
			'no open order left at the exchange',
		);
	// Positions equal the broker's.
	const symbols = new Set([...exchange.state().positions.map(p => p.symbol), ...rig.engine.strategies.map(s => s.symbol)]);
	for (const symbol of symbols) {
		assert.equal(rig.engine.portfolio.symbolQty(symbol), exchange.position(symbol)?.qty ?? 0, `${symbol}: engine position vs the exchange`);
	}
	assert.equal(rig.engine.portfolio.cash, exchange.cash, 'engine cash vs the exchange');
}
