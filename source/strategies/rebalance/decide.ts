/**
 * One day's decision from plain daily bars (the live / paper / sim path): staleness filter,
 * scores, ranking, candidates and orders. The backtest runs the same steps with incremental
 * EMAs instead (backtest/rebalance/runner.ts).
 */
import {type Micros, microsToNumber, NO_PRICE} from '../../core/money.js';
import type {DailyBar} from '../../core/daily-bars.js';
import {AdjustedEma, EMA_SPAN} from './ema.js';
import {planOrders} from './plan.js';
import type {Holding, RebalancePlan} from './plan.js';
import {rankScores, selectCandidates} from './rank.js';
import type {CandidateSelection} from './rank.js';
import {MIN_CLOSES_EXCLUSIVE, scoreOf} from './score.js';
import type {Scored} from './score.js';

export interface DecideInput {
	/** The trading day the orders are for; only bars strictly before it are used. */
	readonly date: string;
	/** Daily bars per symbol, oldest first (bars on or after `date` are ignored). */
	readonly bars: ReadonlyMap<string, readonly DailyBar[]>;
	/** Symbols that may be ranked; null = every symbol in `bars`. */
	readonly universe: readonly string[] | null;
	/** Benchmark symbol, never ranked. */
	readonly bench: string | null;
	readonly cash: Micros;
	readonly holdings: readonly Holding[];
	readonly positionSize: Micros;
	readonly maxPositions: number;
	readonly span?: number;
}

export interface RebalanceDecision {
	/**
	 * The previous trading day: the latest date among the bars before `date`. Only symbols with
	 * a bar on it are ranked (the previous-trading-day staleness rule). Null when there are no bars at all.
	 */
	readonly prevDate: string | null;
	/** Symbols with a bar on the previous trading day (the benchmark excluded). */
	readonly universeSize: number;
	/** Of those, the ones with more than 10 closes, ranked, most oversold first. */
	readonly ranked: readonly Scored[];
	readonly selection: CandidateSelection;
	readonly plan: RebalancePlan;
	/** Exact last close of every ranked symbol. */
	readonly lastMicros: ReadonlyMap<string, Micros>;
}

/** Floats of micro-dollars: micros / 1e6 is the double nearest the decimal as written. */
export function microsToFloat(micros: Micros): number {
	return microsToNumber(micros);
}

export function decideRebalance(input: DecideInput): RebalanceDecision {
	const span = input.span ?? EMA_SPAN;
	const allowed = input.universe ? new Set(input.universe) : null;
	// The previous trading day is the latest date any symbol (benchmark included) has a bar on.
	let prevDate: string | null = null;
	const usable = new Map<string, readonly DailyBar[]>();
	for (const [symbol, bars] of input.bars) {
		let n = bars.length;
		while (n > 0 && bars[n - 1]!.date >= input.date) n--;
		if (n === 0) continue;
		const kept = n === bars.length ? bars : bars.slice(0, n);
		const lastDate = kept[n - 1]!.date;
		if (prevDate === null || lastDate > prevDate) prevDate = lastDate;
		if (symbol === input.bench) continue;
		if (allowed && !allowed.has(symbol)) continue;
		usable.set(symbol, kept);
	}
	const lastMicros = new Map<string, Micros>();
	const scored: Scored[] = [];
	let universeSize = 0;
	for (const [symbol, bars] of usable) {
		const lastBar = bars[bars.length - 1]!;
		if (lastBar.date !== prevDate) continue;
		universeSize++;
		if (bars.length <= MIN_CLOSES_EXCLUSIVE) continue;
		const ema = new AdjustedEma(span);
		for (const bar of bars) ema.push(microsToFloat(bar.close));
		const last = microsToFloat(lastBar.close);
		scored.push({symbol, score: scoreOf(last, ema.value), last, ema: ema.value});
		lastMicros.set(symbol, lastBar.close);
	}
	const ranked = rankScores(scored);
	const priceOf = (symbol: string): Micros => lastMicros.get(symbol) ?? NO_PRICE;
	const selection = selectCandidates(ranked, priceOf, input.cash);
	const plan = planOrders({
		date: input.date,
		candidates: selection.candidates.map(s => s.symbol),
		holdings: input.holdings,
		lastMicros: priceOf,
		positionSize: input.positionSize,
		maxPositions: input.maxPositions,
	});
	return {prevDate, universeSize, ranked, selection, plan, lastMicros};
}
