/** Totals of a rebalance backtest: returns, drawdown, trade counts, win rate. */
import {addMicros, type Micros, ZERO_MICROS} from '../../core/money.js';
import type {RebalanceBacktestResult} from './runner.js';
import {maxDrawdownPct} from '../drawdown.js';

export interface RebalanceTotals {
	readonly days: number;
	readonly firstDate: string | null;
	readonly lastDate: string | null;
	readonly startCash: Micros;
	readonly finalCash: Micros;
	readonly finalEquity: Micros;
	/** finalEquity / startCash - 1. */
	readonly return: number;
	/** Benchmark close at the end over its close on the baseline day, minus 1; null without one. */
	readonly benchReturn: number | null;
	/** Largest peak-to-trough fall of the equity curve, as a fraction of the peak (>= 0). */
	readonly maxDrawdown: number;
	readonly benchMaxDrawdown: number | null;
	/** Orders sent. */
	readonly orders: number;
	/** Orders filled (the trades). */
	readonly fills: number;
	readonly rejected: number;
	readonly expired: number;
	readonly buys: number;
	readonly sells: number;
	/** Filled sells, each closing a position (a round trip). */
	readonly roundTrips: number;
	/** Round trips sold above their cost. */
	readonly wins: number;
	/** wins / roundTrips, null when nothing was sold. */
	readonly winRate: number | null;
	readonly realizedPnl: Micros;
	/** Most positions held at the end of any day. */
	readonly maxHeld: number;
}

export function computeTotals(result: RebalanceBacktestResult): RebalanceTotals {
	const startCash = result.params.cash;
	const last = result.days.at(-1);
	const finalCash = last ? last.cash : startCash;
	const finalEquity = last ? last.equity : startCash;
	let orders = 0;
	let fills = 0;
	let rejected = 0;
	let expired = 0;
	let buys = 0;
	let sells = 0;
	let wins = 0;
	let realizedPnl = ZERO_MICROS;
	let maxHeld = 0;
	for (const day of result.days) {
		maxHeld = Math.max(maxHeld, day.positions.length);
		for (const o of day.orders) {
			orders++;
			if (o.outcome === 'rejected') rejected++;
			else if (o.outcome === 'expired') expired++;
			else {
				fills++;
				if (o.side === 'buy') buys++;
				else {
					sells++;
					realizedPnl = addMicros(realizedPnl, o.realized ?? ZERO_MICROS);
					if ((o.realized ?? 0) > 0) wins++;
				}
			}
		}
	}
	const benchBase = result.equity[0]?.benchClose ?? null;
	const benchEnd = result.equity.at(-1)?.benchClose ?? null;
	const benchReturn = result.bench && benchBase && benchEnd !== null ? benchEnd / benchBase - 1 : null;
	const benchCurve = result.bench ? result.equity.map(p => p.benchClose).filter((c): c is Micros => c !== null) : [];
	return {
		days: result.days.length,
		firstDate: result.days[0]?.date ?? null,
		lastDate: last?.date ?? null,
		startCash,
		finalCash,
		finalEquity,
		return: startCash > 0 ? finalEquity / startCash - 1 : 0,
		benchReturn,
		maxDrawdown: maxDrawdownPct(result.equity.map(p => p.equity)),
		benchMaxDrawdown: result.bench ? maxDrawdownPct(benchCurve) : null,
		orders,
		fills,
		rejected,
		expired,
		buys,
		sells,
		roundTrips: sells,
		wins,
		winRate: sells > 0 ? wins / sells : null,
		realizedPnl,
		maxHeld,
	};
}
