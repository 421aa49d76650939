/**
 * Alpaca's order rules that the simulated exchange does not know: request validation with
 * Alpaca's status codes and messages (422 for bad fields, sub-penny prices, unsupported types),
 * and the 403 checks in Alpaca's order: wash trade, quantity available, buying power. The
 * buying-power and quantity rules are the exchange's own (the emulator's exchange reserves
 * buying power for open buys, as Alpaca does), checked here first so the replies carry
 * Alpaca's extra fields.
 */
import type {Micros} from '../core/money.js';
import {parseMicros} from '../core/money.js';
import type {Side, TimeInForce} from '../core/types.js';
import type {AssetBook} from './assets.js';
import {forbidden, invalidField, unprocessable} from './errors.js';
import type {OrderRecord} from './order-registry.js';
import {money} from './wire-format.js';

export interface OrderInput {
	readonly symbol: string;
	readonly side: Side;
	readonly type: 'market' | 'limit';
	readonly qty: number;
	readonly limitPrice: Micros | null;
	readonly timeInForce: TimeInForce;
	readonly extendedHours: boolean;
	/** As sent; null lets the emulator make one up. */
	readonly clientOrderId: string | null;
}

export const MAX_CLIENT_ORDER_ID = 128;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function present(value: unknown): boolean {
	return value !== undefined && value !== null && value !== '';
}

/** A number or numeric string as its text ("10", "187.25"), or null when it is neither. */
function numericText(value: unknown): string | null {
	if (typeof value === 'number') return Number.isFinite(value) ? String(value) : null;
	if (typeof value === 'string') return value.trim();
	return null;
}

