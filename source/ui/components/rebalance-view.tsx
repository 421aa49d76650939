/**
 * Console view of `scalp-tui rebalance`: the ranked candidates, current holdings and the planned
 * orders with their fill progress, over a plain snapshot (strategies/rebalance/snapshot.ts).
 * Every line is cut to `width`, and the candidate list is capped so the frame stays shorter than
 * the terminal (a frame as tall as the screen makes Ink clear it on every update).
 */
import {Box, Text} from 'ink';
import type {OrderRow, RebalanceSnapshot} from '../../strategies/rebalance/snapshot.js';

export interface RebalanceViewProps {
	readonly snapshot: RebalanceSnapshot;
	/** Columns available (default 80, at least 30). */
	readonly width?: number;
	/** Most candidate rows shown (default 10); the rest are summarised in one line. */
	readonly maxCandidates?: number;
	/** Most holding rows shown (default 10). */
	readonly maxHoldings?: number;
}

const PHASE_TEXT: Record<RebalanceSnapshot['phase'], string> = {
	starting: 'starting',
	waiting_open: 'waiting for the open',
	already_done: 'done for today',
	planning: 'planning',
	selling: 'selling',
	buying: 'buying',
	done: 'done',
	dry_run: 'dry run',
	error: 'error',
};

const STATUS_COLOR: Record<OrderRow['status'], string | undefined> = {
	planned: 'gray',
	submitted: 'yellow',
	new: 'yellow',
	partially_filled: 'yellow',
	filled: 'green',
	canceled: 'red',
	rejected: 'red',
	expired: 'red',
};

function cut(text: string, width: number): string {
	return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1))}…`;
}

/** Dollars to the cent for display (x * 100 rounds 105.595 up, as the exact value would). */
function usd(x: number | null): string {
	return x === null || !Number.isFinite(x) ? '-' : (Math.round(x * 100) / 100).toFixed(2);
}

/** `[####----]` of `filled / qty`, `cells` wide inside the brackets. */
export function progressBar(filled: number, qty: number, cells: number): string {
	const n = Math.max(1, cells);
	const done = qty > 0 ? Math.min(n, Math.round((filled / qty) * n)) : 0;
	return `[${'#'.repeat(done)}${'-'.repeat(n - done)}]`;
}

function Line({text, width, color, bold, dim}: {text: string; width: number; color?: string; bold?: boolean; dim?: boolean}) {
	return (
		<Text wrap="truncate-end" color={color} bold={bold} dimColor={dim}>
			{cut(text, width)}
		</Text>
	);
}

export function RebalanceView({snapshot, width = 80, maxCandidates = 10, maxHoldings = 10}: RebalanceViewProps) {
	const w = Math.max(30, Math.floor(width));
	const s = snapshot;
	const title =
		`Rebalance · ${s.mode}${s.dryRun ? ' (dry run)' : ''} · ${s.date ?? '-'} · ${PHASE_TEXT[s.phase]}` + (s.cash === null ? '' : ` · cash $${usd(s.cash)}`);
	const shown = s.candidates.slice(0, Math.max(0, maxCandidates));
	const moreCandidates = s.candidates.length - shown.length;
	const holdings = s.holdings.slice(0, Math.max(0, maxHoldings));
	const barCells = Math.max(4, Math.min(20, w - 48));
	return (
		<Box flexDirection="column" width={w}>
			<Line text={title} width={w} bold />
			{s.message ? <Line text={s.message} width={w} color={s.phase === 'error' ? 'red' : undefined} dim={s.phase !== 'error'} /> : null}
			<Box marginTop={1} flexDirection="column">
				<Line
					text={s.prevDate ? `Ranked: ${s.scored} of ${s.universe} symbols with a bar on ${s.prevDate}; top ${s.candidates.length}` : 'Ranked: -'}
					width={w}
					bold
				/>
				{shown.length === 0 ? <Line text="  (none yet)" width={w} dim /> : null}
				{shown.map(c => (
					<Line
						key={c.symbol}
						text={`  ${String(c.rank).padStart(3)}  ${c.symbol.padEnd(6)} ${(c.score * 100).toFixed(2).padStart(7)}%  ${usd(c.last).padStart(9)}  ${
							c.eligible ? (c.held ? 'held' : 'candidate') : 'above cash'
						}`}
						width={w}
						color={c.eligible ? undefined : 'gray'}
					/>
				))}
				{moreCandidates > 0 ? <Line text={`  … ${moreCandidates} more`} width={w} dim /> : null}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Line text={`Holdings: ${s.holdings.length}`} width={w} bold />
				{holdings.map(h => (
					<Line key={h.symbol} text={`  ${h.symbol.padEnd(6)} ${String(h.qty).padStart(7)}  avg ${usd(h.avgPrice).padStart(9)}`} width={w} />
				))}
				{s.holdings.length > holdings.length ? <Line text={`  … ${s.holdings.length - holdings.length} more`} width={w} dim /> : null}
			</Box>
			<Box marginTop={1} flexDirection="column">
				<Line text={`Orders: ${s.orders.length === 0 ? 'none' : `${s.orders.length} (sells first)`}`} width={w} bold />
				{s.orders.map(o => (
					<Line
						key={o.clientOrderId}
						text={`  ${o.side.padEnd(4)} ${o.symbol.padEnd(6)} ${String(o.qty).padStart(6)} ${progressBar(o.filledQty, o.qty, barCells)} ${String(
							o.filledQty,
						).padStart(6)}/${o.qty} ${o.status.replace('_', ' ')}${o.avgPrice === null ? '' : ` @ ${usd(o.avgPrice)}`}${o.message ? ` (${o.message})` : ''}`}
						width={w}
						color={STATUS_COLOR[o.status]}
					/>
				))}
			</Box>
			{s.wait ? (
				<Line
					text={`Waiting for ${s.wait.side}s: ${s.wait.pending} pending, ${Math.round(s.wait.elapsedMs / 1000)} s of ${Math.round(s.wait.limitMs / 1000)} s`}
					width={w}
					color="yellow"
				/>
			) : null}
		</Box>
	);
}
