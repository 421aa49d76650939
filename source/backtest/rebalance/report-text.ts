/**
 * Text report of a rebalance backtest: a per-day table (orders, cash, equity, benchmark), the
 * totals and an asciichart plot of algo vs benchmark performance, like the tutorial's plot.
 */
import type {Micros} from '../../core/money.js';
import {formatMicros, formatUsd, roundCentHalfUp} from '../../core/money.js';
import {colorize, fillGaps, lineChart} from './chart.js';
import type {RebalanceTotals} from './metrics.js';
import {computeTotals} from './metrics.js';
import type {BacktestOrder, RebalanceBacktestResult} from './runner.js';

export interface TextReportOptions {
	/** Total width in columns (default 100, at least 60). */
	readonly width?: number;
	/** Rows of the chart (default 12). */
	readonly chartHeight?: number;
	/** ANSI colors in the chart (default false: plain text for files and pipes). */
	readonly color?: boolean;
	/** Journal path to mention at the end, if one was written. */
	readonly journalPath?: string | null;
}

/** The deliberate deviation from the tutorial's backtest, stated in every report. */
export const STALENESS_NOTE =
	'universe each day: symbols with a bar on the previous trading day (deviation from the tutorial, which wanted one within 2 calendar days and emptied the universe every Monday)';

const ALGO_COLOR = 'green';
const BENCH_COLOR = 'cyan';

export function dollars(micros: Micros): string {
	return formatMicros(roundCentHalfUp(micros), 2);
}

export function percent(x: number | null, signed = true): string {
	if (x === null || !Number.isFinite(x)) return 'n/a';
	const text = `${(x * 100).toFixed(2)}%`;
	return signed && x > 0 ? `+${text}` : text;
}

function orderText(o: BacktestOrder): string {
	const sign = o.side === 'buy' ? '+' : '-';
	const mark = o.outcome === 'filled' ? '' : o.outcome === 'rejected' ? '!' : '?';
	return `${sign}${o.symbol} ${o.qty}${mark}`;
}

/** Word-wrap to `width` columns. */
export function wrap(text: string, width: number): string[] {
	const out: string[] = [];
	let line = '';
	for (const word of text.split(' ')) {
		if (line !== '' && line.length + 1 + word.length > width) {
			out.push(line);
			line = word;
		} else line = line === '' ? word : `${line} ${word}`;
	}
	if (line !== '') out.push(line);
	return out;
}

function fit(text: string, width: number): string {
	if (text.length <= width) return text.padEnd(width);
	return `${text.slice(0, Math.max(0, width - 1))}…`;
}

export function formatTextReport(result: RebalanceBacktestResult, options: TextReportOptions = {}, totals: RebalanceTotals = computeTotals(result)): string {
	const width = Math.max(60, Math.floor(options.width ?? 100));
	const height = Math.max(3, Math.floor(options.chartHeight ?? 12));
	const p = result.params;
	const lines: string[] = [];
	const benchLabel = result.bench ?? 'none';
	const range = totals.firstDate ? `${totals.firstDate} .. ${totals.lastDate}` : 'no trading days';
	lines.push(`Rebalance backtest ${range} (${totals.days} trading days, ${result.symbols} symbols ranked)`);
	lines.push(
		`cash $${dollars(p.cash)}  position size $${dollars(p.positionSize)}  max positions ${p.maxPositions}  ` +
			`benchmark: ${benchLabel}${result.bench ? '' : result.benchNote ? ` (${result.benchNote})` : ''}`,
	);
	lines.push(...wrap(STALENESS_NOTE, width));
	lines.push('');

	// Per-day table.
	const benchHead = result.bench ? `${result.bench} close` : 'bench';
	const fixed = 10 + 2 + 2 + 12 + 2 + 12 + 2 + 11;
	const ordersWidth = Math.max(10, width - fixed);
	lines.push(
		`${'date'.padEnd(10)}  ${fit('orders (+buy -sell, ! rejected, ? unfilled)', ordersWidth)}  ${'cash'.padStart(12)}  ${'equity'.padStart(12)}  ${benchHead.padStart(11)}`,
	);
	for (const day of result.days) {
		const orders = day.orders.length === 0 ? '-' : day.orders.map(orderText).join(' ');
		const bench = day.benchClose === null ? '-' : dollars(day.benchClose);
		lines.push(`${day.date}  ${fit(orders, ordersWidth)}  ${dollars(day.cash).padStart(12)}  ${dollars(day.equity).padStart(12)}  ${bench.padStart(11)}`);
	}
	if (result.days.length === 0) lines.push('(no trading days: the data needs at least two dates)');
	lines.push('');

	// Totals.
	lines.push('Totals');
	const row = (label: string, value: string, extra = '') => lines.push(`  ${label.padEnd(16)}${value.padStart(14)}${extra ? `  ${extra}` : ''}`);
	row('return', percent(totals.return), `benchmark: ${result.bench ? percent(totals.benchReturn) : 'none'}`);
	row('max drawdown', percent(totals.maxDrawdown, false), result.bench ? `benchmark: ${percent(totals.benchMaxDrawdown, false)}` : '');
	row('trades', String(totals.fills), `${totals.buys} buys, ${totals.sells} sells; ${totals.rejected} rejected, ${totals.expired} unfilled`);
	row('win rate', totals.winRate === null ? 'n/a' : percent(totals.winRate, false), `${totals.wins} of ${totals.roundTrips} round trips sold above cost`);
	row('realized P&L', formatUsd(totals.realizedPnl));
	row('final cash', formatUsd(totals.finalCash));
	row('final equity', formatUsd(totals.finalEquity));
	lines.push('');

	// Chart: performance in percent since the baseline day.
	const base = p.cash;
	const algo = result.equity.map(pt => (base > 0 ? (pt.equity / base - 1) * 100 : 0));
	const benchBase = result.equity[0]?.benchClose ?? null;
	const benchSeries =
		result.bench && benchBase ? fillGaps(result.equity.map(pt => (pt.benchClose === null ? null : (pt.benchClose / benchBase - 1) * 100))) : null;
	if (algo.length < 2) {
		lines.push('(not enough days to plot)');
	} else {
		const color = options.color === true;
		const fmt = (x: number) => `${x.toFixed(2)}%`;
		if (benchSeries) {
			if (color) {
				lines.push(`Performance since ${result.equity[0]!.date}: ${colorize('algo', ALGO_COLOR)} vs ${colorize(result.bench!, BENCH_COLOR)} (%)`);
				lines.push(lineChart([algo, benchSeries], {height, width, colors: [ALGO_COLOR, BENCH_COLOR], format: fmt}));
			} else {
				// Without colors two lines on one chart cannot be told apart: two charts, one scale.
				const min = Math.min(...algo, ...benchSeries);
				const max = Math.max(...algo, ...benchSeries);
				lines.push(`Performance since ${result.equity[0]!.date} (%), algo:`);
				lines.push(lineChart([algo], {height, width, min, max, format: fmt}));
				lines.push(`benchmark ${result.bench} (same scale):`);
				lines.push(lineChart([benchSeries], {height, width, min, max, format: fmt}));
			}
		} else {
			lines.push(`Performance since ${result.equity[0]!.date} (%), algo (benchmark: none):`);
			lines.push(lineChart([algo], {height, width, colors: color ? [ALGO_COLOR] : [], format: fmt}));
		}
	}
	if (options.journalPath) {
		lines.push('');
		lines.push(`journal: ${options.journalPath}`);
	}
	return `${lines.join('\n')}\n`;
}
