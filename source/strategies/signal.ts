/**
 * The scalper's buy signal. The default is the original's SMA20 crossover, decided in exact
 * integer arithmetic; a user module can replace it (`--signal ./my-signal.js`).
 */
import {microsToNumber, type Micros} from '../core/money.js';
import type {RollingSum} from '../core/ring.js';

/** The original's window (the default of `--sma`). */
export const SMA_WINDOW = 20;
/** Bars a session needs before the signal is evaluated with the default window: the window plus the bar before it. */
export const MIN_BARS = SMA_WINDOW + 1;

/**
 * closes[-2] < sma[-2] and closes[-1] > sma[-1], as `n x close` against the sum of the n
 * closes (n = the rolling sum's window, `--sma`), so no rounding can decide a tie.
 */
export function smaCrossUp(closes: RollingSum): boolean {
	const n = closes.window;
	if (closes.length < n + 1) return false;
	const last = closes.back(0);
	const previous = closes.back(1);
	return n * previous < closes.previousSum && n * last > closes.sum;
}

/** A bar as a custom signal sees it: dollars as numbers, `start` in epoch ms. */
export interface SignalBar {
	readonly start: number;
	readonly open: number;
	readonly high: number;
	readonly low: number;
	readonly close: number;
	readonly volume: number;
}

/**
 * A custom buy signal: called on every bar while the symbol waits to buy (state TO_BUY, at
 * least 21 bars this session, before 15:55 ET). `bars` holds this session's bars, oldest
 * first; return true to buy at the last price.
 */
export type CustomSignal = (bars: readonly SignalBar[], symbol: string) => boolean;

export function microsToSignalBar(start: number, open: Micros, high: Micros, low: Micros, close: Micros, volume: number): SignalBar {
	return {start, open: microsToNumber(open), high: microsToNumber(high), low: microsToNumber(low), close: microsToNumber(close), volume};
}
