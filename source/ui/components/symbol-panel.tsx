/**
 * Panel of one scalping symbol: price and change since the session open, a legend line with
 * the SMA's value (and the custom signal's name), the chart of closes with the SMA, strategy
 * state, open order, position, realized P&L, trade count, and SYNTHETIC / PAUSED marks.
 */
import {memo} from 'react';
import type {OpenOrderView, PositionView, SymbolView} from '../../engine/snapshot.js';
import {formatAge, formatChange, formatPnl, formatPrice, formatQty, truncate} from '../format.js';
import {useTheme, type ColorName, type Theme} from '../hooks/use-theme.js';
import {PANEL_BASE_LINES} from '../layout.js';
import {Chart, SMA_GLYPH} from './chart.js';
import {Block, leftRight, safeText, segmentsWidth, type Segment} from './line.js';
import {PanelFrame, panelInnerWidth} from './panel-frame.js';

export const STATE_COLORS: Readonly<Record<string, ColorName>> = {
	TO_BUY: 'blue',
	BUY_SUBMITTED: 'yellow',
	TO_SELL: 'magenta',
	SELL_SUBMITTED: 'cyan',
	ARMED: 'green',
	DISARMED: 'gray',
};

/** Lines of a panel without a chart: border (2), title, legend and three info lines. */
export const PANEL_BODY_LINES = PANEL_BASE_LINES;

/** Change since the open as a percentage of the open ("+0.67%"), or '' when unknown. */
export function changePercent(last: number | null, change: number | null): string {
	if (last === null || change === null || !Number.isFinite(last) || !Number.isFinite(change)) return '';
	const open = last - change;
	if (!(open > 0)) return '';
	const percent = (change / open) * 100;
	const text = Math.abs(percent).toFixed(2);
	if (Number(text) === 0) return '0.00%';
	return `${percent < 0 ? '-' : '+'}${text}%`;
}

/**
 * Symbol, last price, change since the session open (and its percentage when there is room)
 * on the left; SYNTHETIC, PAUSED and anything in `right` on the right.
 */
export function titleSegments(view: SymbolView, width: number, theme: Theme, right: readonly Segment[] = []): Segment[] {
	// Keep room for the price even with a very long symbol.
	const symbol = truncate(safeText(view.symbol), Math.max(6, width - 22));
	const color = theme.pnl(view.change);
	const left: Segment[] = [{text: symbol, bold: true}, {text: ` ${formatPrice(view.lastPrice)}`}, {text: ` ${formatChange(view.change)}`, color}];
	const marks: Segment[] = [...right];
	const mark = (segment: Segment): void => {
		if (marks.length > 0) marks.push({text: ' '});
		marks.push(segment);
	};
	if (view.synthetic) mark({text: 'SYNTHETIC', bold: true, color: theme.color('magenta')});
	if (view.paused) mark({text: 'PAUSED', bold: true, color: theme.color('yellow'), inverse: theme.enabled});
	const percent = changePercent(view.lastPrice, view.change);
	const withPercent = percent ? [...left, {text: ` ${percent}`, color}] : left;
	return leftRight(segmentsWidth(withPercent) + segmentsWidth(marks) + 1 <= width ? withPercent : left, marks, width);
}

/** The last finite value of a series, or null. */
export function lastFinite(values: readonly number[]): number | null {
	for (let index = values.length - 1; index >= 0; index--) {
		const value = values[index]!;
		if (Number.isFinite(value)) return value;
	}
	return null;
}

/**
 * The chart's legend and the SMA as a figure: "─ price  · SMA20 187.02", and on the right the
 * custom signal's name when one is configured.
 */
