/**
 * Sweep output: the ranked table, the walk-forward table, a heat map of the two main swept
 * parameters, JSON, and the progress line. Text only; nothing here depends on timing, so the
 * same results print the same bytes.
 */
import {reportJson} from '../core/json-keys.js';
import {describePoint, type GridAxis} from './grid.js';
import type {JobMetrics} from './job.js';
import type {SweepOutcome} from './sweep.js';

const money = (v: number) => `${v < 0 ? '-' : '+'}$${Math.abs(v).toFixed(2)}`;
const pct = (v: number | null) => (v === null ? '—' : `${(v * 100).toFixed(1)}%`);

function table(rows: string[][], right: boolean[]): string {
	const widths = rows[0]!.map((_, c) => Math.max(...rows.map(r => r[c]!.length)));
	return rows
		.map(r =>
			r
				.map((cell, c) => (right[c] ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
				.join('  ')
				.trimEnd(),
		)
		.join('\n');
}

function metricCells(m: JobMetrics): string[] {
	return [money(m.pnl), String(m.roundTrips), pct(m.winRate), `$${m.maxDrawdown.toFixed(2)}`, pct(m.timeInMarket)];
}
const METRIC_HEAD = ['P&L', 'trips', 'win rate', 'max DD', 'in market'];

export function formatRanked(outcome: SweepOutcome, top: number): string {
	const axes = outcome.axes;
	const rows = [['#', ...axes.map(a => a.flag.flag), ...METRIC_HEAD]];
	for (const r of outcome.ranked.slice(0, top)) rows.push([String(r.rank), ...axes.map(a => a.flag.format(r.values[a.flag.key]!)), ...metricCells(r.metrics)]);
	const more = outcome.ranked.length > top ? `\n… ${outcome.ranked.length - top} more (--top N)` : '';
	return table(rows, [true, ...axes.map(() => true), true, true, true, true, true]) + more;
}

export function formatWalkForward(outcome: SweepOutcome): string {
	const wf = outcome.walkForward!;
	const span = (days: readonly string[]) => (days.length === 1 ? days[0]! : `${days[0]}..${days[days.length - 1]}`);
	const rows = [['window', 'in-sample', 'out-of-sample', 'chosen', 'IS P&L', 'OOS P&L', 'OOS trips', 'OOS win rate', 'OOS max DD']];
	for (const o of wf.windows) {
		rows.push([
			String(o.window.index + 1),
			span(o.window.inSample),
			span(o.window.outOfSample),
			describePoint(outcome.points[o.chosen]!, outcome.axes) || '(defaults)',
			money(o.inSample.pnl),
			money(o.outOfSample.pnl),
			String(o.outOfSample.roundTrips),
			pct(o.outOfSample.winRate),
			`$${o.outOfSample.maxDrawdown.toFixed(2)}`,
		]);
	}
	const t = wf.total;
	const s = wf.stability;
	const lines = [
		`walk-forward ${wf.spec.inSample}:${wf.spec.outOfSample} trading days, ${wf.windows.length} windows; chosen on in-sample, reported out-of-sample only`,
		'',
		table(rows, [true, false, false, false, true, true, true, true, true]),
		'',
		`out-of-sample total: P&L ${money(t.pnl)}, ${t.roundTrips} round trips, win rate ${pct(t.winRate)}, worst window drawdown $${t.maxDrawdown.toFixed(2)}, ${t.sessions} sessions`,
		`stability: same parameter set in ${s.sameSet}/${s.windows} windows, ${s.changes} change${s.changes === 1 ? '' : 's'} between consecutive windows`,
		...s.params.map(p => `  ${p.flag} ${p.mode} in ${p.count}/${s.windows} windows (chosen values: ${p.values.join(', ')})`),
	];
	return lines.join('\n');
}

/** Shades from worst to best, readable without colour. */
const SHADES = [' ', '░', '▒', '▓', '█'];

/**
 * Heat map of the two main parameters (the first two swept axes with more than one value):
 * each cell the best P&L over the other axes, with a shade (and, on a colour terminal, red to
 * green) by its place between the worst and the best cell.
 */
export function formatHeatMap(outcome: SweepOutcome, options: {color: boolean}): string | null {
	const main = outcome.axes.filter(a => a.values.length > 1);
	if (main.length < 2 || outcome.ranked.length === 0) return null;
	const [rowAxis, colAxis] = main as [GridAxis, GridAxis];
	const cell = new Map<string, number>();
	for (const r of outcome.ranked) {
		const key = `${r.values[rowAxis.flag.key]}|${r.values[colAxis.flag.key]}`;
		// Ranked best first: the first seen is the best over the other axes.
		if (!cell.has(key)) cell.set(key, r.metrics.pnl);
	}
	const values = [...cell.values()];
	const lo = Math.min(...values);
	const hi = Math.max(...values);
	const texts = values.map(money);
	const width = Math.max(...texts.map(t => t.length), ...colAxis.values.map(v => colAxis.flag.format(v).length)) + 2;
	const labelWidth = Math.max(rowAxis.flag.flag.length, ...rowAxis.values.map(v => rowAxis.flag.format(v).length));
	const out = [`best P&L by ${rowAxis.flag.flag} (rows) × ${colAxis.flag.flag} (columns)${main.length > 2 ? ', best over the other parameters' : ''}`];
	out.push(' '.repeat(labelWidth) + ' ' + colAxis.values.map(v => colAxis.flag.format(v).padStart(width)).join(''));
	for (const rv of rowAxis.values) {
		let line = rowAxis.flag.format(rv).padStart(labelWidth) + ' ';
		for (const cv of colAxis.values) {
			const v = cell.get(`${rv}|${cv}`)!;
			const t = hi > lo ? (v - lo) / (hi - lo) : 1;
			const shade = SHADES[Math.min(SHADES.length - 1, Math.floor(t * SHADES.length))]!;
			const text = `${shade}${money(v)}`.padStart(width);
			if (options.color) {
				// 256-colour ramp: red (196) through yellow (226) to green (46).
				const ramp = [196, 202, 208, 214, 220, 226, 190, 154, 118, 82, 46];
				const code = ramp[Math.round(t * (ramp.length - 1))]!;
				line += `\x1b[38;5;${code}m${text}\x1b[39m`;
			} else line += text;
		}
		out.push(line);
	}
	out.push(`${SHADES.slice(1).join('')} low → high; range ${money(lo)} .. ${money(hi)}`);
	return out.join('\n');
}

export function sweepJson(outcome: SweepOutcome, meta: Record<string, unknown>): string {
	const params = (values: Record<string, number | undefined>) => Object.fromEntries(outcome.axes.map(a => [a.flag.flag, a.flag.format(values[a.flag.key]!)]));
	const body: Record<string, unknown> = {
		...meta,
		grid: Object.fromEntries(outcome.axes.map(a => [a.flag.flag, a.values.map(v => a.flag.format(v))])),
		jobs: outcome.jobs,
	};
	if (outcome.walkForward) {
		const wf = outcome.walkForward;
		body.walk_forward = {
			in_sample_days: wf.spec.inSample,
			out_of_sample_days: wf.spec.outOfSample,
			windows: wf.windows.map(o => ({
				window: o.window.index + 1,
				in_sample: o.window.inSample,
				out_of_sample: o.window.outOfSample,
				chosen: params(outcome.points[o.chosen]!),
				in_sample_metrics: o.inSample,
				out_of_sample_metrics: o.outOfSample,
			})),
			out_of_sample_total: wf.total,
			stability: wf.stability,
		};
	} else {
		body.ranked = outcome.ranked.map(r => ({rank: r.rank, params: params(r.values), ...r.metrics}));
	}
	return reportJson(body);
}

/** `[#######.....] 12/36 33% ETA 0:12` */
export function progressLine(done: number, total: number, elapsedMs: number, width = 24): string {
	const frac = total > 0 ? done / total : 1;
	const filled = Math.round(frac * width);
	const eta = done > 0 ? ((total - done) * elapsedMs) / done : Number.NaN;
	const clock = (ms: number) => {
		if (!Number.isFinite(ms)) return '--:--';
		const s = Math.round(ms / 1000);
		return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
	};
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${Math.floor(frac * 100)}% ETA ${clock(eta)}`;
}
