/**
 * Realized P&L per position book (mode, strategy, symbol and, for simulated runs, the run)
 * with average cost in exact micro-dollars, and round trips: a trade is a position from flat
 * back to flat, its P&L what it realized on the way. Each closing execution becomes an event
 * a report can group by day, symbol, strategy or mode.
 */
import type {Execution} from './fills.js';
import {microsToNumber} from '../core/money.js';

export interface RealizedEvent {
	readonly ts: number;
	readonly mode: string;
	readonly strategy: string;
	readonly symbol: string;
	/** Realized by this execution, micros (0 for buys). */
	readonly realized: number;
	readonly fee: number;
	/** Set when this execution closed a round trip: the trade's total P&L, micros. */
	readonly tradePnl: number | null;
}

interface Position {
	qty: number;
	cost: number;
	/** Realized since the position was last flat (the current trade's P&L so far). */
	tradeRealized: number;
}

export class TradeBooks {
	private readonly positions = new Map<string, Position>();
	/** Shares sold beyond what the journals show was bought (positions older than the journal). */
	unmatchedSellQty = 0;

	/** Apply one execution to its book; returns the event it makes. */
	apply(bookKey: string, mode: string, e: Execution): RealizedEvent {
		let p = this.positions.get(bookKey);
		if (!p) {
			p = {qty: 0, cost: 0, tradeRealized: 0};
			this.positions.set(bookKey, p);
		}
		let realized = 0;
		let tradePnl: number | null = null;
		if (e.side === 'buy') {
			p.qty += e.qty;
			p.cost += e.notional;
		} else {
			const matched = Math.min(e.qty, p.qty);
			this.unmatchedSellQty += e.qty - matched;
			if (matched > 0) {
				// Average cost: the matched shares' share of the cost basis (all of it when flat after).
				const removed = matched === p.qty ? p.cost : Math.round((p.cost * matched) / p.qty);
				const proceeds = matched === e.qty ? e.notional : Math.round((e.notional * matched) / e.qty);
				realized = proceeds - removed;
				p.qty -= matched;
				p.cost -= removed;
				p.tradeRealized += realized;
				if (p.qty === 0) {
					tradePnl = p.tradeRealized;
					p.tradeRealized = 0;
				}
			}
		}
		return {ts: e.ts, mode, strategy: e.strategy, symbol: e.symbol, realized, fee: e.fee, tradePnl};
	}

	/** Books with shares still held: (key, qty). */
	open(): {key: string; qty: number}[] {
		return [...this.positions.entries()].filter(([, p]) => p.qty !== 0).map(([key, p]) => ({key, qty: p.qty}));
	}
}

export interface Stats {
	trades: number;
	wins: number;
	losses: number;
	/** Micros. */
	realized: number;
	grossWin: number;
	grossLoss: number;
	fees: number;
	/** Peak-to-trough of cumulative realized P&L, micros. */
	maxDrawdown: number;
	peak: number;
	cumulative: number;
	executions: number;
}

export function emptyStats(): Stats {
	return {trades: 0, wins: 0, losses: 0, realized: 0, grossWin: 0, grossLoss: 0, fees: 0, maxDrawdown: 0, peak: 0, cumulative: 0, executions: 0};
}

/** Add one event (in time order) to a group's figures. */
export function addEvent(s: Stats, e: RealizedEvent): void {
	s.executions += 1;
	s.realized += e.realized;
	s.fees += e.fee;
	s.cumulative += e.realized - e.fee;
	if (s.cumulative > s.peak) s.peak = s.cumulative;
	if (s.peak - s.cumulative > s.maxDrawdown) s.maxDrawdown = s.peak - s.cumulative;
	if (e.tradePnl !== null) {
		s.trades += 1;
		if (e.tradePnl > 0) {
			s.wins += 1;
			s.grossWin += e.tradePnl;
		} else if (e.tradePnl < 0) {
			s.losses += 1;
			s.grossLoss -= e.tradePnl;
		}
	}
}

/** The figures a report prints, dollars as numbers. */
export interface StatsView {
	readonly trades: number;
	readonly wins: number;
	readonly losses: number;
	readonly winRate: number | null;
	readonly realizedPnl: number;
	readonly fees: number;
	readonly netPnl: number;
	/** Gross wins over gross losses; null without losses. */
	readonly profitFactor: number | null;
	readonly avgWin: number | null;
	readonly avgLoss: number | null;
	readonly maxDrawdown: number;
}

export function viewStats(s: Stats): StatsView {
	const d = (m: number) => microsToNumber(Math.round(m));
	return {
		trades: s.trades,
		wins: s.wins,
		losses: s.losses,
		winRate: s.trades > 0 ? s.wins / s.trades : null,
		realizedPnl: d(s.realized),
		fees: d(s.fees),
		netPnl: d(s.realized - s.fees),
		profitFactor: s.grossLoss > 0 ? s.grossWin / s.grossLoss : null,
		avgWin: s.wins > 0 ? d(s.grossWin / s.wins) : null,
		avgLoss: s.losses > 0 ? -d(s.grossLoss / s.losses) : null,
		maxDrawdown: d(s.maxDrawdown),
	};
}