export function legendSegments(view: SymbolView, width: number, theme: Theme, smaLength: number, signalName: string | null): Segment[] {
	const sma = lastFinite(view.sma);
	const label = `SMA${smaLength}`;
	const value = sma === null ? 'warming up' : formatPrice(sma);
	const full: Segment[] = [
		{text: '─', color: theme.color('cyan')},
		{text: ' price  ', dim: theme.enabled},
		{text: SMA_GLYPH, color: theme.color('yellow'), bold: true},
		{text: ` ${label} `, dim: theme.enabled},
		{text: value},
	];
	const short: Segment[] = [
		{text: '─', color: theme.color('cyan')},
		{text: 'px ', dim: theme.enabled},
		{text: SMA_GLYPH, color: theme.color('yellow'), bold: true},
		{text: `${label} `, dim: theme.enabled},
		{text: sma === null ? '--' : formatPrice(sma)},
	];
	const right: Segment[] = signalName
		? [
				{text: 'signal ', dim: theme.enabled},
				{text: safeText(signalName), bold: true},
			]
		: [];
	if (segmentsWidth(full) + segmentsWidth(right) + 1 <= width) return leftRight(full, right, width);
	return leftRight(short, right.length > 0 && segmentsWidth(short) + segmentsWidth(right) + 1 > width ? [right[1]!] : right, width);
}

export function orderText(order: OpenOrderView | null, width: number): string {
	if (!order) return 'none';
	const qty = order.filledQty > 0 ? `${formatQty(order.filledQty)}/${formatQty(order.qty)}` : formatQty(order.qty);
	const price = order.type === 'limit' && order.limitPrice !== null ? ` @ ${formatPrice(order.limitPrice)}` : '';
	const full = `${order.side} ${order.type} ${qty}${price} · ${formatAge(order.ageMs)}`;
	if (full.length <= width) return full;
	const type = order.type === 'limit' ? 'lmt' : 'mkt';
	const shortPrice = order.type === 'limit' && order.limitPrice !== null ? `@${formatPrice(order.limitPrice)}` : '';
	return `${order.side} ${type} ${qty}${shortPrice} ${formatAge(order.ageMs)}`;
}

export function positionSegments(position: PositionView | null, theme: Theme): Segment[] {
	if (!position || position.qty === 0) return [{text: 'flat', dim: theme.enabled}];
	return [
		{text: `${formatQty(position.qty)} @ ${formatPrice(position.avgPrice)} · unreal `},
		{text: formatPnl(position.unrealizedPnl), color: theme.pnl(position.unrealizedPnl)},
	];
}

export function stateSegments(view: SymbolView, width: number, theme: Theme): Segment[] {
	const state: Segment = {text: view.state, bold: true, color: theme.color(STATE_COLORS[safeText(view.state)])};
	const pnl: Segment = {text: formatPnl(view.realizedPnl), color: theme.pnl(view.realizedPnl)};
	const full = [state, {text: '  real '}, pnl, {text: ` · ${view.trades} ${view.trades === 1 ? 'trade' : 'trades'}`}];
	if (segmentsWidth(full) <= width) return full;
	return [state, {text: ' '}, pnl, {text: ` ${view.trades}tr`}];
}

export function scalpLines(view: SymbolView, width: number, theme: Theme): Segment[][] {
	const order = orderText(view.openOrder, width - 5);
	// A long order text on a narrow panel goes without its label rather than losing its age.
	const orderLine: Segment[] =
		order.length > width - 5 && view.openOrder
			? [{text: orderText(view.openOrder, width)}]
			: [
					{text: 'ord  ', dim: theme.enabled},
					{text: order, dim: theme.enabled && !view.openOrder},
				];
	return [stateSegments(view, width, theme), orderLine, [{text: 'pos  ', dim: theme.enabled}, ...positionSegments(view.position, theme)]];
}

export interface SymbolPanelProps {
	readonly view: SymbolView;
	readonly width: number;
	/** Chart lines (0 none, 1 sparkline, >= 3 chart); the panel is PANEL_BODY_LINES + chartLines tall. */
	readonly chartLines: number;
	readonly selected: boolean;
	/** Bars in the SMA (legend label). */
	readonly smaLength?: number;
	/** The custom signal's name, or null for the SMA crossover. */
	readonly signalName?: string | null;
}

