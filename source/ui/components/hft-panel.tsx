/**
 * Panel of the order-book-imbalance tick-taker: top of book, spread, imbalance meter, armed
 * or not, position against its cap with pending shares, trades, P&L and its last actions.
 * Same size as a scalp panel so both sit in one grid.
 */
import {memo} from 'react';
import type {HftView, SymbolView} from '../../engine/snapshot.js';
import {formatPnl, formatPrice, formatQty} from '../format.js';
import {useTheme, type Theme} from '../hooks/use-theme.js';
import {meterSegments} from './imbalance-meter.js';
import {Block, safeText, segmentsWidth, type Segment} from './line.js';
import {PanelFrame, panelInnerWidth} from './panel-frame.js';
import {PANEL_BODY_LINES, samePanelProps, STATE_COLORS, titleSegments, type SymbolPanelProps} from './symbol-panel.js';

export function bookSegments(book: HftView, width: number, theme: Theme): Segment[] {
	const full: Segment[] = [
		{text: 'bid ', dim: theme.enabled},
		{text: `${formatPrice(book.bidPrice)} × ${formatQty(book.bidSize)}`, color: theme.color('green')},
		{text: '  ask ', dim: theme.enabled},
		{text: `${formatPrice(book.askPrice)} × ${formatQty(book.askSize)}`, color: theme.color('red')},
		{text: '  spr ', dim: theme.enabled},
		{text: formatPrice(book.spread)},
	];
	if (segmentsWidth(full) <= width) return full;
	const compact = (bidSize: string, askSize: string): Segment[] => [
		{text: `${formatPrice(book.bidPrice)}×${bidSize}`, color: theme.color('green')},
		{text: '/', dim: theme.enabled},
		{text: `${formatPrice(book.askPrice)}×${askSize}`, color: theme.color('red')},
		{text: ` spr ${formatPrice(book.spread)}`},
	];
	const separated = compact(formatQty(book.bidSize), formatQty(book.askSize));
	if (segmentsWidth(separated) <= width) return separated;
	return compact(String(book.bidSize), String(book.askSize));
}

export function holdingSegments(view: SymbolView, book: HftView, width: number, theme: Theme): Segment[] {
	const held = view.position?.qty ?? 0;
	const pnl = view.realizedPnl + (view.position?.unrealizedPnl ?? 0);
	const pnlSegment: Segment = {text: formatPnl(pnl), color: theme.pnl(pnl)};
	const full: Segment[] = [
		{text: 'pos ', dim: theme.enabled},
		{text: `${formatQty(held)}/${formatQty(book.maxQty)}`},
		{text: ' pend ', dim: theme.enabled},
		{text: `+${formatQty(book.pendingBuy)}/-${formatQty(book.pendingSell)}`},
		{text: ` · ${view.trades} tr · P&L `},
		pnlSegment,
	];
	if (segmentsWidth(full) <= width) return full;
	// Narrow: position/cap, pending buy/sell, trades, P&L without labels.
	return [{text: `${formatQty(held)}/${formatQty(book.maxQty)} +${formatQty(book.pendingBuy)}/-${formatQty(book.pendingSell)} ${view.trades}tr `}, pnlSegment];
}

/** Every line of the panel body after the title, in priority order (cut from the end). */
export function hftLines(view: SymbolView, book: HftView, width: number, bodyLines: number, theme: Theme): Segment[][] {
	const lines: Segment[][] = [bookSegments(book, width, theme), meterSegments(book, width, theme), holdingSegments(view, book, width, theme)];
	const actionSlots = Math.max(0, bodyLines - lines.length);
	if (actionSlots > 0) {
		const shown = book.lastActions.slice(-actionSlots);
		if (shown.length === 0) lines.push([{text: 'no actions yet', dim: theme.enabled}]);
		for (const [index, action] of shown.entries()) {
			const newest = index === shown.length - 1;
			lines.push([
				{text: newest ? '› ' : '  ', dim: theme.enabled},
				{text: safeText(action), dim: theme.enabled && !newest},
			]);
		}
	}
	return lines.slice(0, bodyLines);
}

function HftPanelView({view, width, chartLines, selected}: SymbolPanelProps) {
	const theme = useTheme();
	const inner = panelInnerWidth(width);
	const book = view.hft;
	const armed = book?.armed ?? view.state === 'ARMED';
	const state = armed ? 'ARMED' : 'DISARMED';
	const title = titleSegments(view, inner, theme, [{text: state, bold: true, color: theme.color(STATE_COLORS[state])}]);
	// Same height as a scalp panel: title + legend + 3 info lines + the chart's lines.
	const body = book ? hftLines(view, book, inner, PANEL_BODY_LINES - 3 + chartLines, theme) : [[{text: 'no book yet'}]];
	return (
		<PanelFrame width={width} height={PANEL_BODY_LINES + chartLines} selected={selected} paused={view.paused}>
			<Block lines={[title, ...body]} width={inner} />
		</PanelFrame>
	);
}

export const HftPanel = memo(HftPanelView, samePanelProps);
