/**
 * Render load: the real console (runConsole + App) on a fake 160x50 terminal, fed by a
 * synthetic session applying 5,000 market events/s across 20 symbols (one onChange per event)
 * for ~5 s. Reports render time, CPU, full-screen clears, key-to-frame latency and time to the
 * first frame. Budgets (issue 3): CPU < 25% of a core, average render < 8 ms, zero clears in
 * steady state, a key press visible in the next frame (< 100 ms), first frame < 1 s.
 *
 * Alone: node --import tsx bench/render-load.ts
 */
import {EventEmitter} from 'node:events';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {setFlagsFromString} from 'node:v8';
import {runInNewContext} from 'node:vm';
import type {SessionControl} from '../source/engine/control.js';
import type {EngineSnapshot, LogLine, OpenOrderView, PositionView, SymbolView} from '../source/engine/snapshot.js';

// ---------------------------------------------------------------------------------------------
// A synthetic session: mutable state, immutable snapshots rebuilt only for changed symbols.

interface SymbolState {
	symbol: string;
	hft: boolean;
	price: number;
	first: number;
	closes: number[];
	sma: number[];
	ticksInBar: number;
	paused: boolean;
	state: string;
	order: OpenOrderView | null;
	orderSince: number;
	position: PositionView | null;
	realized: number;
	trades: number;
	bidSize: number;
	askSize: number;
	armed: boolean;
	actions: string[];
	version: number;
	seriesVersion: number;
	view: SymbolView | null;
	viewVersion: number;
	seriesCache: {version: number; closes: readonly number[]; sma: readonly number[]} | null;
}

export interface SyntheticSession extends SessionControl {
	/** Apply `count` market events (each calls the onChange listeners). */
	applyEvents(count: number): void;
	/** Feed `rate` events/s on a 10 ms timer; returns the time spent applying events (ms) so far via `feedMs`. */
	start(rate: number): void;
	stop(): void;
	feedMs(): number;
	eventsApplied(): number;
}

const BAR_TICKS = 250;
const MAX_CLOSES = 240;
const LOG_CAPACITY = 200;
const NY_OPEN = Date.parse('2024-03-14T13:30:00.000Z');
const LIQUIDATION = Date.parse('2024-03-14T19:55:00.000Z');

