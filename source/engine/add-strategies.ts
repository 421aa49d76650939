/**
 * The one way to put a strategy of each kind on a symbol: the strategy gets its context and its
 * own position book from the engine. The console, the bar backtest and the tick backtest all
 * add their strategies through these.
 */
import {HftStrategy, type HftOptions} from '../strategies/hft.js';
import {ScalpStrategy, type ScalpOptions} from '../strategies/scalp.js';
import type {Engine} from './engine.js';

export function addScalper(engine: Engine, symbol: string, options: ScalpOptions): ScalpStrategy {
	return engine.add('scalp', (ctx, book) => new ScalpStrategy(symbol, ctx, options, book(symbol))) as ScalpStrategy;
}

export function addHft(engine: Engine, symbol: string, options: HftOptions): HftStrategy {
	return engine.add('hft', (ctx, book) => new HftStrategy(symbol, ctx, options, book(symbol))) as HftStrategy;
}
