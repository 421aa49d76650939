/**
 * `scalp-tui rebalance`: the daily mean-reversion rebalancer (port of alpacahq/samplealgo01,
 * ranking by distance below the 10-day EMA) against a broker. Once per trading day after the
 * open (the broker's market clock decides): rank the universe, sell what is no longer wanted, wait (bounded, with progress)
 * for the sells to fill, then buy. A "done for <date>" marker is persisted in a small JSON state
 * file so a restart never trades twice in a day (the tutorial's own TODO).
 *
 * Wiring (source/cli.tsx): `runRebalanceCommand(options, {stdout, stderr}, deps)` resolves to the
 * exit status: 0 ok, 1 a failure while running (one line on stderr); bad input throws a UserError
 * before anything is sent or journaled (the CLI prints its line and exits 2). For paper/live the composition root passes the Alpaca
 * implementation of RebalanceVenue as `deps.venue`; `--mode live` confirmation (prompt or
 * --yes-live) is the CLI's job before calling this.
 *
 * Options (every field optional; numbers may come as strings, as meow gives them):
 *
 *   mode          'sim' | 'paper' | 'live'  --mode (default 'sim'; the CLI picks 'paper' when keys
 *                                    are set).
 *   dryRun        boolean            --dry-run: print the ranked candidates and the orders, send
 *                                    nothing, write no marker; does not wait for the open.
 *   universe      string             --universe FILE (default: the bundled data/universe/sp500.csv;
 *                                    in sim: every symbol of the data).
 *   positionSize  number | string    --position-size USD per new position (default 100).
 *   maxPositions  number | string    --max-positions (default 5).
 *   bench         string | null      benchmark symbol, never ranked (default SPY; none: null).
 *   state         string             --state PATH of the done-for-date marker file
 *                                    (default `.scalp-tui-rebalance.json` in the working dir).
 *   journal       string | null      --journal PATH; null/undefined = none.
 *   data          string | string[]  sim: daily bars (default: the bundled sample data/daily/).
 *   cash          number | string    sim: starting cash (default 500).
 *   date          string             sim: the trading day to trade (default: the data's last).
 *   lookbackDays  number             daily bars asked per symbol (default 200: the EMA weight of
 *                                    older closes is below 1e-17; sim: the whole history, so a
 *                                    sim day equals that day of the backtest).
 *   fillTimeout   number | string    seconds to wait for the sells to fill before buying (default
 *                                    30, as the original); the same bound applies to watching
 *                                    the buys.
 *   pollSeconds   number             longest sleep between market clock reads while waiting for
 *                                    the open (default 60).
 *   once          boolean            stop after today's rebalance (default: true in sim and for
 *                                    --dry-run; false for paper/live, which run day after day as
 *                                    the original did).
 *   view          boolean            render the Ink console view (needs a terminal stdout);
 *                                    otherwise progress is printed as text lines.
 */
import {readFileSync} from 'node:fs';
import {resolve} from 'node:path';
import type {Micros} from '../core/money.js';
import {formatMicros, microsToNumber, roundCentHalfUp} from '../core/money.js';
import {isoMs, nyClockText, nyDate} from '../core/time.js';
import type {BrokerState, Mode, OrderEvent, Side} from '../core/types.js';
import {UsageError, oneLine} from '../core/errors.js';
import {readDailyData} from '../adapters/replay/daily-csv.js';
import {readUniverseFile} from '../adapters/replay/universe-file.js';
import {createSimDailyVenue} from '../backtest/rebalance/sim-venue.js';
import type {Journal} from '../journal/records.js';
import {nullJournal, orderSubmittedRecord, orderUpdateRecord, sessionRecord} from '../journal/records.js';
import {writeJsonAtomic} from '../journal/atomic-json.js';
import {openJournal} from '../journal/open.js';
import {decideRebalance} from '../strategies/rebalance/decide.js';
import type {RebalanceDecision} from '../strategies/rebalance/decide.js';
import type {Holding, PlannedOrder} from '../strategies/rebalance/plan.js';
import {emptySnapshot} from '../strategies/rebalance/snapshot.js';
import type {OrderRow, OrderRowStatus, RebalancePhase, RebalanceSnapshot} from '../strategies/rebalance/snapshot.js';
import type {MarketClockState, RebalanceVenue} from '../strategies/rebalance/venue.js';
import {positiveDollars, wholeNumber} from '../config.js';
import {bundledDailyData, bundledUniverse, packageVersion} from '../paths.js';
import {benchOption} from './rebalance-backtest.js';
import type {TextIo} from './shared.js';
import {DEFAULTS} from '../cli/defaults.js';