export function createSyntheticSession(symbolCount = 20, options: {hft?: boolean; seed?: number} = {}): SyntheticSession {
	let seed = options.seed ?? 42;
	const random = (): number => {
		// Mulberry32: deterministic runs.
		seed = (seed + 0x6d2b79f5) | 0;
		let t = seed;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
	};
	const listeners = new Set<() => void>();
	const symbols: SymbolState[] = Array.from({length: symbolCount}, (_, index) => {
		const price = 50 + index * 17.3;
		return {
			symbol: index === 0 && options.hft !== false ? 'SPY' : `SYM${String(index).padStart(2, '0')}`,
			hft: index === 0 && options.hft !== false,
			price,
			first: price,
			closes: [],
			sma: [],
			ticksInBar: 0,
			paused: false,
			state: 'TO_BUY',
			order: null,
			orderSince: 0,
			position: null,
			realized: 0,
			trades: 0,
			bidSize: 500,
			askSize: 500,
			armed: false,
			actions: [],
			version: 1,
			seriesVersion: 1,
			view: null,
			viewVersion: 0,
			seriesCache: null,
		};
	});
	let nowMs = NY_OPEN + 60 * 60_000;
	let speed = 60;
	let events = 0;
	let feedTime = 0;
	let log: LogLine[] = [];
	let logVersion = 1;
	let logCache: {version: number; lines: readonly LogLine[]} | null = null;
	let finished = false;
	let timer: ReturnType<typeof setInterval> | null = null;

	const notify = (): void => {
		for (const listener of listeners) listener();
	};
	const addLog = (symbol: string | null, text: string, level: LogLine['level'] = 'info'): void => {
		log.push({ms: nowMs, symbol, level, text});
		if (log.length > LOG_CAPACITY * 2) log = log.slice(-LOG_CAPACITY);
		logVersion++;
	};

	const closeBar = (s: SymbolState): void => {
		s.closes.push(Number(s.price.toFixed(2)));
		if (s.closes.length > MAX_CLOSES) s.closes.shift();
		const window = s.closes.slice(-20);
		s.sma.push(window.length === 20 ? window.reduce((a, b) => a + b, 0) / 20 : Number.NaN);
		if (s.sma.length > MAX_CLOSES) s.sma.shift();
		s.seriesVersion++;
		if (s.hft || s.paused) return;
		// A little strategy theatre so panels show orders and positions.
		if (s.state === 'TO_BUY' && random() < 0.3) {
			s.state = 'BUY_SUBMITTED';
			s.order = {clientOrderId: `b${events}`, side: 'buy', type: 'limit', qty: 10, filledQty: 0, limitPrice: s.price, ageMs: 0};
			s.orderSince = nowMs;
			addLog(s.symbol, `buy 10 @ ${s.price.toFixed(2)} (signal)`);
		} else if (s.state === 'BUY_SUBMITTED' && random() < 0.5) {
			s.position = {qty: 10, avgPrice: s.price, unrealizedPnl: 0};
			s.state = 'SELL_SUBMITTED';
			s.order = {clientOrderId: `s${events}`, side: 'sell', type: 'limit', qty: 10, filledQty: 0, limitPrice: s.price + 0.05, ageMs: 0};
			s.orderSince = nowMs;
			addLog(s.symbol, `filled buy 10, sell limit @ ${(s.price + 0.05).toFixed(2)}`);
		} else if (s.state === 'SELL_SUBMITTED' && random() < 0.4) {
			s.realized += 0.5;
			s.trades++;
			s.position = null;
			s.order = null;
			s.state = 'TO_BUY';
			addLog(s.symbol, 'sell filled, round trip done');
		}
	};

	const applyOne = (): void => {
		events++;
		nowMs += 12;
		const s = symbols[events % symbols.length]!;
		s.price = Math.max(1, s.price + (random() - 0.5) * 0.04);
		if (s.position) s.position = {...s.position, unrealizedPnl: (s.price - s.position.avgPrice) * s.position.qty};
		if (s.hft) {
			s.bidSize = Math.max(100, Math.round(s.bidSize + (random() - 0.5) * 300));
			s.askSize = Math.max(100, Math.round(s.askSize + (random() - 0.5) * 300));
			if (random() < 0.01) {
				s.armed = !s.armed;
				if (!s.armed) {
					s.actions = [...s.actions.slice(-9), `${random() < 0.5 ? 'buy' : 'sell'} 100 @ ${s.price.toFixed(2)}`];
					s.trades++;
				}
			}
		}
		if (++s.ticksInBar >= BAR_TICKS) {
			s.ticksInBar = 0;
			closeBar(s);
		}
		s.version++;
		notify();
	};

	const viewOf = (s: SymbolState): SymbolView => {
		if (s.view && s.viewVersion === s.version && !s.order) return s.view;
		if (!s.seriesCache || s.seriesCache.version !== s.seriesVersion) {
			s.seriesCache = {version: s.seriesVersion, closes: [...s.closes], sma: [...s.sma]};
		}
		const bid = Number((s.price - 0.005).toFixed(2));
		s.view = {
			symbol: s.symbol,
			strategy: s.hft ? 'hft' : 'scalp',
			state: s.hft ? (s.armed ? 'ARMED' : 'DISARMED') : s.state,
			paused: s.paused,
			lastPrice: s.price,
			change: s.price - s.first,
			synthetic: false,
			orders: [],
			closes: s.seriesCache.closes,
			sma: s.seriesCache.sma,
			openOrder: s.order ? {...s.order, ageMs: nowMs - s.orderSince} : null,
			position: s.position,
			realizedPnl: s.realized,
			trades: s.trades,
			hft: s.hft
				? {
						bidPrice: bid,
						bidSize: s.bidSize,
						askPrice: bid + 0.01,
						askSize: s.askSize,
						spread: 0.01,
						threshold: 1.8,
						armed: s.armed,
						pendingBuy: 0,
						pendingSell: 0,
						maxQty: 500,
						lastActions: s.actions,
					}
				: null,
		};
		s.viewVersion = s.version;
		return s.view;
	};

	const find = (symbol: string): SymbolState | undefined => symbols.find(s => s.symbol === symbol);
	const touch = (s: SymbolState): void => {
		s.version++;
		notify();
	};

	return {
		snapshot(): EngineSnapshot {
			if (!logCache || logCache.version !== logVersion) logCache = {version: logVersion, lines: log.slice(-LOG_CAPACITY)};
			let unrealized = 0;
			let realized = 0;
			for (const s of symbols) {
				unrealized += s.position?.unrealizedPnl ?? 0;
				realized += s.realized;
			}
			return {
				mode: 'sim',
				nowMs,
				sessionDate: '2024-03-14',
				signalName: null,
				smaLength: 20,
				sessionState: 'open',
				liquidationMs: LIQUIDATION,
				speed,
				equity: 100_000 + realized + unrealized,
				cash: 100_000 + realized,
				realizedPnl: realized,
				unrealizedPnl: unrealized,
				dayPnl: realized + unrealized,
				connection: 'replay',
				symbols: symbols.map(viewOf),
				log: logCache.lines,
				risk: null,
				finished,
			};
		},
		onChange(listener) {
			listeners.add(listener);
			return () => {
				listeners.delete(listener);
			};
		},
		pause(symbol) {
			const s = find(symbol);
			if (!s) return;
			s.paused = true;
			addLog(symbol, 'paused');
			touch(s);
		},
		resume(symbol) {
			const s = find(symbol);
			if (!s) return;
			s.paused = false;
			addLog(symbol, 'resumed');
			touch(s);
		},
		togglePauseAll() {
			const all = symbols.every(s => s.paused);
			for (const s of symbols) {
				s.paused = !all;
				s.version++;
			}
			addLog(null, all ? 'resumed all' : 'paused all');
			notify();
		},
		forceSell(symbol) {
			const s = find(symbol);
			if (!s) return;
			s.order = null;
			s.position = null;
			s.state = 'TO_BUY';
			addLog(symbol, 'force-sold');
			touch(s);
		},
		cancel(symbol) {
			const s = find(symbol);
			if (!s) return;
			s.order = null;
			s.state = s.position ? 'TO_SELL' : 'TO_BUY';
			addLog(symbol, 'orders cancelled');
			touch(s);
		},
		liquidateAll() {
			for (const s of symbols) {
				s.order = null;
				s.position = null;
				s.state = 'TO_BUY';
				s.version++;
			}
			addLog(null, 'liquidated everything');
			notify();
		},
		changeSpeed(factor) {
			speed *= factor;
			addLog(null, `speed ${speed}x`);
			notify();
			return speed;
		},
		hasExposure: () => symbols.some(s => s.order !== null || (s.position?.qty ?? 0) !== 0),
		async shutdown(shutdown) {
			if (timer) clearInterval(timer);
			timer = null;
			if (shutdown.how === 'flatten') for (const s of symbols) s.position = null;
			if (shutdown.how !== 'leave') for (const s of symbols) s.order = null;
			addLog(null, `shutdown (${shutdown.how}, ${shutdown.reason})`);
			finished = true;
			notify();
		},
		applyEvents(count) {
			const started = performance.now();
			for (let index = 0; index < count; index++) applyOne();
			feedTime += performance.now() - started;
		},
		start(rate) {
			let last = performance.now();
			let owed = 0;
			timer = setInterval(() => {
				const now = performance.now();
				owed += ((now - last) * rate) / 1000;
				last = now;
				const count = Math.floor(owed);
				owed -= count;
				this.applyEvents(count);
			}, 10);
		},
		stop() {
			if (timer) clearInterval(timer);
			timer = null;
		},
		feedMs: () => feedTime,
		eventsApplied: () => events,
	};
}

