/**
 * Tick-mode throughput and live-path latency of the order-book-imbalance tick-taker.
 *
 * 1. Replay: 1.2M synthetic events (4 symbols x 3 sessions x 100k quotes and trades with a
 *    mostly one-cent spread, so the trader arms and trades often) through the tick replay,
 *    the engine, the strategy and the simulated exchange, journal off. Events/s on one core.
 * 2. Live path: engine.onQuote timed one call at a time with process.hrtime.bigint() over
 *    every quote of one synthetic session, with a console log sink and a serializing
 *    journal attached (trades are fed between quotes, untimed, so orders really happen).
 *
 *   node --import tsx bench/ticks.ts
 */
import {SimBroker} from '../source/adapters/sim/broker.js';
import {SimExchange} from '../source/adapters/sim/exchange.js';
import {mergeTapes, QUOTE_EVENT, TapeBuilder, type TickTape} from '../source/adapters/replay/tick-tape.js';
import {runHftBacktest, UNLIMITED_CASH} from '../source/backtest/hft-backtest.js';
import {nyTime} from '../source/core/time.js';
import type {Quote, Trade} from '../source/core/types.js';
import {Engine} from '../source/engine/engine.js';
import type {LogLine} from '../source/engine/snapshot.js';
import {nullJournal, type Journal} from '../source/journal/records.js';
import {serializeRecord} from '../source/journal/writer.js';
import {HftStrategy} from '../source/strategies/hft.js';
import {seededRandom} from '../source/adapters/sim/synthetic.js';
import {micros} from '../source/core/money.js';

const SYMBOLS = ['SYNA', 'SYNB', 'SYNC', 'SYND'];
const DATES = ['2012-06-18', '2012-06-19', '2012-06-20'];
const EVENTS_PER_SESSION = 100_000;

const random = seededRandom;

/**
 * One symbol's session: 65% quotes (a third of them move the level by a cent, 90% of levels
 * one cent wide), 35% trades at the bid or ask (a quarter of them odd lots). Times advance
 * by 0.1-20 ms with nanosecond detail.
 */
function syntheticSession(symbol: string, date: string, seed: number): TickTape {
	const rnd = random(seed);
	const out = new TapeBuilder(symbol, EVENTS_PER_SESSION);
	let ms = nyTime(date, 9, 30);
	let ns = 0;
	let bid = 50_000_000;
	let spread = 10_000;
	let bidSize = 500;
	let askSize = 500;
	for (let i = 0; i < EVENTS_PER_SESSION; i++) {
		const step = 100_000 + Math.floor(rnd() * 19_900_000);
		ns += step;
		ms += Math.floor(ns / 1e6);
		ns %= 1e6;
		const r = rnd();
		if (r < 0.65) {
			if (rnd() < 0.33) {
				bid += rnd() < 0.5 ? -10_000 : 10_000;
				spread = rnd() < 0.9 ? 10_000 : 20_000;
			}
			bidSize = 100 * (1 + Math.floor(rnd() * 20));
			askSize = 100 * (1 + Math.floor(rnd() * 20));
			out.quote(ms, ns, micros(bid), bidSize, micros(bid + spread), askSize);
		} else {
			const price = rnd() < 0.5 ? bid : bid + spread;
			const size = rnd() < 0.25 ? 1 + Math.floor(rnd() * 99) : 100 * (1 + Math.floor(rnd() * 5));
			out.trade(ms, ns, micros(price), size);
		}
	}
	return out.finish();
}

export function syntheticTape(symbols = SYMBOLS, dates = DATES): TickTape {
	const parts: TickTape[] = [];
	let seed = 11;
	for (const date of dates) for (const symbol of symbols) parts.push(syntheticSession(symbol, date, seed++));
	return mergeTapes(parts);
}

function fmt(n: number): string {
	return Math.round(n).toLocaleString('en-US');
}

function replayThroughput(tape: TickTape): {seconds: number; orders: number} {
	const started = process.hrtime.bigint();
	const result = runHftBacktest({tape, hftQty: 500, cash: UNLIMITED_CASH, journal: nullJournal});
	const seconds = Number(process.hrtime.bigint() - started) / 1e9;
	let orders = 0;
	for (const s of result.symbols) orders += (s.hft?.ordersAccepted ?? 0) + (s.hft?.ordersRefused ?? 0);
	return {seconds, orders};
}

