/**
 * SIM mode: the engine trading the simulated exchange over replayed minute bars, paced by the
 * wall clock at `speed` market seconds per second. Implements SessionControl for the console.
 * The replay itself is the same BarReplay the backtest uses, so SIM trades exactly like a
 * backtest of the same data.
 */
import type {BarSession} from '../adapters/replay/minute-csv.js';
import type {SimExchange} from '../adapters/sim/exchange.js';
import {BarReplay, type TickSource} from '../backtest/bar-runner.js';
import type {SessionControl} from '../engine/control.js';
import {EngineCommands} from './engine-commands.js';
import type {Engine} from '../engine/engine.js';
import {buildSnapshot, type SessionParams} from '../engine/snapshot-builder.js';
import type {SessionSummary, SessionTally} from '../report/session-tally.js';
import type {EngineSnapshot, RiskView} from '../engine/snapshot.js';
import type {Journal} from '../journal/records.js';
import type {LogBuffer} from './log-buffer.js';
import {nameSymbols} from '../core/symbol.js';

export interface Scheduler {
	now(): number;
	setTimeout(fn: () => void, ms: number): unknown;
	clearTimeout(handle: unknown): void;
}

export const realScheduler: Scheduler = {
	now: () => performance.now(),
	setTimeout: (fn, ms) => setTimeout(fn, ms),
	clearTimeout: handle => clearTimeout(handle as NodeJS.Timeout),
};

export interface SimSessionOptions {
	readonly engine: Engine;
	readonly exchange: SimExchange;
	readonly sessions: Iterable<BarSession>;
	readonly journal: Journal;
	readonly log: LogBuffer;
	readonly speed: number;
	readonly version: string;
	readonly symbols: readonly string[];
	readonly scheduler?: Scheduler;
	/** Wall milliseconds between pacing ticks. */
	readonly tickMs?: number;
	readonly risk?: () => RiskView | null;
	/** Quotes and trades for the tick-taker between bar arrivals. */
	readonly ticks?: TickSource;
	/** Strategy parameters for the header and the journal's session start. */
	readonly params?: SessionParams;
	/** The journal wrapper that keeps the session summary (journaled and printed at quit). */
	readonly tally?: SessionTally;
	/** What is made up, for the panels to say so: symbols with synthetic bars, a synthetic book. */
	readonly synthetic?: {readonly bars: readonly string[]; readonly ticks: boolean};
	/** Name of the custom buy signal, if any (shown on the panels). */
	readonly signalName?: string | null;
}

export const MIN_SPEED = 1;
export const MAX_SPEED = 3600;
/** The speeds `+` and `-` step through: round figures, so a speed once left is found again. */
export const SPEED_STEPS: readonly number[] = [1, 10, 30, 60, 120, 300, 600, 1800, 3600];

/** The next fixed speed above (`up`) or below the current one; the ends stay where they are. */
export function stepSpeed(current: number, up: boolean): number {
	if (up) return SPEED_STEPS.find(step => step > current) ?? SPEED_STEPS[SPEED_STEPS.length - 1]!;
	return [...SPEED_STEPS].reverse().find(step => step < current) ?? SPEED_STEPS[0]!;
}

export class SimSession extends EngineCommands implements SessionControl {
	readonly engine: Engine;
	private readonly exchange: SimExchange;
	private readonly replay: BarReplay;
	private readonly scheduler: Scheduler;
	private readonly tickMs: number;
	private speedValue: number;
	/** Market time at the pacing anchor, and the wall time of that anchor. */
	private anchorMarket = 0;
	private anchorWall = 0;
	private timer: unknown = null;
	private stopped = false;
	private readonly listeners = new Set<() => void>();
	private readonly syntheticBars: ReadonlySet<string>;

	constructor(private readonly options: SimSessionOptions) {
		super();
		this.engine = options.engine;
		this.exchange = options.exchange;
		this.scheduler = options.scheduler ?? realScheduler;
		this.tickMs = options.tickMs ?? 20;
		this.speedValue = clampSpeed(options.speed);
		this.syntheticBars = new Set(options.synthetic?.bars ?? []);
		this.replay = new BarReplay(options.sessions, this.engine, this.exchange, {}, options.ticks ?? null);
		this.engine.onChange(() => this.emitChange());
	}

	/** Begin pacing the replay; the first session opens at once. */
	start(): void {
		this.options.journal.write({
			ts: (this.replay.peekNextArrival() ?? 60_000) - 60_000,
			type: 'session',
			event: 'start',
			mode: 'sim',
			version: this.options.version,
			symbols: [...this.options.symbols],
			...(this.options.params ? {params: this.options.params.json} : {}),
		});
		const first = this.replay.peekNextArrival();
		this.anchorMarket = first === null ? 0 : first - 60_000;
		this.anchorWall = this.scheduler.now();
		this.engine.log(null, 'info', `SIM: replaying ${nameSymbols(this.options.symbols)} at ${this.speedValue}x`);
		this.schedule();
	}