// ---------------------------------------------------------------------------------------------
// A fake terminal: a TTY-like stdout that records writes, and a stdin Ink can read keys from.

class FakeStdout extends EventEmitter {
	readonly isTTY = true;
	columns: number;
	rows: number;
	writable = true;
	onWrite: (chunk: string) => void = () => {};
	constructor(columns: number, rows: number) {
		super();
		this.columns = columns;
		this.rows = rows;
	}
	write(chunk: string | Uint8Array, encoding?: unknown, callback?: unknown): boolean {
		this.onWrite(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
		const done = typeof encoding === 'function' ? encoding : callback;
		if (typeof done === 'function') (done as () => void)();
		return true;
	}
}

class FakeStdin extends EventEmitter {
	readonly isTTY = true;
	private readonly queue: string[] = [];
	press(data: string): void {
		this.queue.push(data);
		this.emit('readable');
	}
	read(): string | null {
		return this.queue.shift() ?? null;
	}
	setRawMode(): this {
		return this;
	}
	setEncoding(): this {
		return this;
	}
	ref(): this {
		return this;
	}
	unref(): this {
		return this;
	}
	resume(): this {
		return this;
	}
	pause(): this {
		return this;
	}
}

// ---------------------------------------------------------------------------------------------

/** A full garbage collection (also without --expose-gc), then the heap in use. */
function heapAfterGc(): number {
	setFlagsFromString('--expose-gc');
	const gc = runInNewContext('gc') as () => void;
	gc();
	gc();
	return process.memoryUsage().heapUsed;
}

function stats(values: readonly number[]): {avg: number; p95: number; max: number} {
	if (values.length === 0) return {avg: Number.NaN, p95: Number.NaN, max: Number.NaN};
	const sorted = [...values].sort((a, b) => a - b);
	return {
		avg: values.reduce((a, b) => a + b, 0) / values.length,
		p95: sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.95))]!,
		max: sorted[sorted.length - 1]!,
	};
}

