/** The console's strategies for a configuration: a scalper per symbol, the tick-taker if asked. */
import type {ConsoleConfig} from './console-config.js';
import type {Engine} from '../engine/engine.js';
import {HftStrategy} from '../strategies/hft.js';
import {ScalpStrategy} from '../strategies/scalp.js';

export function addConsoleStrategies(engine: Engine, config: ConsoleConfig): void {
	for (const symbol of config.symbols) {
		engine.add(
			'scalp',
			(ctx, book) =>
				new ScalpStrategy(
					symbol,
					ctx,
					{lot: config.lot, exitAfterMs: config.exitAfterMs, signal: config.signal, keepHistory: true, replaceExitOnRebuild: true, params: config.scalpParams},
					book(symbol),
				),
		);
	}
	const hft = config.hft;
	if (hft) engine.add('hft', (ctx, book) => new HftStrategy(hft, ctx, {maxQty: config.hftQty, params: config.hftParams}, book(hft)));
}