	private schedule(): void {
		if (this.stopped) return;
		this.timer = this.scheduler.setTimeout(() => this.tick(), this.tickMs);
	}

	/** Advance the replay to where the paced market clock is now. */
	tick(): void {
		this.timer = null;
		if (this.stopped) return;
		const target = this.marketNow();
		const next = this.replay.peekNextArrival();
		// Between sessions the clock jumps to the next session's first bar (no overnight wait).
		if (next !== null && next - target > 3 * 3600_000) {
			this.anchorMarket = next - 60_000;
			this.anchorWall = this.scheduler.now();
		}
		if (next !== null) this.replay.advanceTo(this.marketNow());
		if (this.replay.finished) {
			this.engine.log(null, 'info', 'SIM: replay finished (press q to quit)');
			this.emitChange();
			return;
		}
		this.schedule();
	}

	/** Paced market time (smooth between bar arrivals). */
	marketNow(): number {
		return this.anchorMarket + (this.scheduler.now() - this.anchorWall) * this.speedValue;
	}

	get speed(): number {
		return this.speedValue;
	}

	get finished(): boolean {
		return this.replay.finished;
	}

	// --- SessionControl ------------------------------------------------------------------

	snapshot(): EngineSnapshot {
		const next = this.replay.peekNextArrival();
		const display = this.replay.finished ? this.engine.now : Math.max(this.engine.now, Math.min(this.marketNow(), next ?? Infinity));
		return buildSnapshot(this.engine, {
			mode: 'sim',
			connection: 'replay',
			speed: this.speedValue,
			log: this.options.log.lines(),
			risk: this.options.risk?.() ?? null,
			finished: this.replay.finished,
			displayMs: display,
			...(this.options.params ? {params: this.options.params} : {}),
			syntheticBars: this.syntheticBars,
			syntheticTicks: this.options.synthetic?.ticks === true,
			signalName: this.options.signalName ?? null,
		});
	}

	/** The session's summary once it has ended (journaled before its end line). */
	summary(): SessionSummary | null {
		return this.options.tally?.last ?? null;
	}

	onChange(listener: () => void): () => void {
		this.listeners.add(listener);
		return () => this.listeners.delete(listener);
	}

	private emitChange(): void {
		for (const listener of this.listeners) listener();
	}

	/** Steps through SPEED_STEPS: up when `factor` > 1, down when < 1. */
	changeSpeed(factor: number): number | null {
		if (!(factor > 0) || factor === 1) return this.speedValue;
		const market = this.marketNow();
		this.speedValue = stepSpeed(this.speedValue, factor > 1);
		this.anchorMarket = market;
		this.anchorWall = this.scheduler.now();
		this.engine.log(null, 'info', `SIM speed ${this.speedValue}x`);
		this.emitChange();
		return this.speedValue;
	}

	async shutdown(options: {how: 'flatten' | 'cancel_orders' | 'leave'; reason: string}): Promise<void> {
		if (this.stopped) return;
		this.engine.note('quit');
		if (options.how === 'flatten') {
			this.engine.liquidateAll();
			// Market sells fill at the next bar's open: run the replay forward (unpaced) until
			// flat, a few bars at most.
			for (let i = 0; i < 5 && this.engine.hasExposure() && this.replay.step() !== null; i++) {
				// stepping
			}
		}
		// From here on nothing may trade: a canceled take-profit must not turn into a bailout.
		this.engine.halt('shutting down');
		if (options.how !== 'leave') this.engine.cancelAll('manual');
		this.stopped = true;
		if (this.timer !== null) this.scheduler.clearTimeout(this.timer);
		const exposure = this.engine.hasExposure();
		this.engine.log(null, exposure ? 'warn' : 'info', `quit (${options.reason}): ${exposure ? 'positions left open' : 'flat, no open orders'}`);
		this.options.journal.write({
			ts: this.engine.now,
			type: 'session',
			event: 'end',
			mode: 'sim',
			version: this.options.version,
			symbols: [...this.options.symbols],
			how: options.how,
		});
		this.options.journal.flush();
		this.options.journal.close();
		this.emitChange();
	}
}

function clampSpeed(speed: number): number {
	if (!Number.isFinite(speed)) return 60;
	return Math.min(MAX_SPEED, Math.max(MIN_SPEED, Math.round(speed * 100) / 100));
}
