/**
 * Panel of one scalping symbol: price and change, chart of closes with the SMA20, strategy
 * state, open order, position, realized P&L, trade count and a PAUSED mark.
 */
import {memo} from 'react';
import type {OpenOrderView, PositionView, SymbolView} from '../../engine/snapshot.js';
import {formatAge, formatChange, formatPnl, formatPrice, formatQty, truncate} from '../format.js';
import {useTheme, type ColorName, type Theme} from '../hooks/use-theme.js';
import {Chart} from './chart.js';
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

/** Symbol, last price, change on the left; PAUSED (and anything in `right`) on the right. */
export function titleSegments(view: SymbolView, width: number, theme: Theme, right: readonly Segment[] = []): Segment[] {
	// Keep room for the price even with a very long symbol.
	const symbol = truncate(safeText(view.symbol), Math.max(6, width - 22));
	const left: Segment[] = [
		{text: symbol, bold: true},
		{text: ` ${formatPrice(view.lastPrice)}`},
		{text: ` ${formatChange(view.change)}`, color: theme.pnl(view.change)},
	];
	const marks: Segment[] = [...right];
	if (view.paused) {
		if (marks.length > 0) marks.push({text: ' '});
		marks.push({text: 'PAUSED', bold: true, color: theme.color('yellow'), inverse: theme.enabled});
	}
	return leftRight(left, marks, width);
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
			: [{text: 'ord  ', dim: theme.enabled}, {text: order, dim: theme.enabled && !view.openOrder}];
	return [
		stateSegments(view, width, theme),
		orderLine,
		[{text: 'pos  ', dim: theme.enabled}, ...positionSegments(view.position, theme)],
	];
}

export interface SymbolPanelProps {
	readonly view: SymbolView;
	readonly width: number;
	/** Chart lines (0 none, 1 sparkline, >= 3 chart); the panel is 6 + chartLines tall. */
	readonly chartLines: number;
	readonly selected: boolean;
}

function SymbolPanelView({view, width, chartLines, selected}: SymbolPanelProps) {
	const theme = useTheme();
	const inner = panelInnerWidth(width);
	return (
		<PanelFrame width={width} height={6 + chartLines} selected={selected} paused={view.paused}>
			<Block lines={[titleSegments(view, inner, theme)]} width={inner} />
			{chartLines > 0 ? (
				<Chart closes={view.closes} sma={view.sma} width={inner} lines={chartLines} colors={theme.enabled} />
			) : null}
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
	const ai = a.imbalance;
	const bi = b.imbalance;
	const sameImbalance =
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
		Object.is(a.lastPrice, b.lastPrice) &&
		Object.is(a.change, b.change) &&
		Object.is(a.realizedPnl, b.realizedPnl) &&
		a.trades === b.trades &&
		sameOrder(a.openOrder, b.openOrder) &&
		samePosition(a.position, b.position) &&
		sameImbalance &&
		sameNumbers(a.closes, b.closes) &&
		sameNumbers(a.sma, b.sma)
	);
}

export function samePanelProps(a: SymbolPanelProps, b: SymbolPanelProps): boolean {
	return a.width === b.width && a.chartLines === b.chartLines && a.selected === b.selected && sameSymbolView(a.view, b.view);
}

export const SymbolPanel = memo(SymbolPanelView, samePanelProps);
