/**
 * Market-data message shapes derived from the replayed minute bars. Each bar also stands for
 * one trade at its close (size = the bar's volume, in the bar's last millisecond), so the bar
 * and trade channels and the `latest` endpoints agree; the quote is locked at that close
 * (bid = ask), since minute data has no book. Times are WireTime (msgpack ext -1 or RFC 3339).
 */
import {maxMicros, type Micros, minMicros, roundMicros} from '../core/money.js';
import {nyDate, nyMidnight, HOUR_MS, MINUTE_MS} from '../core/time.js';
import type {Bar} from '../core/types.js';
import type {TickEvent} from '../adapters/sim/synthetic-ticks.js';
import {priceNumber} from './wire-format.js';
import {WireTime} from './ws-codec.js';

export type Message = Record<string, unknown>;

/** A bar of any timeframe (a minute bar or an aggregate). */
export interface AnyBar {
	readonly symbol: string;
	readonly start: number;
	readonly open: Micros;
	readonly high: Micros;
	readonly low: Micros;
	readonly close: Micros;
	readonly volume: number;
	/** Trades in the bar (one per minute bar). */
	readonly count: number;
	/** Volume-weighted price (micros, may be fractional). */
	readonly vwap: number;
}

export function minuteBar(bar: Bar): AnyBar {
	return {...bar, count: 1, vwap: bar.close};
}

export function barFields(bar: AnyBar): Message {
	return {
		t: new WireTime(bar.start),
		o: priceNumber(bar.open),
		h: priceNumber(bar.high),
		l: priceNumber(bar.low),
		c: priceNumber(bar.close),
		v: bar.volume,
		n: bar.count,
		vw: priceNumber(roundMicros(bar.vwap)),
	};
}

/** The synthetic trade of a minute bar; `index` is the bar's position in its symbol's series. */
export function tradeFields(bar: Bar, index: number): Message {
	return {
		t: new WireTime(bar.start + MINUTE_MS - 1),
		x: 'V',
		p: priceNumber(bar.close),
		s: bar.volume,
		c: ['@'],
		i: index + 1,
		z: 'C',
	};
}

export function quoteFields(bar: Bar): Message {
	const close = priceNumber(bar.close);
	return {
		t: new WireTime(bar.start + MINUTE_MS - 1),
		ax: 'V',
		ap: close,
		as: 1,
		bx: 'V',
		bp: close,
		bs: 1,
		c: ['R'],
		z: 'C',
	};
}

/** A streamed tick (tick mode): a `q` or `t` message, its time at full resolution. */
export function tickFields(tick: TickEvent, tradeId: number): Message {
	if (tick.kind === 'quote') {
		const q = tick.quote;
		return {
			T: 'q',
			S: q.symbol,
			bx: 'V',
			bp: priceNumber(q.bidPrice),
			bs: q.bidSize,
			ax: 'V',
			ap: priceNumber(q.askPrice),
			as: q.askSize,
			c: ['R'],
			z: 'C',
			t: new WireTime(q.ms, q.ns),
		};
	}
	const t = tick.trade;
	return {T: 't', S: t.symbol, i: tradeId, x: 'V', p: priceNumber(t.price), s: t.size, c: ['@'], z: 'C', t: new WireTime(t.ms, t.ns)};
}

// --- timeframes --------------------------------------------------------------------------

export interface Timeframe {
	readonly unit: 'Min' | 'Hour' | 'Day';
	readonly amount: number;
}

/** "1Min", "5Min", "1T", "1Hour", "1H", "1Day", "1D"; null when unsupported. */
export function parseTimeframe(text: string): Timeframe | null {
	const m = /^(\d{1,2})(Min|T|Hour|H|Day|D)$/.exec(text);
	if (!m) return null;
	const amount = Number(m[1]);
	const unit = m[2] === 'Min' || m[2] === 'T' ? 'Min' : m[2] === 'Hour' || m[2] === 'H' ? 'Hour' : 'Day';
	if (unit === 'Min' && !(amount >= 1 && amount <= 59)) return null;
	if (unit === 'Hour' && !(amount >= 1 && amount <= 23)) return null;
	if (unit === 'Day' && amount !== 1) return null;
	return {unit, amount};
}

function bucketStart(start: number, tf: Timeframe): number {
	const midnight = nyMidnight(nyDate(start));
	if (tf.unit === 'Day') return midnight;
	const size = tf.amount * (tf.unit === 'Min' ? MINUTE_MS : HOUR_MS);
	return midnight + Math.floor((start - midnight) / size) * size;
}

/** Minute bars (ascending, one symbol) -> bars of the timeframe, aligned to New York midnight. */
export function aggregate(bars: readonly Bar[], tf: Timeframe): AnyBar[] {
	if (tf.unit === 'Min' && tf.amount === 1) return bars.map(minuteBar);
	const out: AnyBar[] = [];
	let current: {symbol: string; start: number; open: Micros; high: Micros; low: Micros; close: Micros; volume: number; count: number; pv: number} | null = null;
	const flush = (): void => {
		if (!current) return;
		const {pv, ...rest} = current;
		out.push({...rest, vwap: current.volume > 0 ? pv / current.volume : current.close});
	};
	for (const bar of bars) {
		const start = bucketStart(bar.start, tf);
		if (current && current.start === start) {
			current.high = maxMicros(current.high, bar.high);
			current.low = minMicros(current.low, bar.low);
			current.close = bar.close;
			current.volume += bar.volume;
			current.count += 1;
			current.pv += bar.close * bar.volume;
			continue;
		}
		flush();
		current = {
			symbol: bar.symbol,
			start,
			open: bar.open,
			high: bar.high,
			low: bar.low,
			close: bar.close,
			volume: bar.volume,
			count: 1,
			pv: bar.close * bar.volume,
		};
	}
	flush();
	return out;
}

/** REST JSON: WireTime values become RFC 3339 strings. */
export function toRest(message: Message): Message {
	const out: Message = {};
	for (const [key, value] of Object.entries(message)) out[key] = value instanceof WireTime ? value.toJSON() : value;
	return out;
}