export interface RebalanceCommandOptions {
	mode?: Mode;
	dryRun?: boolean;
	universe?: string;
	positionSize?: number | string;
	maxPositions?: number | string;
	bench?: string | null;
	state?: string;
	journal?: string | null;
	data?: string | readonly string[];
	cash?: number | string;
	date?: string;
	lookbackDays?: number;
	fillTimeout?: number | string;
	pollSeconds?: number;
	once?: boolean;
	view?: boolean;
}

export interface RebalanceCommandDeps {
	/** The venue to trade on: required for paper/live (the Alpaca one); replaces the sim venue. */
	venue?: RebalanceVenue;
	/** Wait `ms` of real time, resolving early when `signal` aborts (tests pass a fake). */
	sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
	/** Abort (Ctrl+C): stop waiting; nothing further is sent. */
	signal?: AbortSignal;
	/** Every change of the console picture (besides the optional Ink view). */
	onSnapshot?: (snapshot: RebalanceSnapshot) => void;
	/** Working directory for the default state file (default process.cwd()). */
	cwd?: string;
}

export const DEFAULT_STATE_FILE = DEFAULTS.rebalance.stateFile;

const REBALANCE_DEFAULTS = DEFAULTS.rebalance;

// ---------------------------------------------------------------------------------------------
// State file: the done-for-date marker, per mode.

export interface DayMarker {
	/** New York trading date. */
	readonly date: string;
	/** `started`: orders may have gone out; `done`: the day is complete, never trade it again. */
	readonly status: 'started' | 'done';
	/** ISO time (market time) of the last update. */
	readonly at: string;
	readonly orders?: ReadonlyArray<{symbol: string; side: Side; qty: number; status: string; filled_qty: number}>;
}

export interface RebalanceStateFile {
	readonly version: 1;
	readonly modes: Partial<Record<Mode, DayMarker>>;
}

