/**
 * The rebalancer's daily loop against a venue: rank, sell what is no longer wanted, wait
 * (bounded, with progress) for the sells, buy, then mark the day done in the state file.
 */
import {formatMicros, type Micros, microsToNumber, roundCentHalfUp, ZERO_MICROS} from '../core/money.js';
import {isoMs, nyClockText, nyDate} from '../core/time.js';
import type {BrokerState, Mode, OrderEvent, Side} from '../core/types.js';
import type {Journal} from '../journal/records.js';
import {orderSubmittedRecord, orderUpdateRecord, sessionRecord} from '../journal/records.js';
import {decideRebalance} from '../strategies/rebalance/decide.js';
import type {RebalanceDecision} from '../strategies/rebalance/decide.js';
import type {Holding, PlannedOrder} from '../strategies/rebalance/plan.js';
import {emptySnapshot} from '../strategies/rebalance/snapshot.js';
import type {OrderRow, OrderRowStatus, RebalancePhase, RebalanceSnapshot} from '../strategies/rebalance/snapshot.js';
import type {MarketClockState, RebalanceVenue} from '../strategies/rebalance/venue.js';
import {packageVersion} from '../paths.js';
import type {TextIo} from './shared.js';
import {type DayMarker, isDoneFor, type RebalanceStateFile, writeRebalanceState} from './rebalance-state.js';
import type {ViewHandle} from './rebalance-view.js';

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

export interface RunConfig {
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

/** Runs the daily loop; one instance per command invocation. */
export class RebalanceSession {
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
			orders: orders.map(o => this.rowOf({planned: o, status: 'planned', filledQty: 0, filledNotional: ZERO_MICROS, message: null})),
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
			this.say(
				`  ${String(i + 1).padStart(3)}  ${s.symbol.padEnd(6)} ${(s.score * 100).toFixed(2).padStart(7)}%  last ${s.last.toFixed(2).padStart(9)}${mark}`,
			);
		});
		const {sells, buys, zeroQty, overLimit} = d.plan;
		if (sells.length + buys.length === 0) this.say('orders: none (the portfolio already matches)');
		else {
			this.say('orders (sells first, then buys in rank order):');
			for (const o of sells) this.say(`  sell ${o.symbol.padEnd(6)} ${String(o.qty).padStart(6)}`);
			for (const o of buys) this.say(`  buy  ${o.symbol.padEnd(6)} ${String(o.qty).padStart(6)}  (last ${money(o.last ?? ZERO_MICROS)})`);
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
			const t: OrderProgress = {planned: o, status: 'submitted', filledQty: 0, filledNotional: ZERO_MICROS, message: null};
			this.tracked.set(o.clientOrderId, t);
			if (inFlight.has(o.clientOrderId)) {
				// Sent before a restart and still open: follow it, do not send it twice.
				t.status = 'new';
				t.message = 'already open (sent before a restart)';
				this.refreshOrders();
				continue;
			}
			const request = {
				symbol: o.symbol,
				side: o.side,
				type: 'market',
				qty: o.qty,
				limitPrice: null,
				timeInForce: 'day',
				clientOrderId: o.clientOrderId,
			} as const;
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
			t.status = event.event === 'fill' ? 'filled' : event.event === 'partial_fill' ? 'partially_filled' : event.event === 'replaced' ? t.status : event.event;
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
			const outcome = await Promise.race([this.sleep(PROGRESS_STEP_MS, signal).then(() => 'tick' as const), this.nextChange().then(() => 'event' as const)]);
			step.abort();
			if (outcome === 'tick') elapsed += PROGRESS_STEP_MS;
		}
		this.publish({wait: null});
	}
}
