/** The console's strategy parameters as the header shows them and the journal records them. */
import type {ConsoleConfig} from './console-config.js';
import type {SessionParams} from '../engine/snapshot-builder.js';
import {describeHftParams, describeScalpParams, scalpParamsJson} from '../strategies/params.js';
import {microsToNumber} from '../core/money.js';

/** What the header shows and the journal's session start records. */
export function sessionParams(config: Pick<ConsoleConfig, 'scalpParams' | 'hftParams' | 'lot' | 'hft'>): SessionParams {
	const text = describeScalpParams(config.scalpParams, config.lot) + (config.hft ? ` · ${describeHftParams(config.hftParams)}` : '');
	const json: Record<string, unknown> = {...scalpParamsJson(config.scalpParams), lot: microsToNumber(config.lot)};
	if (config.hft) Object.assign(json, {hft_ratio: config.hftParams.ratio, hft_size: config.hftParams.size});
	return {text, eodMs: config.scalpParams.eodMs, json, smaLength: config.scalpParams.smaWindow};
}
