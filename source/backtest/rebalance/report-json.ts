/**
 * JSON report of a rebalance backtest (`--json`). The per-day shape follows the reference runs
 * of the original (days[].candidates / orders / cash / positions / equity / bench_close), so the
 * two can be compared field by field. Money is dollars as JSON numbers.
 */
import {microsToNumber} from '../../core/money.js';
import type {RebalanceTotals} from './metrics.js';
import {computeTotals} from './metrics.js';
import {STALENESS_NOTE} from './report-text.js';
import type {RebalanceBacktestResult} from './runner.js';

const round12 = (x: number): number => Number(x.toFixed(12));
const round9 = (x: number): number => Number(x.toFixed(9));

export interface RebalanceJsonReport {
	readonly kind: 'rebalance';
	readonly params: {
		days: number;
		cash: number;
		position_size: number;
		max_positions: number;
		bench: string | null;
		universe: number | null;
	};
	readonly bench: string | null;
	readonly bench_note: string | null;
	readonly symbols: number;
	readonly notes: string[];
	readonly days: unknown[];
	readonly equity: Array<{date: string; equity: number; bench_close: number | null}>;
	readonly summary: Record<string, unknown>;
}

export function toJsonReport(result: RebalanceBacktestResult, totals: RebalanceTotals = computeTotals(result)): RebalanceJsonReport {
	const p = result.params;
	return {
		kind: 'rebalance',
		params: {
			days: p.days,
			cash: microsToNumber(p.cash),
			position_size: microsToNumber(p.positionSize),
			max_positions: p.maxPositions,
			bench: p.bench,
			universe: p.universe ? p.universe.length : null,
		},
		bench: result.bench,
		bench_note: result.benchNote,
		symbols: result.symbols,
		notes: [STALENESS_NOTE],
		days: result.days.map(day => ({
			date: day.date,
			universe: day.universe,
			scored: day.scored,
			candidates: day.top.map(s => ({symbol: s.symbol, score: round12(s.score)})),
			next_ranked: day.next.map(s => ({symbol: s.symbol, score: round12(s.score)})),
			eligible: day.candidates,
			orders: day.orders.map(o => ({
				symbol: o.symbol,
				side: o.side,
				qty: o.qty,
				price: o.price === null ? null : microsToNumber(o.price),
				filled: o.outcome === 'filled',
				...(o.outcome === 'filled' ? {} : {outcome: o.outcome, note: o.note}),
			})),
			cash: microsToNumber(day.cash),
			positions: day.positions.map(pos => ({symbol: pos.symbol, qty: pos.qty, close: microsToNumber(pos.close)})),
			equity: microsToNumber(day.equity),
			bench_close: day.benchClose === null ? null : microsToNumber(day.benchClose),
		})),
		equity: result.equity.map(pt => ({
			date: pt.date,
			equity: microsToNumber(pt.equity),
			bench_close: pt.benchClose === null ? null : microsToNumber(pt.benchClose),
		})),
		summary: {
			days: totals.days,
			first_date: totals.firstDate,
			last_date: totals.lastDate,
			orders: totals.orders,
			fills: totals.fills,
			rejected: totals.rejected,
			expired: totals.expired,
			buys: totals.buys,
			sells: totals.sells,
			round_trips: totals.roundTrips,
			wins: totals.wins,
			win_rate: totals.winRate === null ? null : round9(totals.winRate),
			realized_pnl: microsToNumber(totals.realizedPnl),
			final_cash: microsToNumber(totals.finalCash),
			final_equity: microsToNumber(totals.finalEquity),
			return: round9(totals.return),
			bench_return: totals.benchReturn === null ? null : round9(totals.benchReturn),
			max_drawdown: round9(totals.maxDrawdown),
			bench_max_drawdown: totals.benchMaxDrawdown === null ? null : round9(totals.benchMaxDrawdown),
			max_positions_held: totals.maxHeld,
		},
	};
}