/** Read the state file; a missing file is an empty state; an unreadable one is a UsageError. */
export function readRebalanceState(path: string): RebalanceStateFile {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1, modes: {}};
		throw new UsageError(`cannot read state file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UsageError(`state file ${path} is not valid JSON; fix or remove it (it records the days already traded)`);
	}
	const modes = (parsed as {modes?: unknown})?.modes;
	if (typeof parsed !== 'object' || parsed === null || typeof modes !== 'object' || modes === null) {
		throw new UsageError(`state file ${path} is not a scalp-tui rebalance state file`);
	}
	return {version: 1, modes: modes as RebalanceStateFile['modes']};
}

/** Write the state file atomically (fsynced temp file, then rename). */
export function writeRebalanceState(path: string, state: RebalanceStateFile): void {
	writeJsonAtomic(path, state, 2);
}

/** True when `mode` already completed its rebalance for `date`. */
export function isDoneFor(state: RebalanceStateFile, mode: Mode, date: string): boolean {
	const marker = state.modes[mode];
	return marker !== undefined && marker.date === date && marker.status === 'done';
}

// ---------------------------------------------------------------------------------------------

const defaultSleep = (ms: number, signal?: AbortSignal): Promise<void> =>
	new Promise(resolveSleep => {
		if (signal?.aborted) return resolveSleep();
		const timer = setTimeout(done, ms);
		function done() {
			clearTimeout(timer);
			signal?.removeEventListener('abort', done);
			resolveSleep();
		}
		signal?.addEventListener('abort', done, {once: true});
	});

const PROGRESS_STEP_MS = 1000;

function money(micros: Micros): string {
	return formatMicros(roundCentHalfUp(micros), 2);
}

function etText(ms: number): string {
	return `${nyDate(ms)} ${nyClockText(ms).slice(0, 5)} ET`;
}

/** A planned order and how far it got (what the console rows show). */
interface OrderProgress {
	readonly planned: PlannedOrder;
	status: OrderRowStatus;
	filledQty: number;
	filledNotional: Micros;
	message: string | null;
}

const TERMINAL: ReadonlySet<OrderRowStatus> = new Set(['filled', 'canceled', 'rejected', 'expired']);

interface RunConfig {
	readonly mode: Mode;
	readonly dryRun: boolean;
	readonly once: boolean;
	readonly universe: readonly string[];
	readonly bench: string | null;
	readonly positionSize: Micros;
	readonly maxPositions: number;
	/** null: no done-for-date marker (a SIM venue built for this run starts a fresh account). */
	readonly statePath: string | null;
	readonly lookbackDays: number;
	readonly fillTimeoutMs: number;
	readonly pollMs: number;
}

interface ViewHandle {
	update(snapshot: RebalanceSnapshot): void;
	stop(): void;
}

/** Runs the daily loop; one instance per command invocation. */
class RebalanceSession {
	private snapshot: RebalanceSnapshot;
	private readonly tracked = new Map<string, OrderProgress>();
	private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
	private readonly signal: AbortSignal | undefined;
	private lastNotice = '';
	private view: ViewHandle | null = null;
	private changeWaiters: Array<() => void> = [];

	constructor(
		private readonly venue: RebalanceVenue,
		private readonly config: RunConfig,
		private readonly io: TextIo,
		private readonly journal: Journal,
		private readonly deps: RebalanceCommandDeps,
		private state: RebalanceStateFile,
	) {
		this.snapshot = emptySnapshot(config.mode, config.dryRun);
		this.sleep = deps.sleep ?? defaultSleep;
		this.signal = deps.signal;
	}

	attachView(view: ViewHandle): void {
		this.view = view;
		view.update(this.snapshot);
	}

	private say(line: string): void {
		if (this.view) return;
		this.io.stdout.write(`${line}\n`);
	}

	/** Print a status line once (repeats of the same line while polling are dropped). */
	private notice(line: string): void {
		if (line === this.lastNotice) return;
		this.lastNotice = line;
		this.say(line);
	}

	private publish(patch: Partial<RebalanceSnapshot>): void {
		this.snapshot = {...this.snapshot, ...patch};
		this.deps.onSnapshot?.(this.snapshot);
		this.view?.update(this.snapshot);
	}

	private setPhase(phase: RebalancePhase, message: string | null): void {
		this.publish({phase, message});
	}

	private get aborted(): boolean {
		return this.signal?.aborted === true;
	}

	/** The daily loop. Resolves to the exit status. */
	async run(): Promise<number> {
		const first = await this.venue.clock();
		this.journal.write(sessionRecord(first.timestamp, 'start', this.config.mode, packageVersion(), this.config.universe, {strategy: 'rebalance'}));
		let status = 0;
		let clock = first;
		try {
			for (;;) {
				if (this.aborted) break;
				const today = nyDate(clock.timestamp);
				this.publish({date: today});
				if (this.config.dryRun) {
					await this.planDay(today, clock);
					break;
				}
				if (isDoneFor(this.state, this.config.mode, today)) {
					this.setPhase('already_done', `already rebalanced for ${today} (${this.config.statePath})`);
					this.notice(`already rebalanced for ${today} (${this.config.mode}); nothing to do until the next session`);
					if (this.config.once) break;
					await this.sleepUntil(clock.nextOpen, clock.timestamp);
				} else if (!clock.isOpen) {
					const msg = `market closed; next open ${etText(clock.nextOpen)}`;
					this.setPhase('waiting_open', msg);
					this.notice(msg);
					await this.sleepUntil(clock.nextOpen, clock.timestamp);
				} else {
					const ok = await this.tradeDay(today, clock);
					if (!ok) status = 1;
					if (this.config.once || this.aborted) break;
					// A day that could not trade (no bars yet) is retried after a poll interval.
					if (!ok) await this.sleep(this.config.pollMs, this.signal);
				}
				if (this.aborted) break;
				clock = await this.venue.clock();
			}
		} finally {
			const last = await this.venue.clock().catch(() => clock);
			this.journal.write(sessionRecord(last.timestamp, 'end', this.config.mode, packageVersion(), this.config.universe, {strategy: 'rebalance'}));
		}
		if (this.aborted && status === 0 && this.snapshot.phase !== 'done' && this.snapshot.phase !== 'already_done' && this.snapshot.phase !== 'dry_run') {
			this.say('interrupted');
		}
		return status;
	}

	private async sleepUntil(target: number, now: number): Promise<void> {
		const wait = Math.min(Math.max(target - now, PROGRESS_STEP_MS), this.config.pollMs);
		await this.sleep(wait, this.signal);
	}

	/** Rank and plan today's orders from the broker's account and daily bars. */
	private async planDay(today: string, clock: MarketClockState): Promise<{decision: RebalanceDecision; account: BrokerState} | null> {
		this.setPhase('planning', `ranking ${this.config.universe.length} symbols`);
		const account = await this.venue.broker.loadState();
		const holdings: Holding[] = account.positions.filter(p => p.qty > 0).map(p => ({symbol: p.symbol, qty: p.qty}));
		const bars = await this.venue.dailyBars(this.config.universe, this.config.lookbackDays);
		const decision = decideRebalance({
			date: today,
			bars,
			universe: this.config.universe,
			bench: this.config.bench,
			cash: account.cash,
			holdings,
			positionSize: this.config.positionSize,
			maxPositions: this.config.maxPositions,
		});
		const heldSet = new Set(holdings.map(h => h.symbol));
		const eligible = new Set(decision.selection.candidates.map(s => s.symbol));
		const orders = [...decision.plan.sells, ...decision.plan.buys];
		this.publish({
			cash: microsToNumber(account.cash),
			prevDate: decision.prevDate,
			universe: decision.universeSize,
			scored: decision.ranked.length,
			candidates: decision.selection.top.map((s, i) => ({
				rank: i + 1,
				symbol: s.symbol,
				score: s.score,
				last: s.last,
				eligible: eligible.has(s.symbol),
				held: heldSet.has(s.symbol),
			})),
			holdings: account.positions.map(p => ({symbol: p.symbol, qty: p.qty, avgPrice: p.qty !== 0 ? microsToNumber(p.costBasis / p.qty) : null})),
			orders: orders.map(o => this.rowOf({planned: o, status: 'planned', filledQty: 0, filledNotional: 0, message: null})),
		});
		this.printPlan(today, clock, account, decision);
		if (this.config.dryRun) {
			this.setPhase('dry_run', 'dry run: nothing sent');
			this.say('dry run: no orders sent');
			return null;
		}
		return {decision, account};
	}

	private printPlan(today: string, clock: MarketClockState, account: BrokerState, d: RebalanceDecision): void {
		this.say(
			`rebalance ${this.config.mode}${this.config.dryRun ? ' (dry run)' : ''} for ${today} at ${nyClockText(clock.timestamp)} ET: ` +
				`cash $${money(account.cash)}, ${account.positions.length} position${account.positions.length === 1 ? '' : 's'}`,
		);
		if (d.prevDate === null) {
			this.say('no daily bars before today for the universe');
			return;
		}
		this.say(`ranked ${d.ranked.length} of ${d.universeSize} symbols with a bar on ${d.prevDate}; the first ${d.selection.top.length}:`);
		const eligible = new Set(d.selection.candidates.map(s => s.symbol));
		d.selection.top.forEach((s, i) => {
			const mark = eligible.has(s.symbol) ? '' : '  (above cash)';
			this.say(`  ${String(i + 1).padStart(3)}  ${s.symbol.padEnd(6)} ${(s.score * 100).toFixed(2).padStart(7)}%  last ${s.last.toFixed(2).padStart(9)}${mark}`);
		});
		const {sells, buys, zeroQty, overLimit} = d.plan;
		if (sells.length + buys.length === 0) this.say('orders: none (the portfolio already matches)');
		else {
			this.say('orders (sells first, then buys in rank order):');
			for (const o of sells) this.say(`  sell ${o.symbol.padEnd(6)} ${String(o.qty).padStart(6)}`);
			for (const o of buys) this.say(`  buy  ${o.symbol.padEnd(6)} ${String(o.qty).padStart(6)}  (last ${money(o.last ?? 0)})`);
		}
		if (zeroQty.length > 0) this.say(`skipped (position size buys 0 shares): ${zeroQty.join(' ')}`);
		if (overLimit.length > 0) this.say(`not bought (max positions reached): ${overLimit.join(' ')}`);
	}

	/** One trading day: plan, sell, wait for the sells, buy, watch the buys, mark done. */
	private async tradeDay(today: string, clock: MarketClockState): Promise<boolean> {
		const planned = await this.planDay(today, clock);
		if (!planned) return true;
		const {decision, account} = planned;
		if (decision.universeSize === 0) {
			this.setPhase('error', 'no daily bars for the universe; not trading');
			this.io.stderr.write(`scalp-tui rebalance: no daily bars for the universe before ${today}; not trading today\n`);
			return false;
		}
		this.markDay(today, 'started', clock.timestamp);
		const inFlight = new Set(account.openOrders.map(o => o.clientOrderId));
		const unsubscribe = this.venue.broker.onOrderEvent(event => this.onEvent(event));
		try {
			this.setPhase('selling', `selling ${decision.plan.sells.length}`);
			await this.submitAll(decision.plan.sells, inFlight);
			await this.waitFor('sell');
			if (this.aborted) return false;
			this.setPhase('buying', `buying ${decision.plan.buys.length}`);
			await this.submitAll(decision.plan.buys, inFlight);
			await this.waitFor('buy');
		} finally {
			unsubscribe();
			this.journal.flush();
		}
		const now = (await this.venue.clock()).timestamp;
		this.markDay(today, 'done', now);
		const after = await this.venue.broker.loadState();
		this.publish({
			cash: microsToNumber(after.cash),
			holdings: after.positions.map(p => ({symbol: p.symbol, qty: p.qty, avgPrice: p.qty !== 0 ? microsToNumber(p.costBasis / p.qty) : null})),
			wait: null,
		});
		const rows = [...this.tracked.values()];
		const count = (s: OrderRowStatus) => rows.filter(r => r.status === s).length;
		const pending = rows.filter(r => !TERMINAL.has(r.status)).length;
		const summary =
			`done for ${today}: ${count('filled')} filled, ${count('rejected')} rejected, ${count('canceled') + count('expired')} canceled/expired, ` +
			`${pending} still open; cash $${money(after.cash)}, ${after.positions.length} position${after.positions.length === 1 ? '' : 's'}` +
			(after.positions.length > 0 ? ` (${after.positions.map(p => `${p.symbol} ${p.qty}`).join(', ')})` : '');
		this.setPhase('done', summary);
		this.say(summary);
		return true;
	}

	private markDay(date: string, status: DayMarker['status'], ts: number): void {
		const orders = [...this.tracked.values()].map(t => ({
			symbol: t.planned.symbol,
			side: t.planned.side,
			qty: t.planned.qty,
			status: t.status,
			filled_qty: t.filledQty,
		}));
		this.state = {version: 1, modes: {...this.state.modes, [this.config.mode]: {date, status, at: isoMs(ts), orders}}};
		if (this.config.statePath !== null) writeRebalanceState(this.config.statePath, this.state);
	}

	private async submitAll(orders: readonly PlannedOrder[], inFlight: ReadonlySet<string>): Promise<void> {
		if (orders.length === 0) return;
		const ts = (await this.venue.clock()).timestamp;
		for (const o of orders) {
			if (this.aborted) return;
			const t: OrderProgress = {planned: o, status: 'submitted', filledQty: 0, filledNotional: 0, message: null};
			this.tracked.set(o.clientOrderId, t);
			if (inFlight.has(o.clientOrderId)) {
				// Sent before a restart and still open: follow it, do not send it twice.
				t.status = 'new';
				t.message = 'already open (sent before a restart)';
				this.refreshOrders();
				continue;
			}
			const request = {symbol: o.symbol, side: o.side, type: 'market', qty: o.qty, limitPrice: null, timeInForce: 'day', clientOrderId: o.clientOrderId} as const;
			this.journal.write(orderSubmittedRecord(ts, request, 'rebalance', o.clientOrderId, 'rebalance'));
			this.refreshOrders();
			this.venue.broker.submitOrder(request);
		}
	}

	private onEvent(event: OrderEvent): void {
		const t = this.tracked.get(event.order.clientOrderId);
		if (!t) return;
		const o = event.order;
		// A refusal of a duplicate id concerns a resubmission, not the order being followed.
		const duplicate = event.event === 'rejected' && event.atSubmission && o.id === '' && t.status !== 'submitted';
		if (!duplicate) {
			t.filledQty = o.filledQty;
			t.filledNotional = o.filledNotional;
			t.status =
				event.event === 'fill' ? 'filled' : event.event === 'partial_fill' ? 'partially_filled' : event.event === 'replaced' ? t.status : event.event;
			if (event.message) t.message = event.message;
		}
		this.journal.write(orderUpdateRecord(event.ms, o, event.event, event.positionQty, event.message));
		this.refreshOrders();
		const waiters = this.changeWaiters;
		this.changeWaiters = [];
		for (const w of waiters) w();
	}

	private rowOf(t: OrderProgress): OrderRow {
		return {
			clientOrderId: t.planned.clientOrderId,
			symbol: t.planned.symbol,
			side: t.planned.side,
			qty: t.planned.qty,
			filledQty: t.filledQty,
			avgPrice: t.filledQty > 0 ? microsToNumber(t.filledNotional / t.filledQty) : null,
			status: t.status,
			message: t.message,
		};
	}

	private refreshOrders(): void {
		const rows = this.snapshot.orders.map(row => {
			const t = this.tracked.get(row.clientOrderId);
			return t ? this.rowOf(t) : row;
		});
		this.publish({orders: rows});
	}

	private pendingOf(side: Side): OrderProgress[] {
		return [...this.tracked.values()].filter(t => t.planned.side === side && !TERMINAL.has(t.status));
	}

	/** Resolves at the next order event of a followed order. */
	private nextChange(): Promise<void> {
		return new Promise(resolveChange => this.changeWaiters.push(resolveChange));
	}

	/**
	 * Wait until every order of `side` is done or `fillTimeout` passes, reporting progress. The
	 * time bound counts whole progress steps slept, so it holds whatever the venue's clock does.
	 */
	private async waitFor(side: Side): Promise<void> {
		const all = [...this.tracked.values()].filter(t => t.planned.side === side);
		if (all.length === 0) return;
		const limit = this.config.fillTimeoutMs;
		let elapsed = 0;
		let lastPending = -1;
		for (;;) {
			const pending = this.pendingOf(side).length;
			this.publish({wait: {side, elapsedMs: elapsed, limitMs: limit, pending}});
			if (pending !== lastPending || elapsed % 5000 === 0) {
				const filled = all.filter(t => t.status === 'filled').length;
				if (pending !== lastPending || pending > 0) {
					this.say(`${side}s: ${filled} of ${all.length} filled, ${pending} pending (${Math.round(elapsed / 1000)} s of ${Math.round(limit / 1000)} s)`);
				}
				lastPending = pending;
			}
			if (pending === 0) break;
			if (elapsed >= limit || this.aborted) {
				this.say(`${side}s: stopped waiting after ${Math.round(elapsed / 1000)} s with ${pending} pending (left open as day orders)`);
				break;
			}
			const step = new AbortController();
			const signal = this.signal ? AbortSignal.any([this.signal, step.signal]) : step.signal;
			const outcome = await Promise.race([
				this.sleep(PROGRESS_STEP_MS, signal).then(() => 'tick' as const),
				this.nextChange().then(() => 'event' as const),
			]);
			step.abort();
			if (outcome === 'tick') elapsed += PROGRESS_STEP_MS;
		}
		this.publish({wait: null});
	}
}

async function startInkView(io: TextIo): Promise<ViewHandle | null> {
	const stdout = io.stdout as unknown as NodeJS.WriteStream;
	if (stdout.isTTY !== true) return null;
	const [{render}, React, {RebalanceView}] = await Promise.all([import('ink'), import('react'), import('../ui/components/rebalance-view.js')]);
	const width = () => Math.max(40, (stdout.columns || 100) - 1);
	let instance: ReturnType<typeof render> | null = null;
	return {
		update(snapshot) {
			const element = React.createElement(RebalanceView, {snapshot, width: width()});
			if (instance) instance.rerender(element);
			else instance = render(element, {stdout, patchConsole: false, exitOnCtrlC: false});
		},
		stop() {
			instance?.unmount();
			instance = null;
		},
	};
}

/** Run `scalp-tui rebalance`; resolves to 0 ok or 1 a failure while running; bad input throws a UserError. */
export async function runRebalanceCommand(options: RebalanceCommandOptions, io: TextIo, deps: RebalanceCommandDeps = {}): Promise<number> {
	let journal: Journal = nullJournal;
	let venue: RebalanceVenue | null = null;
	let view: ViewHandle | null = null;
	let stage: 'input' | 'run' = 'input';
	try {
		const mode = options.mode ?? 'sim';
		if (mode !== 'sim' && mode !== 'paper' && mode !== 'live') throw new UsageError(`--mode must be sim, paper or live, got "${String(mode)}"`);
		const dryRun = options.dryRun === true;
		const positionSize = positiveDollars('position-size', options.positionSize ?? REBALANCE_DEFAULTS.positionSizeUsd);
		const maxPositions = wholeNumber('max-positions', options.maxPositions ?? REBALANCE_DEFAULTS.maxPositions, 1);
		const bench = benchOption(options.bench, REBALANCE_DEFAULTS.bench);
		const fillTimeoutSeconds = options.fillTimeout === undefined ? REBALANCE_DEFAULTS.fillTimeoutSeconds : Number(options.fillTimeout);
		if (!Number.isFinite(fillTimeoutSeconds) || fillTimeoutSeconds < 0) throw new UsageError(`--fill-timeout must be a number of seconds >= 0, got "${String(options.fillTimeout)}"`);
		const pollSeconds = options.pollSeconds ?? REBALANCE_DEFAULTS.pollSeconds;
		if (!Number.isFinite(pollSeconds) || pollSeconds < 1) throw new UsageError(`poll interval must be >= 1 second, got "${String(pollSeconds)}"`);
		const statePath = resolve(deps.cwd ?? process.cwd(), options.state ?? DEFAULT_STATE_FILE);
		let universe: string[] | null = options.universe ? readUniverseFile(options.universe) : null;
		let lookbackDays = options.lookbackDays ?? REBALANCE_DEFAULTS.lookbackDays;

		if (deps.venue) {
			venue = deps.venue;
		} else if (mode === 'sim') {
			const data = readDailyData(options.data === undefined ? bundledDailyData() : options.data);
			const date = options.date ?? data.dates.at(-1)!;
			if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) throw new UsageError(`--date must be YYYY-MM-DD, got "${date}"`);
			if (!data.dates.includes(date)) throw new UsageError(`--date ${date} is not a trading day of the data (${data.dates[0]} .. ${data.dates.at(-1)})`);
			const cash = positiveDollars('cash', options.cash ?? REBALANCE_DEFAULTS.cashUsd);
			venue = createSimDailyVenue({data, date, cash});
			universe ??= data.symbols.filter(s => s !== bench);
			if (options.lookbackDays === undefined) lookbackDays = Number.POSITIVE_INFINITY;
		} else {
			throw new UsageError(`--mode ${mode} needs the Alpaca rebalance venue, which this build does not provide`);
		}
		universe ??= readUniverseFile(bundledUniverse());
		if (bench) universe = universe.filter(s => s !== bench);
		if (!(lookbackDays > 10)) throw new UsageError(`lookback must be more than 10 days, got ${String(lookbackDays)}`);
		// A SIM venue made here from the data starts from --cash with no positions every run, so a
		// done-marker would only block the next rehearsal of the same (last) day of the data forever
		// (an explicit state path still asks for one).
		const markerPath = mode === 'sim' && !deps.venue && options.state === undefined ? null : statePath;
		const state: RebalanceStateFile = markerPath === null ? {version: 1, modes: {}} : readRebalanceState(markerPath);
		if (options.journal) journal = openJournal(options.journal, 'sync');
		stage = 'run';
		const session = new RebalanceSession(
			venue,
			{
				mode,
				dryRun,
				once: options.once ?? (dryRun || mode === 'sim'),
				universe,
				bench,
				positionSize,
				maxPositions,
				statePath: markerPath,
				lookbackDays,
				fillTimeoutMs: Math.round(fillTimeoutSeconds * 1000),
				pollMs: Math.round(pollSeconds * 1000),
			},
			io,
			journal,
			deps,
			state,
		);
		if (options.view) {
			view = await startInkView(io);
			if (view) session.attachView(view);
		}
		const status = await session.run();
		return status;
	} catch (error) {
		// Bad input goes to the CLI (one line, exit 2); a failure while trading is reported here.
		if (stage === 'input') throw error;
		io.stderr.write(`scalp-tui rebalance: ${oneLine(error)}\n`);
		return 1;
	} finally {
		view?.stop();
		if (venue && !deps.venue) await venue.close?.().catch(() => undefined);
		journal.close();
	}
}
