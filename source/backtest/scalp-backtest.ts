/**
 * Wires a headless scalping backtest: simulated exchange, engine, one scalper per symbol,
 * and the bar replay; returns the figures the report prints.
 */
import {microsToNumber, type Micros} from '../core/money.js';
import {SimBroker} from '../adapters/sim/broker.js';
import {BACKTEST_RETAIN_CLOSED, SimExchange} from '../adapters/sim/exchange.js';
import {addScalper} from '../engine/add-strategies.js';
import {Engine} from '../engine/engine.js';
import type {Journal} from '../journal/records.js';
import type {CustomSignal} from '../strategies/signal.js';
import {DEFAULT_SCALP_PARAMS, scalpParamsJson, type ScalpParams} from '../strategies/params.js';
import {BarReplay, type ReplaySession} from './bar-runner.js';
import {backtestTotals, type ScalpBacktestResult, type SymbolResult} from './totals.js';

export interface ScalpBacktestConfig {
	readonly sessions: Iterable<ReplaySession>;
	readonly symbols: readonly string[];
	readonly lot: Micros;
	readonly cash: Micros;
	readonly exitAfterMs: number | null;
	readonly signal: CustomSignal | null;
	/** --sma, --take-profit, --stale-buy, --eod; the originals' when absent. */
	readonly params?: ScalpParams;
	readonly journal: Journal;
	readonly version?: string;
	/** Called every few thousand steps with bars done so far (progress line). */
	readonly onProgress?: (barsDone: number, sessionsDone: number) => void;
}

export type {ScalpBacktestResult, SymbolResult} from './totals.js';

export function runScalpBacktest(config: ScalpBacktestConfig): ScalpBacktestResult {
	const exchange = new SimExchange({cash: config.cash, retainClosed: BACKTEST_RETAIN_CLOSED});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal: config.journal, runTag: 'bt'});
	const scalpers = config.symbols.map(symbol =>
		addScalper(engine, symbol, {
			lot: config.lot,
			exitAfterMs: config.exitAfterMs,
			signal: config.signal,
			keepHistory: false,
			...(config.params ? {params: config.params} : {}),
		}),
	);
	// No progress line (a sweep job, a test): no hook at all. A closure made per run here was a
	// new call target for the replay's step in every backtest a sweep thread ran.
	const onProgress = config.onProgress;
	let steps = 0;
	const replay: BarReplay = new BarReplay(
		config.sessions,
		engine,
		exchange,
		onProgress
			? {
					afterStep: () => {
						steps += 1;
						if (steps % 4096 === 0) onProgress(replay.barsProcessed, replay.sessionsProcessed);
					},
				}
			: {},
	);
	const startMs = replay.peekNextArrival();
	config.journal.write({
		ts: (startMs ?? 60_000) - 60_000,
		type: 'session',
		event: 'start',
		mode: 'backtest',
		version: config.version ?? '0',
		symbols: [...config.symbols],
		params: {...scalpParamsJson(config.params ?? DEFAULT_SCALP_PARAMS), lot: microsToNumber(config.lot)},
	});
	replay.runToEnd();
	config.journal.write({ts: engine.now, type: 'session', event: 'end', mode: 'backtest', version: config.version ?? '0', symbols: [...config.symbols]});
	config.journal.flush();

	const symbols: SymbolResult[] = scalpers.map(s => {
		const book = engine.portfolio.book('scalp', s.symbol);
		const stats = replay.stats.get(s.symbol)!;
		return {
			symbol: s.symbol,
			roundTrips: s.roundTrips,
			wins: s.wins,
			winRate: s.roundTrips > 0 ? s.wins / s.roundTrips : null,
			realizedPnl: microsToNumber(book.realized),
			unrealizedPnl: microsToNumber(book.unrealized(engine.lastPrice(s.symbol))),
			maxDrawdown: microsToNumber(stats.maxDrawdown),
			timeInMarket: stats.bars > 0 ? stats.barsHeld / stats.bars : 0,
			bars: stats.bars,
			finalPosition: book.qty,
		};
	});
	return {
		symbols,
		...backtestTotals(engine, symbols, {equity: replay.equity, startCash: config.cash, bars: replay.barsProcessed, sessions: replay.sessionsProcessed}),
	};
}
