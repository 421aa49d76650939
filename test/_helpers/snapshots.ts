/**
 * Builders of engine snapshots for console tests: sensible defaults, override what a test is about.
 */
import type {EngineSnapshot, HftView, LogLine, OpenOrderView, PositionView, SymbolView} from '../../source/engine/snapshot.js';

/** 2024-03-14 10:30:00 New York (EDT, UTC-4). */
export const T0 = Date.parse('2024-03-14T14:30:00.000Z');
/** 15:55 New York on the same day. */
export const LIQUIDATION = Date.parse('2024-03-14T19:55:00.000Z');

/** `count` closes drifting up from `start` with a wiggle. */
export function closesSeries(count: number, start = 100): number[] {
	return Array.from({length: count}, (_, index) => Number((start + index * 0.05 + Math.sin(index / 3) * 0.4).toFixed(2)));
}

/** SMA20 aligned with the closes, NaN during the warm-up, as the engine sends it. */
export function sma20(closes: readonly number[]): number[] {
	let sum = 0;
	return closes.map((close, index) => {
		sum += close;
		if (index >= 20) sum -= closes[index - 20] ?? 0;
		return index >= 19 ? sum / 20 : Number.NaN;
	});
}

export function makeOrder(overrides: Partial<OpenOrderView> = {}): OpenOrderView {
	return {
		clientOrderId: 'co-1',
		side: 'buy',
		type: 'limit',
		qty: 10,
		filledQty: 0,
		limitPrice: 187.25,
		ageMs: 12_000,
		...overrides,
	};
}

export function makePosition(overrides: Partial<PositionView> = {}): PositionView {
	return {qty: 10, avgPrice: 186.9, unrealizedPnl: 3.3, ...overrides};
}

export function makeHftView(overrides: Partial<HftView> = {}): HftView {
	return {
		bidPrice: 223.81,
		bidSize: 1200,
		askPrice: 223.82,
		askSize: 300,
		spread: 0.01,
		threshold: 1.8,
		armed: true,
		pendingBuy: 100,
		pendingSell: 0,
		maxQty: 500,
		lastActions: ['buy 100 @ 223.80', 'sell 100 @ 223.84'],
		...overrides,
	};
}

export function makeSymbol(overrides: Partial<SymbolView> = {}): SymbolView {
	const closes = overrides.closes ?? closesSeries(60, 187);
	return {
		symbol: 'AAPL',
		strategy: 'scalp',
		state: 'TO_BUY',
		paused: false,
		lastPrice: closes.at(-1) ?? null,
		change: 1.25,
		closes,
		sma: overrides.sma ?? sma20(closes),
		openOrder: null,
		position: null,
		realizedPnl: 0,
		trades: 0,
		hft: null,
		synthetic: false,
		orders: [],
		...overrides,
	};
}

export function makeHftSymbol(overrides: Partial<SymbolView> = {}): SymbolView {
	return makeSymbol({
		symbol: 'SPY',
		strategy: 'hft',
		state: 'ARMED',
		closes: [],
		sma: [],
		lastPrice: 223.82,
		change: 0.12,
		hft: makeHftView(),
		position: makePosition({qty: 200, avgPrice: 223.7, unrealizedPnl: 24}),
		realizedPnl: 12.3,
		trades: 4,
		...overrides,
	});
}

export function makeLog(text: string, overrides: Partial<LogLine> = {}): LogLine {
	return {ms: T0, symbol: 'AAPL', level: 'info', text, ...overrides};
}

export function makeSnapshot(overrides: Partial<EngineSnapshot> = {}): EngineSnapshot {
	return {
		mode: 'sim',
		nowMs: T0,
		sessionDate: '2024-03-14',
		sessionState: 'open',
		liquidationMs: LIQUIDATION,
		speed: 60,
		equity: 100_234.56,
		cash: 98_000,
		realizedPnl: 200,
		unrealizedPnl: 34.56,
		connection: 'replay',
		symbols: [makeSymbol()],
		log: [makeLog('session started', {symbol: null})],
		risk: null,
		finished: false,
		signalName: null,
		smaLength: 20,
		// Day P&L follows the realized/unrealized overrides unless a test sets it.
		dayPnl: (overrides.realizedPnl ?? 200) + (overrides.unrealizedPnl ?? 34.56),
		...overrides,
	};
}

/** `count` scalp symbols named S00, S01, … */
export function manySymbols(count: number): SymbolView[] {
	return Array.from({length: count}, (_, index) => makeSymbol({symbol: `S${String(index).padStart(2, '0')}`}));
}
