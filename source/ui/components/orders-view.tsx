/**
 * The `o` view: the selected symbol's recent orders with their status and fills, newest first,
 * in place of the panel grid (same height, so the frame does not move). Arrows pick another
 * symbol; `o` or Esc closes it.
 */
import {memo} from 'react';
import {Box} from 'ink';
import type {OrderRecord, SymbolView} from '../../engine/snapshot.js';
import {formatClock, formatPrice, formatQty} from '../format.js';
import {useTheme, type ColorName, type Theme} from '../hooks/use-theme.js';
import {Block, fitSegments, safeText, type Segment} from './line.js';

const STATUS_COLORS: Readonly<Partial<Record<OrderRecord['status'], ColorName>>> = {
	filled: 'green',
	partially_filled: 'yellow',
	rejected: 'red',
	refused: 'red',
	canceled: 'gray',
	expired: 'gray',
};

const STATUS_TEXT: Readonly<Record<OrderRecord['status'], string>> = {
	sent: 'sent',
	new: 'open',
	partially_filled: 'partial',
	filled: 'filled',
	canceled: 'canceled',
	rejected: 'rejected',
	expired: 'expired',
	replaced: 'replaced',
	refused: 'refused',
};

/** One order as a line: time, side, qty, type and price, status, fills @ average, reason. */
export function orderRowSegments(order: OrderRecord, theme: Theme): Segment[] {
	const price = order.type === 'limit' && order.limitPrice !== null ? `lmt ${formatPrice(order.limitPrice)}` : 'mkt';
	const fills = order.filledQty > 0 && order.avgFillPrice !== null ? `${formatQty(order.filledQty)} @ ${formatPrice(order.avgFillPrice)}` : '';
	return [
		{text: `${formatClock(order.submittedMs)} `, dim: theme.enabled},
		{text: order.side.padEnd(5), bold: true, color: theme.color(order.side === 'buy' ? 'green' : 'red')},
		{text: `${formatQty(order.qty).padStart(6)} ${price.padEnd(12)} `},
		{text: STATUS_TEXT[order.status].padEnd(9), bold: true, color: theme.color(STATUS_COLORS[order.status])},
		{text: fills.padEnd(16)},
		{text: order.reason ?? 'found at broker', dim: theme.enabled},
		...(order.message ? [{text: ` ${safeText(order.message)}`, color: theme.color('red')}] : []),
	];
}

export interface OrdersViewProps {
	readonly view: SymbolView | null;
	readonly width: number;
	readonly height: number;
}

function OrdersViewView({view, width, height}: OrdersViewProps) {
	const theme = useTheme();
	const inner = Math.max(1, width - 4);
	const orders = view?.orders ?? [];
	// Border (2), title and column heads take four lines.
	const room = Math.max(0, height - 4);
	const shown = orders.slice(-room).reverse();
	const title: Segment[] = [
		{text: `Orders · ${safeText(view?.symbol ?? '-')}`, bold: true},
		{text: ` (${orders.length === 0 ? 'none yet' : `newest first, ${shown.length} of ${orders.length}`}; ←→ other symbol · o/Esc close)`, dim: theme.enabled},
	];
	const head: Segment[] = [{text: 'time     side     qty type/price   status   filled           reason', dim: theme.enabled}];
	return (
		<Box flexDirection="column" width={width} height={height} flexShrink={0} borderStyle="double" borderColor={theme.color('cyan')} paddingX={1}>
			<Block lines={[title, head, ...shown.map(order => fitSegments(orderRowSegments(order, theme), inner))].slice(0, Math.max(0, height - 2))} width={inner} />
		</Box>
	);
}

export const OrdersView = memo(
	OrdersViewView,
	(a, b) => a.width === b.width && a.height === b.height && a.view?.symbol === b.view?.symbol && a.view?.orders === b.view?.orders,
);