function quantile(sorted: Float64Array, q: number): number {
	return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

/** Per-quote cost of engine.onQuote with the console's log sink and a serializing journal. */
function liveQuoteLatency(tape: TickTape): {count: number; p50: number; p99: number; p999: number; max: number; orders: number} {
	const exchange = new SimExchange({cash: UNLIMITED_CASH});
	let journalBytes = 0;
	const journal: Journal = {
		write: record => {
			journalBytes += serializeRecord(record).length;
		},
		flush() {},
		close() {},
	};
	const ring: LogLine[] = [];
	const engine = new Engine({
		mode: 'paper',
		broker: new SimBroker(exchange),
		journal,
		runTag: 'live',
		logSink: line => {
			ring.push(line);
			if (ring.length > 500) ring.splice(0, 250);
		},
	});
	const strategies = tape.symbols.map(symbol => engine.add('hft', (ctx, book) => new HftStrategy(symbol, ctx, {maxQty: 500}, book(symbol))) as HftStrategy);
	engine.beginSession(DATES[0]!, exchange.state(), tape.ms[0]!);
	const samples = new Float64Array(tape.length);
	let n = 0;
	for (let i = 0; i < tape.length; i++) {
		const symbol = tape.symbols[tape.symbol[i]!]!;
		const ms = tape.ms[i]!;
		const ns = tape.ns[i]!;
		engine.setTime(ms, ns);
		exchange.setTime(ms, ns);
		if (tape.kind[i] === QUOTE_EVENT) {
			const quote: Quote = {symbol, ms, ns, bidPrice: tape.price[i]!, bidSize: tape.size[i]!, askPrice: tape.askPrice[i]!, askSize: tape.askSize[i]!};
			exchange.setQuote(quote);
			const t0 = process.hrtime.bigint();
			engine.onQuote(quote);
			samples[n++] = Number(process.hrtime.bigint() - t0);
		} else {
			const trade: Trade = {symbol, ms, ns, price: tape.price[i]!, size: tape.size[i]!};
			exchange.setLastPrice(symbol, trade.price);
			engine.onTrade(trade);
		}
	}
	void journalBytes;
	const sorted = samples.slice(0, n).sort();
	const orders = strategies.reduce((acc, s) => acc + s.stats.ordersAccepted + s.stats.ordersRefused, 0);
	return {count: n, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), p999: quantile(sorted, 0.999), max: sorted[n - 1]!, orders};
}

export async function benchTicks(): Promise<string[]> {
	const lines: string[] = [];
	const tape = syntheticTape();
	for (let i = 0; i < 3; i++) replayThroughput(tape); // warm-up: let the JIT settle
	const runs = Array.from({length: 5}, () => replayThroughput(tape));
	const rates = runs.map(r => tape.length / r.seconds).sort((a, b) => a - b);
	const median = rates[2]!;
	lines.push(
		`tick replay (tick-taker + sim exchange, journal off): ${fmt(tape.length)} events, median of 5 runs ${fmt(median)} events/s ` +
			`(${(1e9 / median).toFixed(0)} ns/event; slowest ${fmt(rates[0]!)}, fastest ${fmt(rates[4]!)}; ${fmt(runs[0]!.orders)} orders per run)`,
	);
	const live = syntheticTape(SYMBOLS.slice(0, 2), DATES.slice(0, 1));
	liveQuoteLatency(live); // warm-up
	const l = liveQuoteLatency(live);
	const us = (nsValue: number) => `${(nsValue / 1000).toFixed(2)} µs`;
	lines.push(
		`live path engine.onQuote over ${fmt(l.count)} quotes (log sink + serializing journal, ${fmt(l.orders)} orders): ` +
			`p50 ${us(l.p50)}, p99 ${us(l.p99)}, p99.9 ${us(l.p999)}, max ${us(l.max)} (includes ~0.05 µs of hrtime)`,
	);
	return lines;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	for (const line of await benchTicks()) console.log(line);
}
