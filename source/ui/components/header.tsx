/**
 * Two header lines: mode badge, the date being replayed (SIM), New York clock, session state,
 * countdown to the 15:55 liquidation, replay speed and connection; then equity, cash, day P&L
 * and risk state.
 */
import {memo} from 'react';
import {Box} from 'ink';
import type {EngineSnapshot} from '../../engine/snapshot.js';
import {formatClock, formatCountdown, formatPnl, formatSpeed, formatUsd} from '../format.js';
import {useTheme, type ColorName, type Theme} from '../hooks/use-theme.js';
import {Block, leftRight, safeText, segmentsWidth, type Segment} from './line.js';

export type HeaderData = Pick<
	EngineSnapshot,
	| 'mode'
	| 'nowMs'
	| 'sessionDate'
	| 'sessionState'
	| 'liquidationMs'
	| 'speed'
	| 'dayPnl'
	| 'equity'
	| 'cash'
	| 'realizedPnl'
	| 'unrealizedPnl'
	| 'connection'
	| 'risk'
	| 'finished'
	| 'params'
>;

const SESSION_TEXT: Readonly<Record<EngineSnapshot['sessionState'], string>> = {
	pre: 'pre-market',
	open: 'open',
	closed: 'closed',
};

const CONNECTION_COLORS: Readonly<Record<EngineSnapshot['connection'], ColorName>> = {
	connected: 'green',
	replay: 'green',
	connecting: 'yellow',
	reconnecting: 'yellow',
	disconnected: 'red',
};

export function clockSegments(data: HeaderData, theme: Theme, compact = false): Segment[] {
	const badgeColor: ColorName = data.mode === 'live' ? 'red' : data.mode === 'paper' ? 'yellow' : 'cyan';
	const segments: Segment[] = [{text: ` ${data.mode.toUpperCase()} `, bold: true, inverse: true, color: theme.color(badgeColor)}];
	// SIM replays recorded days: say which one (compact: month and day).
	if (data.mode === 'sim' && data.sessionDate) segments.push({text: ` ${compact ? data.sessionDate.slice(5) : data.sessionDate}`, bold: true});
	segments.push(
		{text: ` ${formatClock(data.nowMs)}${compact ? '' : ' ET'} `},
		{text: SESSION_TEXT[data.sessionState], color: theme.color(data.sessionState === 'open' ? 'green' : 'gray')},
	);
	if (data.liquidationMs !== null) {
		const left = data.liquidationMs - data.nowMs;
		// The exit time is --eod (15:55 unless changed).
		const eod = formatClock(data.liquidationMs).slice(0, 5);
		segments.push(
			left > 0
				? {
						text: compact ? ` exit ${formatCountdown(left)}` : ` · ${eod} exit in ${formatCountdown(left)}`,
						color: theme.color(left < 5 * 60_000 ? 'yellow' : undefined),
					}
				: {text: compact ? ` past ${eod}` : ` · past ${eod} exit`, color: theme.color('yellow')},
		);
	}
	if (data.mode === 'sim' && data.speed !== null) segments.push({text: compact ? ` ${formatSpeed(data.speed)}` : ` · speed ${formatSpeed(data.speed)}`});
	if (data.finished) segments.push({text: compact ? ' END' : ' · FINISHED', bold: true});
	return segments;
}

/** `compact` shortens the labels; `withCash` false leaves the cash out (equity minus positions). */
export function accountSegments(data: HeaderData, theme: Theme, compact = false, withCash = true): Segment[] {
	// The loss guard's own figure, so the header and the guard never disagree.
	const day = data.dayPnl;
	if (compact) {
		return [
			{text: 'eq '},
			{text: formatUsd(data.equity), bold: true},
			...(withCash ? [{text: ' cash '}, {text: formatUsd(data.cash)}] : []),
			{text: ' P&L '},
			{text: formatPnl(day), bold: true, color: theme.pnl(day)},
		];
	}
	return [
		{text: 'equity '},
		{text: formatUsd(data.equity), bold: true},
		{text: '  cash '},
		{text: formatUsd(data.cash)},
		{text: '  day P&L '},
		{text: formatPnl(day), bold: true, color: theme.pnl(day)},
		{text: ' (real '},
		{text: formatPnl(data.realizedPnl), color: theme.pnl(data.realizedPnl)},
		{text: ', unreal '},
		{text: formatPnl(data.unrealizedPnl), color: theme.pnl(data.unrealizedPnl)},
		{text: ')'},
	];
}

