/**
 * `scalp-tui sweep --strategy hft [SYMBOL...] --hft-ratio 1.2..2.4:0.3 --hft-size 100,200`: the
 * tick-taker's sweep. The tape is read once here (the reader `backtest --strategy hft` uses),
 * copied into shared memory for the worker threads, and each grid point is that backtest with
 * those flags. Walk-forward windows are New York trading days of the tape, as for bars.
 */
import type {CliFlags} from '../cli/flags.js';
import {DEFAULTS} from '../cli/defaults.js';
import {parseSymbols, positiveDollars, UsageError, wholeNumber} from '../config.js';
import {microsToNumber} from '../core/money.js';
import {parseGrid, type ParamKey} from '../research/grid.js';
import type {TickDataRef} from '../research/job.js';
import type {HftSweepBase, SweepConfig} from '../research/sweep.js';
import {shareTape, tapeDays} from '../research/tick-days.js';
import {checkHftQty, hftParamsFromFlags} from '../strategy-flags.js';
import {describeHftParams} from '../strategies/params.js';
import {loadHftData} from './hft-inputs.js';
import type {BeforeLoad, PreparedSweep} from './prepared-sweep.js';

export function prepareHftSweep(args: readonly string[], flags: CliFlags, walkForward: SweepConfig['walkForward'], beforeLoad: BeforeLoad): PreparedSweep {
	const texts: Partial<Record<ParamKey, string>> = {};
	for (const key of ['hftRatio', 'hftSize'] as const) if (flags[key] !== undefined) texts[key] = String(flags[key]);
	const axes = parseGrid(texts);
	if (axes.length === 0) throw new UsageError('sweep --strategy hft needs at least one parameter to vary, e.g. --hft-ratio 1.2..2.4:0.3 --hft-size 100,200');
	const baseParams = hftParamsFromFlags({});
	const hftQty = wholeNumber('hft-qty', flags.hftQty ?? DEFAULTS.hftQty, 100);
	// Every point must be a valid plain backtest: the largest size has to fit in --hft-qty.
	const sizes = axes.find(a => a.flag.key === 'hftSize')?.values ?? [baseParams.size];
	checkHftQty(hftQty, {...baseParams, size: Math.max(...sizes)});
	const cash = positiveDollars('cash', flags.cash ?? DEFAULTS.cashUsd);
	const wanted = [...new Set(parseSymbols(args))];
	beforeLoad(axes);
	const {paths, data} = loadHftData(flags.data, wanted);
	const symbols = wanted.length > 0 ? wanted : [...data.symbols];
	const days = tapeDays(data.tape).map(d => d.date);
	const ref: TickDataRef = {kind: 'ticks', paths: [...paths], symbols: wanted};
	const base: HftSweepBase = {strategy: 'hft', data: ref, symbols, cash, hftQty, params: baseParams};
	const defaults = describeHftParams(baseParams);
	const span = `${days.length} trading day${days.length === 1 ? '' : 's'} ${days[0]}..${days[days.length - 1]}`;
	return {
		config: {axes, base, days, allDays: true, walkForward},
		poolData: {ref, tape: shareTape(data.tape)},
		meta: {
			strategy: 'hft',
			data: paths,
			cash: microsToNumber(cash),
			hft_qty: hftQty,
			symbols,
			days: {from: days[0], to: days[days.length - 1], count: days.length},
			defaults,
		},
		header: [
			`scalp-tui sweep: order-book-imbalance tick-taker on ${symbols.join(', ')}, ${span}`,
			`data ${paths.join(', ')}; --hft-qty ${hftQty}; cash $${microsToNumber(cash)}`,
			...data.notes,
		],
		defaults,
	};
}