/** Whole-share quantity, with Alpaca's messages for zero, negative and fractional values. */
export function parseQty(value: unknown, symbol: string, field = 'qty'): number {
	const text = numericText(value);
	if (text === null || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw invalidField(`invalid ${field}`);
	const qty = Number(text);
	if (!(qty > 0)) throw unprocessable(`${field} must be > 0`);
	if (!Number.isInteger(qty)) throw unprocessable(`asset "${symbol}" is not fractionable`);
	if (!Number.isSafeInteger(qty)) throw unprocessable(`${field} is too large`);
	return qty;
}

/**
 * A limit/stop price: at most 2 decimals at or above $1.00, at most 4 below (Alpaca's
 * increment rule), exact in micros.
 */
export function parsePrice(value: unknown, field: string): Micros {
	const text = numericText(value);
	if (text === null || !/^[+-]?(\d+\.?\d*|\.\d+)$/.test(text)) throw unprocessable(`invalid ${field} ${String(value)}`);
	const [whole = '', frac = ''] = text.replace(/^\+/, '').split('.');
	const decimals = frac.replace(/0+$/, '').length;
	if (Number(text) <= 0) throw unprocessable(`${field} must be > 0`);
	const dollars = Number(whole);
	if (decimals > 4 || (dollars >= 1 && decimals > 2)) {
		throw unprocessable(`invalid ${field} ${text}. sub-penny increment does not fulfill minimum pricing criteria`);
	}
	const micros = parseMicros(text.replace(/^\+/, ''));
	if (!Number.isFinite(micros)) throw unprocessable(`invalid ${field} ${text}`);
	return micros;
}

const UNSUPPORTED_TYPES = new Set(['stop', 'stop_limit', 'trailing_stop']);
const UNSUPPORTED_TIF = new Set(['fok', 'opg', 'cls']);

export function parseTimeInForce(value: unknown): TimeInForce {
	if (!present(value)) throw invalidField('time_in_force is required');
	if (value === 'day' || value === 'gtc' || value === 'ioc') return value;
	if (typeof value === 'string' && UNSUPPORTED_TIF.has(value)) throw unprocessable(`time_in_force ${value} is not supported by this emulator`);
	throw invalidField(`invalid time_in_force ${String(value)}`);
}

export function checkClientOrderIdText(value: unknown): string | null {
	if (!present(value)) return null;
	if (typeof value !== 'string') throw invalidField('invalid client_order_id');
	if (value.length > MAX_CLIENT_ORDER_ID) throw invalidField(`client_order_id must be no more than ${MAX_CLIENT_ORDER_ID} characters`);
	return value;
}

/** POST /v2/orders body -> a validated order (throws an ApiFailure with Alpaca's reply). */
export function parseOrderBody(body: unknown, assets: AssetBook): OrderInput {
	if (!isRecord(body)) throw invalidField('request body must be a JSON object');
	if (!present(body['symbol']) || typeof body['symbol'] !== 'string') throw invalidField('symbol is required');
	const symbol = assets.resolve(body['symbol']);
	if (symbol === null) throw invalidField(`asset "${body['symbol']}" not found`);

	const side = body['side'];
	if (!present(side)) throw invalidField('side is required');
	if (side !== 'buy' && side !== 'sell') throw invalidField(`invalid side ${String(side)}`);

	const type = body['type'] ?? body['order_type'];
	if (!present(type)) throw invalidField('type is required');
	if (typeof type === 'string' && UNSUPPORTED_TYPES.has(type)) throw unprocessable(`order type ${type} is not supported by this emulator`);
	if (type !== 'market' && type !== 'limit') throw invalidField(`invalid order type ${String(type)}`);

	const orderClass = body['order_class'];
	if (present(orderClass) && orderClass !== 'simple') throw unprocessable(`order_class ${String(orderClass)} is not supported by this emulator`);

	const timeInForce = parseTimeInForce(body['time_in_force']);

	const hasQty = present(body['qty']);
	const hasNotional = present(body['notional']);
	if (hasQty && hasNotional) throw invalidField('qty and notional cannot both be specified');
	if (!hasQty && !hasNotional) throw invalidField('qty or notional is required');
	if (hasNotional) throw unprocessable(`asset "${symbol}" is not fractionable`);
	const qty = parseQty(body['qty'], symbol);

	let limitPrice: Micros | null = null;
	if (type === 'limit') {
		if (!present(body['limit_price'])) throw invalidField('limit_price is required for limit orders');
		limitPrice = parsePrice(body['limit_price'], 'limit_price');
	}

	const extended = body['extended_hours'];
	if (present(extended) && typeof extended !== 'boolean') throw invalidField('invalid extended_hours');
	const extendedHours = extended === true;
	if (extendedHours && !(type === 'limit' && timeInForce === 'day')) throw unprocessable('extended hours order must be DAY limit orders');

	const clientOrderId = checkClientOrderIdText(body['client_order_id']);
	return {symbol, side, type, qty, limitPrice, timeInForce, extendedHours, clientOrderId};
}

/** 422 with Alpaca's code for a reused client order id. */
export function duplicateClientOrderId(): ReturnType<typeof invalidField> {
	return invalidField('client_order_id must be unique');
}

/**
 * Wash-trade protection: a new order is refused when an open opposite-side order on the symbol
 * could trade against it: any opposite market order, a new market order against any opposite
 * order, or limits that touch or cross (buy limit >= sell limit).
 */
export function checkWashTrade(input: OrderInput, open: readonly OrderRecord[]): void {
	for (const record of open) {
		const other = record.order;
		if (other.symbol !== input.symbol || other.side === input.side) continue;
		let reason: string | null = null;
		if (other.type === 'market') reason = 'opposite side market order exists';
		else if (input.type === 'market') reason = 'opposite side limit order exists';
		else {
			const buy = input.side === 'buy' ? input.limitPrice! : other.limitPrice!;
			const sell = input.side === 'sell' ? input.limitPrice! : other.limitPrice!;
			if (buy >= sell) reason = 'opposite side limit order exists';
		}
		if (reason !== null) {
			throw forbidden('potential wash trade detected. use complex orders', {reject_reason: reason, existing_order_id: record.uuid});
		}
	}
}

/** A sell may not exceed the position minus what open sells already hold. */
export function checkQtyAvailable(input: OrderInput, positionQty: number, open: readonly OrderRecord[]): void {
	if (input.side !== 'sell') return;
	let held = 0;
	const related: string[] = [];
	for (const record of open) {
		const o = record.order;
		if (o.symbol !== input.symbol || o.side !== 'sell') continue;
		held += o.qty - o.filledQty;
		related.push(record.uuid);
	}
	const available = Math.max(positionQty - held, 0);
	if (input.qty <= available) return;
	throw forbidden(`insufficient qty available for order (requested: ${input.qty}, available: ${available})`, {
		available: String(available),
		existing_qty: String(positionQty),
		held_for_orders: String(held),
		related_orders: related,
		symbol: input.symbol,
	});
}

/** A buy is valued at its limit (or the last trade for a market order) against the buying power. */
export function checkBuyingPower(input: OrderInput, cash: Micros, lastPrice: Micros): void {
	if (input.side !== 'buy') return;
	const unit = input.type === 'limit' ? input.limitPrice! : lastPrice;
	if (!(unit > 0)) throw unprocessable(`no trade price known yet for ${input.symbol}: a market buy cannot be valued before the first bar`);
	if (input.qty * unit > cash) throw forbidden('insufficient buying power', {buying_power: money(cash), cost_basis: money(input.qty * unit)});
}
