/**
 * Where the emulator's quotes and trades come from in tick mode: recorded tick files (LOBSTER,
 * Lean; `--ticks PATH`) or SIM's seeded synthetic ticks along the minute bars of chosen
 * symbols (`--hft SYMBOL`). Recorded ticks also make the minute bars (from their trades, as the
 * tick backtest builds them), so the bar stream, REST bars and the clock follow the same tape.
 */
import type {BarSession} from '../adapters/replay/minute-csv.js';
import {QUOTE_EVENT, type TickTape} from '../adapters/replay/tick-tape.js';
import {seededTicksFor, type TickEvent} from '../adapters/sim/synthetic-ticks.js';
import {MINUTE_MS, nyDate} from '../core/time.js';
import type {Bar} from '../core/types.js';
import {maxMicros, type Micros, minMicros} from '../core/money.js';

export interface TickSource {
	/** Symbols whose quotes and trades are streamed as ticks (their bar-close trades are not). */
	readonly symbols: ReadonlySet<string>;
	/** The session's events, time-ordered; asked once, when the session opens. */
	sessionTicks(session: BarSession): readonly TickEvent[];
}

export function tickTime(event: TickEvent): {ms: number; ns: number} {
	return event.kind === 'quote' ? event.quote : event.trade;
}

/** A recorded tape as events per New York date, and the minute bars its trades make. */
export function recordedTicks(tape: TickTape): {source: TickSource; bars: Map<string, Bar[]>} {
	const byDate = new Map<string, TickEvent[]>();
	const bars = new Map<string, Bar[]>();
	let date = '';
	let dayEnd = -Infinity;
	let list: TickEvent[] = [];
	for (let i = 0; i < tape.length; i++) {
		const ms = tape.ms[i]!;
		const ns = tape.ns[i]!;
		const symbol = tape.symbols[tape.symbol[i]!]!;
		if (ms >= dayEnd) {
			date = nyDate(ms);
			list = byDate.get(date) ?? [];
			byDate.set(date, list);
			// Re-derive the date at most once per hour of tape: cheap and exact across DST.
			dayEnd = ms - (ms % 3_600_000) + 3_600_000;
		}
		if (tape.kind[i] === QUOTE_EVENT) {
			list.push({
				kind: 'quote',
				quote: {symbol, ms, ns, bidPrice: tape.price[i]!, bidSize: tape.size[i]!, askPrice: tape.askPrice[i]!, askSize: tape.askSize[i]!},
			});
			continue;
		}
		const price = tape.price[i]!;
		const size = tape.size[i]!;
		list.push({kind: 'trade', trade: {symbol, ms, ns, price, size}});
		addToBar(bars, symbol, ms - (ms % MINUTE_MS), price, size);
	}
	return {source: {symbols: new Set(tape.symbols), sessionTicks: session => byDate.get(session.date) ?? []}, bars};
}

function addToBar(bars: Map<string, Bar[]>, symbol: string, start: number, price: Micros, size: number): void {
	let list = bars.get(symbol);
	if (!list) {
		list = [];
		bars.set(symbol, list);
	}
	const last = list[list.length - 1];
	if (last && last.start === start) {
		list[list.length - 1] = {...last, high: maxMicros(last.high, price), low: minMicros(last.low, price), close: price, volume: last.volume + size};
		return;
	}
	list.push({symbol, start, open: price, high: price, low: price, close: price, volume: size});
}

/** SIM's seeded synthetic ticks along the bars of `symbols` (the same stream SIM's tick-taker sees). */
export function syntheticTicks(symbols: readonly string[]): TickSource {
	const sorted = [...new Set(symbols)].sort();
	const makers = sorted.map(seededTicksFor);
	return {
		symbols: new Set(sorted),
		sessionTicks: session => {
			const all = makers.flatMap(make => make(session.bars));
			if (makers.length <= 1) return all;
			// Stable: at one instant, symbols keep name order.
			return all
				.map((event, index) => ({event, index, t: tickTime(event)}))
				.sort((a, b) => a.t.ms - b.t.ms || a.t.ns - b.t.ns || a.index - b.index)
				.map(x => x.event);
		},
	};
}
