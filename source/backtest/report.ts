/** Text and JSON reports of a minute-bar or tick backtest (same result shape for both). */
import {reportJson} from '../core/json-keys.js';
import {plotSeries} from '../core/ascii-plot.js';
import type {HftSymbolResult} from './hft-backtest.js';
import type {ScalpBacktestResult} from './scalp-backtest.js';

const money = (v: number) => (v < 0 ? '-' : '') + '$' + Math.abs(v).toFixed(2);
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function table(rows: string[][], alignRight: boolean[]): string {
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)));
	return rows
		.map(r =>
			r
				.map((cell, c) => (alignRight[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

export interface ReportHeader {
	readonly title: string;
	readonly lines: readonly string[];
	/** Terminal columns the table and chart must fit (default 80, also when piped). */
	readonly width?: number;
}

/** Columns an equity chart's value labels and axis take ("  $100023.80 ┤"), and one to spare. */
const CHART_LABEL_COLUMNS = 16;
/** The widest equity chart: more points than this add nothing readable. */
const MAX_CHART_POINTS = 72;

/** The terminal width a text report is laid out for: stdout's when it is a terminal, else 80. */
export function reportWidth(stdout: {readonly columns?: number}): number {
	return stdout.columns && stdout.columns > 0 ? stdout.columns : 80;
}

export function formatBacktestReport(result: ScalpBacktestResult, header: ReportHeader): string {
	const out: string[] = [header.title, ...header.lines, ''];
	// Labels short enough for the table to fit 80 columns.
	const rows: string[][] = [['symbol', 'round trips', 'win rate', 'realized P&L', 'max drawdown', 'in market', 'end qty']];
	for (const s of result.symbols) {
		rows.push([s.symbol, String(s.roundTrips), pct(s.winRate), money(s.realizedPnl), money(s.maxDrawdown), pct(s.timeInMarket), String(s.finalPosition)]);
	}
	const t = result.total;
	rows.push(['TOTAL', String(t.roundTrips), pct(t.winRate), money(t.realizedPnl), money(t.maxDrawdown), pct(t.timeInMarket), '']);
	out.push(table(rows, [false, true, true, true, true, true, true]));
	// The tick-taker scales in and out: its fills say what happened when it is rarely flat.
	for (const s of result.symbols) {
		const h = (s as Partial<HftSymbolResult>).hft;
		if (!h) continue;
		const held = s.finalPosition !== 0 ? `, ${s.finalPosition} shares held at the end` : '';
		out.push(
			`${s.symbol} tick-taker: ${h.executions} executions (${h.sharesBought} shares bought, ${h.sharesSold} sold); a round trip is a return to flat: ${s.roundTrips}${held}`,
		);
	}
	out.push('');
	out.push(
		`sessions ${t.sessions}, bars ${t.bars}; cash ${money(t.startCash)} -> ${money(t.finalCash)}; equity ${money(t.finalEquity)} (${t.finalEquity >= t.startCash ? '+' : ''}${money(t.finalEquity - t.startCash)})`,
	);
	out.push(`unrealized P&L ${money(t.unrealizedPnl)}; max drawdown of equity ${money(t.maxDrawdown)} (${(t.maxDrawdownPct * 100).toFixed(3)}%)`);
	const points = Math.max(20, Math.min(MAX_CHART_POINTS, (header.width ?? 80) - CHART_LABEL_COLUMNS));
	const chart = plotSeries([result.equity.values], {height: 10, width: points, format: v => money(v).padStart(12)});
	if (chart) {
		out.push('', 'equity', chart);
	}
	return out.join('\n') + '\n';
}

export function backtestReportJson(result: ScalpBacktestResult, meta: Record<string, unknown>): string {
	return reportJson({
		...meta,
		symbols: result.symbols,
		total: result.total,
		equity: result.equity.times.map((t, i) => ({ts: new Date(t).toISOString(), equity: result.equity.values[i]})),
	});
}