export function riskSegments(data: HeaderData, theme: Theme, compact = false): Segment[] {
	const risk = data.risk;
	if (!risk) return [];
	if (risk.killed) {
		const why = risk.tripped.length > 0 ? `: ${safeText(risk.tripped.join(', '))}` : '';
		return [{text: `RISK KILLED${why}`, bold: true, color: theme.color('red'), inverse: theme.enabled}];
	}
	if (risk.tripped.length > 0) return [{text: `risk: ${safeText(risk.tripped.join(', '))}`, color: theme.color('yellow')}];
	// The guards in force, so the operator knows them before one trips.
	const loss = risk.dailyLossLimit === null ? 'off' : `-$${Math.round(risk.dailyLossLimit)}`;
	const rate = risk.maxOrdersPerMinute === null ? 'off' : `${risk.maxOrdersPerMinute}/min`;
	const cap = risk.maxPositionUsd === null ? 'off' : `$${Math.round(risk.maxPositionUsd)}`;
	if (compact) return [{text: `loss ${loss} · ${rate} · pos ${cap}`, color: theme.color('gray')}];
	return [{text: `guards: loss ${loss} · orders ${rate} · pos ${cap}`, color: theme.color('gray')}];
}

/**
 * The account line at any width: equity and day P&L always show whole (the figures the
 * operator watches); a tripped guard or the kill switch always shows; the guards in force and
 * the cash give way first.
 */
function accountLine(data: HeaderData, theme: Theme, width: number): [Segment[], Segment[]] {
	const fits = (left: Segment[], right: Segment[]): boolean => segmentsWidth(left) + segmentsWidth(right) + 1 <= width;
	const full = accountSegments(data, theme);
	const compact = accountSegments(data, theme, true);
	const alert = data.risk !== null && (data.risk.killed || data.risk.tripped.length > 0);
	const risk = riskSegments(data, theme);
	if (fits(full, risk)) return [full, risk];
	if (fits(compact, risk)) return [compact, risk];
	if (!alert) {
		const shortRisk = riskSegments(data, theme, true);
		if (fits(compact, shortRisk)) return [compact, shortRisk];
	}
	return [accountSegments(data, theme, true, false), alert ? risk : []];
}

function HeaderView({data, width}: {readonly data: HeaderData; readonly width: number}) {
	const theme = useTheme();
	let connection: Segment[] = [{text: `● ${data.connection}`, color: theme.color(CONNECTION_COLORS[data.connection])}];
	const fits = (left: Segment[], right: Segment[]): boolean => segmentsWidth(left) + segmentsWidth(right) + 1 <= width;
	let clock = clockSegments(data, theme);
	if (!fits(clock, connection)) clock = clockSegments(data, theme, true);
	// The strategy parameters in force, beside the connection when the line has room.
	if (data.params) {
		const withParams: Segment[] = [{text: `${safeText(data.params)}  `, color: theme.color('gray')}, ...connection];
		if (fits(clock, withParams)) connection = withParams;
	}
	const [account, risk] = accountLine(data, theme, width);
	return (
		<Box flexDirection="column" width={width} height={2} flexShrink={0}>
			<Block lines={[leftRight(clock, connection, width), leftRight(account, risk, width)]} width={width} />
		</Box>
	);
}

function sameHeader(a: {data: HeaderData; width: number}, b: {data: HeaderData; width: number}): boolean {
	const x = a.data;
	const y = b.data;
	return (
		a.width === b.width &&
		x.mode === y.mode &&
		// The clock shows whole seconds.
		Math.floor(x.nowMs / 1000) === Math.floor(y.nowMs / 1000) &&
		x.sessionState === y.sessionState &&
		x.sessionDate === y.sessionDate &&
		x.liquidationMs === y.liquidationMs &&
		x.speed === y.speed &&
		Object.is(x.equity, y.equity) &&
		Object.is(x.dayPnl, y.dayPnl) &&
		Object.is(x.cash, y.cash) &&
		Object.is(x.realizedPnl, y.realizedPnl) &&
		Object.is(x.unrealizedPnl, y.unrealizedPnl) &&
		x.connection === y.connection &&
		x.finished === y.finished &&
		x.params === y.params &&
		(x.risk === y.risk || (x.risk !== null && y.risk !== null && x.risk.killed === y.risk.killed && x.risk.tripped.join('\n') === y.risk.tripped.join('\n')))
	);
}

export const Header = memo(HeaderView, sameHeader);
