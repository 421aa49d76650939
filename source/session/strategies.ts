/** The console's strategies for a configuration: a scalper per symbol, the tick-taker if asked. */
import type {ConsoleConfig} from './console-config.js';
import type {Engine} from '../engine/engine.js';
import {addHft, addScalper} from '../engine/add-strategies.js';

export function addConsoleStrategies(engine: Engine, config: ConsoleConfig): void {
	for (const symbol of config.symbols) {
		addScalper(engine, symbol, {
			lot: config.lot,
			exitAfterMs: config.exitAfterMs,
			signal: config.signal,
			keepHistory: true,
			replaceExitOnRebuild: true,
			params: config.scalpParams,
		});
	}
	const hft = config.hft;
	if (hft) addHft(engine, hft, {maxQty: config.hftQty, params: config.hftParams});
}
