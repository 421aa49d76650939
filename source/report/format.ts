/** The report as text (a table per mode) and as JSON. */
import type {StatsView} from './book.js';
import type {Report} from './report.js';

const money = (v: number) => `${v < 0 ? '-' : v > 0 ? '+' : ''}$${Math.abs(v).toFixed(2)}`;
const maybe = (v: number | null, f: (x: number) => string) => (v === null ? '—' : f(v));

function table(rows: string[][]): string {
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)));
	return rows
		.map(r =>
			r
				.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

/** A row's figures. With fees: the fees and the net P&L (realized minus fees) instead of realized. */
function cells(s: StatsView, withFees: boolean): string[] {
	return [
		String(s.trades),
		maybe(s.winRate, v => `${(v * 100).toFixed(1)}%`),
		...(withFees ? [`$${s.fees.toFixed(2)}`, money(s.netPnl)] : [money(s.realizedPnl)]),
		maybe(s.profitFactor, v => v.toFixed(2)),
		maybe(s.avgWin, money),
		maybe(s.avgLoss, money),
		`$${s.maxDrawdown.toFixed(2)}`,
	];
}

export function formatReport(report: Report, header: {journals: readonly string[]; params: ReadonlyMap<string, readonly string[]>}): string {
	const range = report.from || report.to ? `, ${report.from ?? '…'}..${report.to ?? '…'}` : '';
	const out = [
		`scalp-tui report: ${header.journals.length} journal${header.journals.length === 1 ? '' : 's'} (${header.journals.join(', ')}), by ${report.by}${range}`,
	];
	if (report.modes.length === 0) out.push('', 'no sessions or fills in these journals');
	for (const m of report.modes) {
		// Fees only when some fill paid one (commission-free fills would add a column of zeros and
		// a net column equal to realized): the table then fits 80 columns.
		const withFees = m.total.fees !== 0;
		const fees = withFees ? '; net = realized - fees' : '; no fees recorded';
		out.push('', `${m.mode.toUpperCase()} (${m.runs} run${m.runs === 1 ? '' : 's'}; modes are never added together${fees})`);
		for (const p of header.params.get(m.mode) ?? []) out.push(`params ${p}`);
		const rows = [[report.by, 'trades', 'win %', ...(withFees ? ['fees', 'net'] : ['realized']), 'profit factor', 'avg win', 'avg loss', 'max DD']];
		if (report.by !== 'mode') for (const g of m.groups) rows.push([g.key, ...cells(g.stats, withFees)]);
		rows.push(['TOTAL', ...cells(m.total, withFees)]);
		out.push(table(rows));
		if (m.openPositions.length > 0) out.push(`still held at the end: ${m.openPositions.map(o => `${o.symbol} ${o.qty} (${o.strategy})`).join(', ')}`);
	}
	if (report.unmatchedSellQty > 0)
		out.push('', `${report.unmatchedSellQty} shares sold that the journals do not show bought (positions from before them): no P&L counted for those`);
	if (report.unknownSide > 0) out.push('', `${report.unknownSide} fills of orders the journals do not describe were skipped`);
	return out.join('\n') + '\n';
}

export function reportJson(report: Report, header: {journals: readonly string[]; params: ReadonlyMap<string, readonly string[]>}): string {
	return (
		JSON.stringify({journals: header.journals, ...report, modes: report.modes.map(m => ({...m, params: header.params.get(m.mode) ?? []}))}, null, 2) + '\n'
	);
}
