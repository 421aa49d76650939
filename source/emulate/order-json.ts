/**
 * Emulator state as Alpaca JSON: orders (money and quantities as strings, RFC 3339 times,
 * null for what does not apply), positions, and trade-update payloads.
 */
import type {Micros} from '../core/money.js';
import type {Order, Position} from '../core/types.js';
import {assetId} from './ids.js';
import type {OrderRecord} from './order-registry.js';
import {money, price, ratio, rfc3339, stampText, type Stamp} from './wire-format.js';

export type Json = Record<string, unknown>;

/** An order as a client sees it; `view` substitutes a different moment (split fills). */
export function orderJson(record: OrderRecord, view: {order?: Order; filledAt?: Stamp | null; updated?: Stamp} = {}): Json {
	const order = view.order ?? record.order;
	const filledAt = view.filledAt === undefined ? record.filledAt : view.filledAt;
	const avg = order.filledQty > 0 ? price(Math.round(order.filledNotional / order.filledQty)) : null;
	return {
		id: record.uuid,
		client_order_id: order.clientOrderId,
		created_at: stampText(record.created),
		updated_at: stampText(view.updated ?? record.updated),
		submitted_at: stampText(record.created),
		filled_at: stampText(filledAt),
		expired_at: stampText(record.expiredAt),
		canceled_at: stampText(record.canceledAt),
		failed_at: stampText(record.failedAt),
		replaced_at: stampText(record.replacedAt),
		replaced_by: record.replacedBy,
		replaces: record.replaces,
		asset_id: record.assetId,
		symbol: order.symbol,
		asset_class: 'us_equity',
		notional: null,
		qty: String(order.qty),
		filled_qty: String(order.filledQty),
		filled_avg_price: avg,
		order_class: '',
		order_type: order.type,
		type: order.type,
		side: order.side,
		position_intent: order.side === 'buy' ? 'buy_to_open' : 'sell_to_close',
		time_in_force: order.timeInForce,
		limit_price: order.limitPrice === null ? null : price(order.limitPrice),
		stop_price: null,
		status: order.status,
		extended_hours: record.extendedHours,
		legs: null,
		trail_percent: null,
		trail_price: null,
		hwm: null,
		subtag: null,
		source: null,
		expires_at: rfc3339(record.expiresAtMs),
	};
}

export interface PositionView {
	readonly position: Position;
	/** Last trade price; the average entry when no trade is known yet. */
	readonly lastPrice: Micros;
	/** Close of the previous session; the last price when there is none. */
	readonly lastdayPrice: Micros;
	readonly qtyAvailable: number;
}

export function positionJson(view: PositionView): Json {
	const {position, lastPrice, lastdayPrice} = view;
	const qty = position.qty;
	const marketValue = qty * lastPrice;
	const pl = marketValue - position.costBasis;
	const intradayBase = qty * lastdayPrice;
	const intradayPl = marketValue - intradayBase;
	return {
		asset_id: assetId(position.symbol),
		symbol: position.symbol,
		exchange: 'NASDAQ',
		asset_class: 'us_equity',
		asset_marginable: false,
		qty: String(qty),
		qty_available: String(view.qtyAvailable),
		avg_entry_price: price(qty === 0 ? 0 : Math.round(position.costBasis / qty)),
		side: qty >= 0 ? 'long' : 'short',
		market_value: money(marketValue),
		cost_basis: money(position.costBasis),
		unrealized_pl: money(pl),
		unrealized_plpc: ratio(position.costBasis === 0 ? 0 : pl / position.costBasis),
		unrealized_intraday_pl: money(intradayPl),
		unrealized_intraday_plpc: ratio(intradayBase === 0 ? 0 : intradayPl / intradayBase),
		current_price: price(lastPrice),
		lastday_price: price(lastdayPrice),
		change_today: ratio(lastdayPrice === 0 ? 0 : (lastPrice - lastdayPrice) / lastdayPrice),
	};
}

export interface Execution {
	readonly id: string;
	readonly qty: number;
	readonly price: Micros;
	/** Signed position of the symbol after this execution. */
	readonly positionQty: number;
}

/** The `data` of a trade_updates frame. */
export function tradeUpdateJson(event: string, at: Stamp, order: Json, execution: Execution | null): Json {
	const data: Json = {event, timestamp: rfc3339(at.ms, at.ns)};
	if (execution) {
		data['execution_id'] = execution.id;
		data['price'] = price(execution.price);
		data['qty'] = String(execution.qty);
		data['position_qty'] = String(execution.positionQty);
	}
	data['order'] = order;
	return data;
}
