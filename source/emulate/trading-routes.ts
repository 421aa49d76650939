/**
 * Trading REST v2: account, clock, calendar, assets, orders (incl. `:by_client_order_id`,
 * replace, cancel one/all), positions (close one/all). Shapes and replies follow Alpaca.
 */
import {type AssetBook, assetJson} from './assets.js';
import {invalidField, notFound} from './errors.js';
import {calendarJson, clockJson} from './market-calendar.js';
import {orderJson} from './order-json.js';
import type {MarketReplay} from './replay.js';
import {ok, queryBool, queryList, route, type Route} from './routing.js';
import type {Venue} from './venue.js';

const ORDER_ID = '([^/:]+)';

function orderListFilter(query: URLSearchParams): Parameters<Venue['orders']['list']>[0] {
	const status = query.get('status') ?? 'open';
	if (status !== 'open' && status !== 'closed' && status !== 'all') throw invalidField(`invalid status ${status}`);
	const direction = query.get('direction') ?? 'desc';
	if (direction !== 'asc' && direction !== 'desc') throw invalidField(`invalid direction ${direction}`);
	const limitText = query.get('limit');
	let limit = 50;
	if (limitText !== null && limitText !== '') {
		limit = Number(limitText);
		if (!Number.isInteger(limit) || limit < 1) throw invalidField(`invalid limit ${limitText}`);
		limit = Math.min(limit, 500);
	}
	const time = (name: string): number | undefined => {
		const text = query.get(name);
		if (text === null || text === '') return undefined;
		const ms = Date.parse(text);
		if (Number.isNaN(ms)) throw invalidField(`invalid ${name} ${text}`);
		return ms;
	};
	const side = query.get('side');
	if (side !== null && side !== '' && side !== 'buy' && side !== 'sell') throw invalidField(`invalid side ${side}`);
	const symbols = queryList(query, 'symbols').map(s => s.toUpperCase());
	const afterMs = time('after');
	const untilMs = time('until');
	return {
		status,
		direction,
		limit,
		...(afterMs === undefined ? {} : {afterMs}),
		...(untilMs === undefined ? {} : {untilMs}),
		...(symbols.length > 0 ? {symbols: new Set(symbols)} : {}),
		...(side === 'buy' || side === 'sell' ? {side} : {}),
	};
}

export function tradingRoutes(venue: Venue, replay: MarketReplay): Route[] {
	const assets: AssetBook = venue.assets;
	return [
		route('GET', /^\/v2\/account$/, () => ok(venue.account())),
		route('GET', /^\/v2\/clock$/, () => ok(clockJson(replay))),
		route('GET', /^\/v2\/calendar$/, request => ok(calendarJson(replay, request.query))),

		route('GET', /^\/v2\/assets$/, request => {
			const status = request.query.get('status');
			const assetClass = request.query.get('asset_class');
			const none = (status !== null && status !== '' && status !== 'active') || (assetClass !== null && assetClass !== '' && assetClass !== 'us_equity');
			return ok(none ? [] : assets.symbols.map(assetJson));
		}),
		route('GET', /^\/v2\/assets\/([^/]+)$/, request => {
			const symbol = assets.resolve(request.params[0]!);
			if (symbol === null) throw notFound(`asset not found for ${request.params[0]}`);
			return ok(assetJson(symbol));
		}),

		route('POST', /^\/v2\/orders$/, request => ok(venue.submit(request.body))),
		route('GET', /^\/v2\/orders$/, request => ok(venue.orders.list(orderListFilter(request.query)).map(r => orderJson(r)))),
		route('DELETE', /^\/v2\/orders$/, () => ({status: 207, body: venue.cancelAll()})),
		route('GET', /^\/v2\/orders:by_client_order_id$/, request => ok(orderJson(venue.findByClientOrderId(request.query.get('client_order_id'))))),
		route('GET', new RegExp(`^/v2/orders/${ORDER_ID}$`), request => ok(orderJson(venue.find(request.params[0]!)))),
		route('DELETE', new RegExp(`^/v2/orders/${ORDER_ID}$`), request => {
			venue.cancel(request.params[0]!);
			return {status: 204};
		}),
		route('PATCH', new RegExp(`^/v2/orders/${ORDER_ID}$`), request => ok(venue.replace(request.params[0]!, request.body))),

		route('GET', /^\/v2\/positions$/, () => ok(venue.positions())),
		route('DELETE', /^\/v2\/positions$/, request => ({status: 207, body: venue.closeAll(queryBool(request.query, 'cancel_orders'))})),
		route('GET', /^\/v2\/positions\/([^/]+)$/, request => ok(venue.position(request.params[0]!))),
		route('DELETE', /^\/v2\/positions\/([^/]+)$/, request => {
			const qty = request.query.get('qty');
			const percentage = request.query.get('percentage');
			return ok(venue.closePosition(request.params[0]!, qty === '' ? null : qty, percentage === '' ? null : percentage));
		}),
	];
}