function SymbolPanelView({view, width, chartLines, selected, smaLength = 20, signalName = null}: SymbolPanelProps) {
	const theme = useTheme();
	const inner = panelInnerWidth(width);
	return (
		<PanelFrame width={width} height={PANEL_BODY_LINES + chartLines} selected={selected} paused={view.paused}>
			<Block lines={[titleSegments(view, inner, theme), legendSegments(view, inner, theme, smaLength, signalName)]} width={inner} />
			{chartLines > 0 ? <Chart closes={view.closes} sma={view.sma} width={inner} lines={chartLines} colors={theme.enabled} /> : null}
			<Block lines={scalpLines(view, inner, theme)} width={inner} />
		</PanelFrame>
	);
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let index = 0; index < a.length; index++) if (!Object.is(a[index], b[index])) return false;
	return true;
}

function sameOrder(a: OpenOrderView | null, b: OpenOrderView | null): boolean {
	if (a === b) return true;
	if (!a || !b) return false;
	return (
		a.clientOrderId === b.clientOrderId &&
		a.side === b.side &&
		a.type === b.type &&
		a.qty === b.qty &&
		a.filledQty === b.filledQty &&
		a.limitPrice === b.limitPrice &&
		// The age is shown in whole seconds.
		Math.floor(a.ageMs / 1000) === Math.floor(b.ageMs / 1000)
	);
}

function samePosition(a: PositionView | null, b: PositionView | null): boolean {
	if (a === b) return true;
	if (!a || !b) return false;
	return a.qty === b.qty && a.avgPrice === b.avgPrice && Object.is(a.unrealizedPnl, b.unrealizedPnl);
}

/**
 * True when two views render the same: snapshots are rebuilt every frame, so compare values,
 * not references (this is what lets unchanged panels skip rendering).
 */
export function sameSymbolView(a: SymbolView, b: SymbolView): boolean {
	if (a === b) return true;
	const ai = a.hft;
	const bi = b.hft;
	const sameHft =
		ai === bi ||
		(ai !== null &&
			bi !== null &&
			ai.bidPrice === bi.bidPrice &&
			ai.bidSize === bi.bidSize &&
			ai.askPrice === bi.askPrice &&
			ai.askSize === bi.askSize &&
			ai.spread === bi.spread &&
			ai.threshold === bi.threshold &&
			ai.armed === bi.armed &&
			ai.pendingBuy === bi.pendingBuy &&
			ai.pendingSell === bi.pendingSell &&
			ai.maxQty === bi.maxQty &&
			(ai.lastActions === bi.lastActions ||
				(ai.lastActions.length === bi.lastActions.length && ai.lastActions.every((action, index) => action === bi.lastActions[index]))));
	return (
		a.symbol === b.symbol &&
		a.strategy === b.strategy &&
		a.state === b.state &&
		a.paused === b.paused &&
		a.synthetic === b.synthetic &&
		Object.is(a.lastPrice, b.lastPrice) &&
		Object.is(a.change, b.change) &&
		Object.is(a.realizedPnl, b.realizedPnl) &&
		a.trades === b.trades &&
		sameOrder(a.openOrder, b.openOrder) &&
		samePosition(a.position, b.position) &&
		sameHft &&
		sameNumbers(a.closes, b.closes) &&
		sameNumbers(a.sma, b.sma)
	);
}

export function samePanelProps(a: SymbolPanelProps, b: SymbolPanelProps): boolean {
	return (
		a.width === b.width &&
		a.chartLines === b.chartLines &&
		a.selected === b.selected &&
		a.smaLength === b.smaLength &&
		a.signalName === b.signalName &&
		sameSymbolView(a.view, b.view)
	);
}

export const SymbolPanel = memo(SymbolPanelView, samePanelProps);