const sleep = (ms: number): Promise<void> =>
	new Promise(resolve => {
		setTimeout(resolve, ms);
	});

function count(text: string, needle: string): number {
	let found = 0;
	for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) found++;
	return found;
}

function stripAnsi(text: string): string {
	// CSI sequences (colours, cursor moves, erases) and single-character escapes.
	return text.replace(/\u001B\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\u001B[@-_]/g, '');
}

function ciDetected(env: NodeJS.ProcessEnv): boolean {
	return env['CI'] !== '0' && env['CI'] !== 'false' && ('CI' in env || 'CONTINUOUS_INTEGRATION' in env || Object.keys(env).some(key => key.startsWith('CI_')));
}

export interface RenderBenchOptions {
	readonly symbols?: number;
	readonly eventsPerSecond?: number;
	readonly seconds?: number;
	readonly columns?: number;
	readonly rows?: number;
	/** Snapshot publish interval passed to runConsole (default: runConsole's own). */
	readonly frameMs?: number;
}

export async function benchRender(options: RenderBenchOptions = {}): Promise<string[]> {
	const symbolCount = options.symbols ?? 20;
	const rate = options.eventsPerSecond ?? 5000;
	const seconds = options.seconds ?? 5;
	const columns = options.columns ?? 160;
	const rows = options.rows ?? 50;
	const out: string[] = [];

	// The console is meant to run on React's production build (the development build is slower
	// and keeps a performance entry per component render). Choose it when React is not loaded yet.
	const require = createRequire(import.meta.url);
	let reactMode = process.env['NODE_ENV'] ?? '(unset)';
	if (process.env['NODE_ENV'] === undefined && !(require.resolve('react') in require.cache)) {
		process.env['NODE_ENV'] = 'production';
		reactMode = 'production (set by the bench)';
	}
	// Ink only writes the last frame when it thinks it runs in CI; it decides at import time.
	const ciKeys = Object.keys(process.env).filter(key => key === 'CI' || key === 'CONTINUOUS_INTEGRATION' || key.startsWith('CI_'));
	const saved = Object.fromEntries([...ciKeys, 'FORCE_COLOR'].map(key => [key, process.env[key]]));
	for (const key of ciKeys) delete process.env[key];
	// A real terminal has colours: let Ink's chalk colour the borders as it would there.
	process.env['FORCE_COLOR'] ??= '1';
	const started = performance.now();
	const {runConsole} = await import('../source/ui/render.js');
	for (const [key, value] of Object.entries(saved)) {
		if (value === undefined) delete process.env[key];
		else process.env[key] = value;
	}

	const session = createSyntheticSession(symbolCount);
	const stdout = new FakeStdout(columns, rows);
	const stdin = new FakeStdin();
	const signals = new EventEmitter();
	const renderTimes: number[] = [];
	const commitTimes: number[] = [];
	let firstFrameMs = Number.NaN;
	let clearsTotal = 0;
	let clearsSteady = 0;
	let steady = false;
	let frames = 0;
	let bytes = 0;
	let expectPaused: number | null = null;
	let pressedAt = 0;
	const latencies: number[] = [];
	let maxFrameLines = 0;

	const selectedTitle = /SPY \d/;
	stdout.onWrite = chunk => {
		bytes += chunk.length;
		const clears = count(chunk, '\u001B[2J');
		clearsTotal += clears;
		if (steady) clearsSteady += clears;
		if (Number.isNaN(firstFrameMs) && chunk.includes('equity')) {
			firstFrameMs = performance.now() - started;
			maxFrameLines = chunk.split('\n').length - 1;
		}
		if (expectPaused === null) return;
		// Look at the selected panel's title line for its PAUSED mark.
		for (const raw of chunk.split('\n')) {
			const line = stripAnsi(raw);
			if (!selectedTitle.test(line)) continue;
			if (line.includes('PAUSED') === (expectPaused === 1)) {
				latencies.push(performance.now() - pressedAt);
				expectPaused = null;
			}
			break;
		}
	};

	const done = runConsole(session, {
		stdout: stdout as unknown as NodeJS.WriteStream,
		stdin: stdin as unknown as NodeJS.ReadStream,
		stderr: stdout as unknown as NodeJS.WriteStream,
		color: true,
		signals,
		...(options.frameMs ? {frameMs: options.frameMs} : {}),
		metrics: {
			onRender: ms => {
				frames++;
				if (steady) renderTimes.push(ms);
			},
			onCommit: ms => {
				if (!steady) return;
				// React renders the published snapshot in a microtask and Ink draws in the commit:
				// the first macrotask after the publish sees the whole frame done.
				const began = performance.now() - ms;
				setImmediate(() => {
					commitTimes.push(performance.now() - began);
				});
			},
		},
	});

	session.start(rate);
	// The steady phase starts once the console draws (loading Ink takes seconds on a busy machine).
	while (Number.isNaN(firstFrameMs) && performance.now() - started < 60_000) await sleep(20);
	await sleep(500);
	const heapStart = heapAfterGc();
	steady = true;
	const cpuStart = process.cpuUsage();
	const wallStart = performance.now();
	const feedStart = session.feedMs();
	const eventsStart = session.eventsApplied();
	const framesStart = frames;
	let paused = false;
	const end = wallStart + seconds * 1000;
	let nextPress = wallStart + 400;
	while (performance.now() < end) {
		if (performance.now() >= nextPress && expectPaused === null) {
			// `p` toggles the selected (first) panel: count PAUSED marks in the next frames.
			paused = !paused;
			expectPaused = paused ? 1 : 0;
			pressedAt = performance.now();
			stdin.press('p');
			nextPress = pressedAt + 700;
		}
		await sleep(20);
	}
	const wall = performance.now() - wallStart;
	const cpu = process.cpuUsage(cpuStart);
	const heapGrowth = heapAfterGc() - heapStart;
	const feed = session.feedMs() - feedStart;
	const applied = session.eventsApplied() - eventsStart;
	steady = false;
	session.stop();
	signals.emit('SIGTERM');
	const code = await done;

	const cpuMs = (cpu.user + cpu.system) / 1000;
	const render = stats(renderTimes);
	const commit = stats(commitTimes);
	const latency = stats(latencies);
	const fmt = (value: number, digits = 2): string => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
	out.push(
		`render-load: ${symbolCount} symbols, ${fmt(applied / (wall / 1000), 0)} market events/s (target ${rate}), ${fmt(wall / 1000, 1)} s steady, ${columns}x${rows}, NODE_ENV=${reactMode}`,
		`  frames: ${frames - framesStart} (${fmt((frames - framesStart) / (wall / 1000), 1)}/s), first frame ${maxFrameLines} lines high for ${rows} rows, ${fmt(bytes / 1024, 0)} KiB written`,
		`  Ink render (onRender renderTime): avg ${fmt(render.avg)} ms, p95 ${fmt(render.p95)} ms, max ${fmt(render.max)} ms (budget avg < 8 ms)`,
		`  publish to frame (snapshot + React render + commit + layout + Ink render): avg ${fmt(commit.avg)} ms, p95 ${fmt(commit.p95)} ms over ${commitTimes.length}`,
		`  CPU: ${fmt((cpuMs / wall) * 100, 1)}% of one core in all, ${fmt(((cpuMs - feed) / wall) * 100, 1)}% without the synthetic feed (budget < 25%)`,
		`  heap after GC: ${heapGrowth >= 0 ? '+' : ''}${fmt(heapGrowth / 1024 / 1024, 2)} MiB over the steady run${
			process.env['NODE_ENV'] === 'production' ? '' : " (React's development build keeps a performance entry per render: run with NODE_ENV=production)"
		}`,
		`  full-screen clears: ${clearsSteady} in steady state, ${clearsTotal} in all (budget 0)`,
		`  key -> frame: avg ${fmt(latency.avg, 1)} ms, max ${fmt(latency.max, 1)} ms over ${latencies.length} presses (budget < 100 ms)`,
		`  first frame: ${fmt(firstFrameMs, 0)} ms after start, module load included (budget < 1000 ms); exit code ${code}`,
	);
	if (ciDetected(process.env)) out.push('  note: CI environment variables were hidden from Ink for this run (Ink draws no frames in CI).');
	return out;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
	for (const line of await benchRender()) console.log(line);
	process.exit(0);
}
