/** The "TOTAL" line of a backtest report, shared by the minute-bar and the tick backtests. */
import {microsToNumber, type Micros} from '../core/money.js';
import type {Engine} from '../engine/engine.js';
import type {EquityCurve} from './metrics.js';

/** Per-symbol and total figures of a bar or tick backtest (the report's rows). */
export interface SymbolResult {
	readonly symbol: string;
	readonly roundTrips: number;
	readonly wins: number;
	readonly winRate: number | null;
	readonly realizedPnl: number;
	readonly unrealizedPnl: number;
	readonly maxDrawdown: number;
	/** Share of the symbol's bars during which a position was held (0..1). */
	readonly timeInMarket: number;
	readonly bars: number;
	readonly finalPosition: number;
}

export interface ScalpBacktestResult {
	readonly symbols: SymbolResult[];
	readonly total: {
		readonly roundTrips: number;
		readonly wins: number;
		readonly winRate: number | null;
		readonly realizedPnl: number;
		readonly unrealizedPnl: number;
		readonly maxDrawdown: number;
		readonly maxDrawdownPct: number;
		readonly timeInMarket: number;
		readonly startCash: number;
		readonly finalCash: number;
		readonly finalEquity: number;
		readonly bars: number;
		readonly sessions: number;
	};
	readonly equity: {readonly times: number[]; readonly values: number[]};
}

export function backtestTotals(
	engine: Engine,
	symbols: readonly SymbolResult[],
	run: {readonly equity: EquityCurve; readonly startCash: Micros; readonly bars: number; readonly sessions: number},
): Pick<ScalpBacktestResult, 'total' | 'equity'> {
	let realized = 0;
	let unrealized = 0;
	let held = 0;
	for (const s of engine.strategies) {
		const book = engine.portfolio.book(s.kind, s.symbol);
		const last = engine.lastPrice(s.symbol);
		realized += book.realized;
		unrealized += book.unrealized(last);
		held += book.qty * last;
	}
	const sum = (f: (r: SymbolResult) => number) => symbols.reduce((acc, r) => acc + f(r), 0);
	const roundTrips = sum(r => r.roundTrips);
	const wins = sum(r => r.wins);
	const symbolBars = sum(r => r.bars);
	return {
		total: {
			roundTrips,
			wins,
			winRate: roundTrips > 0 ? wins / roundTrips : null,
			realizedPnl: microsToNumber(realized),
			unrealizedPnl: microsToNumber(unrealized),
			maxDrawdown: microsToNumber(run.equity.maxDrawdown),
			maxDrawdownPct: run.equity.maxDrawdownPct,
			timeInMarket: symbolBars > 0 ? sum(r => r.timeInMarket * r.bars) / symbolBars : 0,
			startCash: microsToNumber(run.startCash),
			finalCash: microsToNumber(engine.portfolio.cash),
			finalEquity: microsToNumber(engine.portfolio.cash + held),
			bars: run.bars,
			sessions: run.sessions,
		},
		equity: {times: run.equity.times, values: run.equity.values.map(v => microsToNumber(v))},
	};
}
