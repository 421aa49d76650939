/**
 * Wires a headless tick backtest: simulated exchange (tick mode), engine, the tick-taker on
 * its symbols and optionally scalpers on others (fed minute bars built from the trades), and
 * the tick replay. The result has the scalping backtest's shape, so the same report prints
 * it; per-strategy extras ride along.
 */
import {dollarsToMicros, microsToNumber, type Micros} from '../core/money.js';
import {SimBroker} from '../adapters/sim/broker.js';
import {BACKTEST_RETAIN_CLOSED, SimExchange} from '../adapters/sim/exchange.js';
import type {TickTape} from '../adapters/replay/tick-tape.js';
import {addHft, addScalper} from '../engine/add-strategies.js';
import {Engine} from '../engine/engine.js';
import type {Journal} from '../journal/records.js';
import {DEFAULT_HFT_QTY, HftStrategy, type HftStats} from '../strategies/hft.js';
import {ScalpStrategy} from '../strategies/scalp.js';
import type {CustomSignal} from '../strategies/signal.js';
import type {HftParams, ScalpParams} from '../strategies/params.js';
import type {ScalpBacktestResult, SymbolResult} from './scalp-backtest.js';
import {statsKey, TickReplay} from './tick-runner.js';
import {backtestTotals} from './totals.js';

/** Cash for a run "without a cash limit" ($1 billion: no order of the tick-taker comes near it). */
export const UNLIMITED_CASH: Micros = dollarsToMicros(1_000_000_000);

export interface HftBacktestConfig {
	/** Time-ordered events of every symbol (adapters/replay/ticks.ts `loadTicks`). */
	readonly tape: TickTape;
	/** Symbols the tick-taker trades (default: every symbol of the tape without a scalper). */
	readonly hftSymbols?: readonly string[];
	/** Symbols the scalper trades on minute bars built from their trades (default none). */
	readonly scalpSymbols?: readonly string[];
	/** Most shares the tick-taker may hold per symbol (`--hft-qty`, default 500). */
	readonly hftQty?: number;
	/** Starting cash (default $100,000); UNLIMITED_CASH to run without a cash limit. */
	readonly cash?: Micros;
	/** Scalper settings (only used with scalpSymbols). */
	readonly lot?: Micros;
	readonly exitAfterMs?: number | null;
	readonly signal?: CustomSignal | null;
	/** --sma, --take-profit, ... for the scalpers; --hft-ratio, --hft-size for the tick-taker. */
	readonly scalpParams?: ScalpParams;
	readonly hftParams?: HftParams;
	readonly journal: Journal;
	readonly version?: string;
	/** Checkup period in market time (default 30 s). */
	readonly checkupMs?: number;
	/** Called every 65,536 events with the events done and the total. */
	readonly onProgress?: (eventsDone: number, eventsTotal: number) => void;
}

export interface HftSymbolResult extends SymbolResult {
	readonly strategy: 'scalp' | 'hft';
	/** Tick-taker counters (null for a scalper). */
	readonly hft: (HftStats & {readonly maxQty: number; readonly pendingBuy: number; readonly pendingSell: number}) | null;
}

export interface HftBacktestResult extends ScalpBacktestResult {
	/** One entry per strategy instance (a symbol may appear twice: scalp and hft). */
	readonly symbols: HftSymbolResult[];
	readonly ticks: {readonly quotes: number; readonly trades: number; readonly events: number; readonly barsBuilt: number};
}

export function runHftBacktest(config: HftBacktestConfig): HftBacktestResult {
	const tape = config.tape;
	const cash = config.cash ?? dollarsToMicros(100_000);
	const hftQty = config.hftQty ?? DEFAULT_HFT_QTY;
	const scalpSymbols = [...new Set(config.scalpSymbols ?? [])].sort();
	const hftSymbols = [...new Set(config.hftSymbols ?? tape.symbols.filter(s => !scalpSymbols.includes(s)))].sort();
	for (const symbol of [...hftSymbols, ...scalpSymbols]) {
		if (!tape.symbols.includes(symbol)) throw new RangeError(`no tick data for ${symbol}`);
	}
	const exchange = new SimExchange({cash, retainClosed: BACKTEST_RETAIN_CLOSED});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal: config.journal, runTag: 'bt'});
	for (const symbol of scalpSymbols) {
		addScalper(engine, symbol, {
			lot: config.lot ?? dollarsToMicros(2000),
			exitAfterMs: config.exitAfterMs ?? null,
			signal: config.signal ?? null,
			keepHistory: false,
			...(config.scalpParams ? {params: config.scalpParams} : {}),
		});
	}
	for (const symbol of hftSymbols) addHft(engine, symbol, {maxQty: hftQty, actionsKept: 0, ...(config.hftParams ? {params: config.hftParams} : {})});
	const progress = config.onProgress;
	const replay = new TickReplay(tape, engine, exchange, {
		checkupMs: config.checkupMs,
		onProgress: progress ? done => progress(done, tape.length) : undefined,
	});
	const symbolsAll = [...new Set([...scalpSymbols, ...hftSymbols])].sort();
	const startMs = tape.length > 0 ? tape.ms[0]! : 0;
	config.journal.write({ts: startMs, type: 'session', event: 'start', mode: 'backtest', version: config.version ?? '0', symbols: symbolsAll});
	replay.runToEnd();
	config.journal.write({ts: engine.now, type: 'session', event: 'end', mode: 'backtest', version: config.version ?? '0', symbols: symbolsAll});
	config.journal.flush();

	const symbols: HftSymbolResult[] = engine.strategies.map(s => {
		const book = engine.portfolio.book(s.kind, s.symbol);
		const stats = replay.stats.get(statsKey(s.kind, s.symbol))!;
		const scalp = s instanceof ScalpStrategy ? s : null;
		const hft = s instanceof HftStrategy ? s : null;
		const roundTrips = scalp?.roundTrips ?? hft?.roundTrips ?? 0;
		const wins = scalp?.wins ?? hft?.wins ?? 0;
		return {
			symbol: s.symbol,
			strategy: s.kind,
			roundTrips,
			wins,
			winRate: roundTrips > 0 ? wins / roundTrips : null,
			realizedPnl: microsToNumber(book.realized),
			unrealizedPnl: microsToNumber(book.unrealized(engine.lastPrice(s.symbol))),
			maxDrawdown: microsToNumber(stats.maxDrawdown),
			timeInMarket: stats.bars > 0 ? stats.barsHeld / stats.bars : 0,
			bars: stats.bars,
			finalPosition: book.qty,
			hft: hft ? {...hft.stats, maxQty: hftQty, pendingBuy: hft.pending.buy, pendingSell: hft.pending.sell} : null,
		};
	});
	return {
		symbols,
		// Minutes of market time observed (one sample per minute, like a bar).
		...backtestTotals(engine, symbols, {equity: replay.equity, startCash: cash, bars: replay.minutesObserved, sessions: replay.sessionsProcessed}),
		ticks: {quotes: replay.quoteCount, trades: replay.tradeCount, events: replay.eventsProcessed, barsBuilt: replay.barsDelivered},
	};
}
