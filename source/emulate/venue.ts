/**
 * The Alpaca account in front of the SimExchange: validates requests with Alpaca's rules,
 * submits and cancels through the exchange, keeps the Alpaca view of every order (ids,
 * timestamps, replace links) from the exchange's synchronous events, and turns those events
 * into trade_updates payloads. Fills, prices and balances are the exchange's alone.
 */
import type {SimExchange} from '../adapters/sim/exchange.js';
import {addMicros, maxMicros, type Micros, mulQty, roundMicros, subMicros, ZERO_MICROS} from '../core/money.js';
import {isOpenStatus, type Order, type OrderEvent, type Position} from '../core/types.js';
import {AssetBook} from './assets.js';
import {ApiFailure, forbidden, invalidField, notFound, unprocessable} from './errors.js';
import type {Faults} from './faults.js';
import {ID_KIND, IdSequence, assetId, isUuid, newIdEpoch, sequentialUuid} from './ids.js';
import {orderJson, positionJson, tradeUpdateJson, type Json} from './order-json.js';
import {OrderRegistry, type OrderRecord} from './order-registry.js';
import type {MarketReplay} from './replay.js';
import {
	checkBuyingPower,
	checkClientOrderIdText,
	checkQtyAvailable,
	checkWashTrade,
	duplicateClientOrderId,
	parseOrderBody,
	parsePrice,
	parseQty,
	parseTimeInForce,
	type OrderInput,
} from './rules.js';
import {money, type Stamp} from './wire-format.js';

export type TradeUpdateSink = (data: Json) => void;

interface PendingSubmission {
	readonly clientOrderId: string;
	readonly uuid: string;
	readonly extendedHours: boolean;
	readonly replaces: string | null;
	rejection: string | null;
}

interface PendingReplace {
	readonly record: OrderRecord;
	readonly newUuid: string;
}

export interface BulkResult {
	readonly status: number;
	readonly body: unknown;
}

const ACCOUNT_ID = sequentialUuid(ID_KIND.account, 1);

export class Venue {
	readonly orders = new OrderRegistry();
	readonly assets: AssetBook;
	/** Unique to this start (see ids.ts): ids never repeat across emulator restarts. */
	private readonly epoch = newIdEpoch();
	private readonly orderIds = new IdSequence(ID_KIND.order, this.epoch);
	private readonly clientIds = new IdSequence(ID_KIND.clientOrder, this.epoch);
	private readonly executionIds = new IdSequence(ID_KIND.execution, this.epoch);
	private readonly sinks: TradeUpdateSink[] = [];
	private pending: PendingSubmission | null = null;
	private replacing: PendingReplace | null = null;
	private lastEquity: Micros;
	/** The last session's closing equity, until the next session's first step. */
	private closed: {readonly date: string; readonly equity: Micros} | null = null;
	private readonly createdMs: number;

	constructor(
		private readonly exchange: SimExchange,
		private readonly replay: MarketReplay,
		private readonly faults: Faults,
		/** A failing trade-update sink is reported here; it must not break the exchange's event loop. */
		private readonly onSinkError: (error: unknown) => void = () => {},
	) {
		this.assets = new AssetBook(replay.symbols);
		this.lastEquity = exchange.cash;
		this.createdMs = replay.now;
		exchange.onEvent(event => this.onExchangeEvent(event));
		// Alpaca's last_equity is the previous trading day's closing equity: after today's close
		// it still holds yesterday's (equity - last_equity stays today's P&L until the next day).
		replay.onStep(report => {
			if (report.kind === 'session_end') this.closed = {date: report.date, equity: this.equity()};
			else if (this.closed !== null && report.date !== this.closed.date) {
				this.lastEquity = this.closed.equity;
				this.closed = null;
			}
		});
	}

	onTradeUpdate(sink: TradeUpdateSink): () => void {
		this.sinks.push(sink);
		return () => {
			const i = this.sinks.indexOf(sink);
			if (i >= 0) this.sinks.splice(i, 1);
		};
	}

	// --- orders --------------------------------------------------------------------------

	submit(body: unknown): Json {
		const input = parseOrderBody(body, this.assets);
		const clientOrderId = input.clientOrderId ?? this.clientIds.next();
		if (this.orders.hasClientOrderId(clientOrderId)) throw duplicateClientOrderId();
		const injected = this.faults.takeRejection();
		if (injected?.mode === 'http') throw new ApiFailure(injected.status, {code: injected.code, message: injected.message});
		this.checkRisk(input, null);
		if (injected?.mode === 'event') return this.acceptThenReject(input, clientOrderId, injected.message);
		return this.place(input, clientOrderId, null, this.orderIds.next());
	}

	private checkRisk(input: OrderInput, excluding: OrderRecord | null): void {
		const open = this.orders.open(input.symbol).filter(r => r !== excluding);
		checkWashTrade(input, open);
		checkQtyAvailable(input, this.exchange.position(input.symbol)?.qty ?? 0, open);
		const freed = excluding ? this.exchange.reservedBy(excluding.order.clientOrderId) : ZERO_MICROS;
		checkBuyingPower(input, addMicros(this.exchange.buyingPower(), freed), this.exchange.lastPrice(input.symbol));
	}

	private place(input: OrderInput, clientOrderId: string, replaces: string | null, uuid: string): Json {
		const pending: PendingSubmission = {clientOrderId, uuid, extendedHours: input.extendedHours, replaces, rejection: null};
		this.pending = pending;
		try {
			this.exchange.submit({
				symbol: input.symbol,
				side: input.side,
				type: input.type,
				qty: input.qty,
				limitPrice: input.limitPrice,
				timeInForce: input.timeInForce,
				clientOrderId,
			});
		} finally {
			this.pending = null;
		}
		if (pending.rejection !== null) throw rejectionFailure(pending.rejection);
		const record = this.orders.byClientOrderId(clientOrderId);
		if (!record) throw new ApiFailure(500, {code: 50010000, message: 'order was not acknowledged'});
		return orderJson(record);
	}

	/** Injected asynchronous rejection: acknowledged as pending_new, then a `rejected` update. */
	private acceptThenReject(input: OrderInput, clientOrderId: string, message: string): Json {
		const at = this.stamp();
		const order: Order = {
			id: '',
			clientOrderId,
			symbol: input.symbol,
			side: input.side,
			type: input.type,
			qty: input.qty,
			limitPrice: input.limitPrice,
			timeInForce: input.timeInForce,
			status: 'pending_new',
			filledQty: 0,
			filledNotional: ZERO_MICROS,
			submittedMs: at.ms,
			submittedNs: at.ns,
		};
		const record = this.newRecord(this.orderIds.next(), order, input.extendedHours, null, null);
		const reply = orderJson(record);
		setImmediate(() => {
			record.order = {...record.order, status: 'rejected'};
			record.failedAt = this.stamp();
			record.updated = record.failedAt;
			this.emitUpdate(tradeUpdateJson('rejected', record.failedAt, {...orderJson(record), reject_reason: message}, null));
		});
		return reply;
	}

	/** GET /v2/orders/{id}: 422 for a malformed id (as Alpaca does), 404 when unknown. */
	find(id: string): OrderRecord {
		if (!isUuid(id)) throw invalidField('order_id is missing');
		const record = this.orders.get(id.toLowerCase());
		if (!record) throw notFound('order not found');
		return record;
	}

	findByClientOrderId(clientOrderId: string | null): OrderRecord {
		if (clientOrderId === null || clientOrderId === '') throw invalidField('client_order_id is required');
		const record = this.orders.byClientOrderId(clientOrderId);
		if (!record) throw notFound('order not found');
		return record;
	}

	cancel(id: string): void {
		const record = this.find(id);
		this.cancelRecord(record);
	}

	private cancelRecord(record: OrderRecord): void {
		if (!isOpenStatus(record.order.status) || record.simId === null) {
			throw unprocessable(`order is already in "${record.order.status}" state`);
		}
		if (!this.exchange.cancel(record.order.clientOrderId)) throw unprocessable('order is not cancelable');
	}

	/** DELETE /v2/orders: every open order, as 207 entries. */
	cancelAll(): Array<{id: string} & BulkResult> {
		const out: Array<{id: string} & BulkResult> = [];
		for (const record of this.orders.open()) {
			try {
				this.cancelRecord(record);
				out.push({id: record.uuid, status: 200, body: orderJson(record)});
			} catch (error) {
				if (!(error instanceof ApiFailure)) throw error;
				out.push({id: record.uuid, status: error.status, body: error.body});
			}
		}
		return out;
	}

	/** PATCH /v2/orders/{id}: cancel-replace with `replaced` + `new` updates. */
	replace(id: string, body: unknown): Json {
		const record = this.find(id);
		if (!isOpenStatus(record.order.status) || record.simId === null) throw unprocessable('order is not open');
		if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalidField('request body must be a JSON object');
		const fields = body as Record<string, unknown>;
		const old = record.order;
		const given = (key: string): boolean => fields[key] !== undefined && fields[key] !== null && fields[key] !== '';
		const input: OrderInput = {
			symbol: old.symbol,
			side: old.side,
			type: old.type,
			qty: given('qty') ? parseQty(fields['qty'], old.symbol) : old.qty - old.filledQty,
			limitPrice: old.type === 'limit' && given('limit_price') ? parsePrice(fields['limit_price'], 'limit_price') : old.limitPrice,
			timeInForce: given('time_in_force') ? parseTimeInForce(fields['time_in_force']) : old.timeInForce,
			extendedHours: record.extendedHours,
			clientOrderId: checkClientOrderIdText(fields['client_order_id']),
		};
		if (old.type === 'market' && given('limit_price')) throw unprocessable('cannot replace limit_price of a market order');
		const clientOrderId = input.clientOrderId ?? this.clientIds.next();
		if (this.orders.hasClientOrderId(clientOrderId)) throw duplicateClientOrderId();
		this.checkRisk(input, record);
		const newUuid = this.orderIds.next();
		this.replacing = {record, newUuid};
		try {
			this.exchange.cancel(old.clientOrderId);
		} finally {
			this.replacing = null;
		}
		return this.place(input, clientOrderId, record.uuid, newUuid);
	}

	// --- positions -----------------------------------------------------------------------

	/** DELETE /v2/positions/{symbol}: a market order closing all, `qty` or `percentage` of it. */
	closePosition(symbolOrId: string, qtyParam: string | null, percentageParam: string | null): Json {
		const symbol = this.assets.resolve(symbolOrId) ?? symbolOrId.toUpperCase();
		const position = this.exchange.position(symbol);
		if (!position || position.qty === 0) throw notFound('position does not exist');
		if (qtyParam !== null && percentageParam !== null) throw invalidField('only one of qty or percentage may be specified');
		const held = Math.abs(position.qty);
		let qty = held;
		if (qtyParam !== null) {
			qty = parseQty(qtyParam, symbol);
			if (qty > held) throw forbidden(`insufficient qty available for order (requested: ${qty}, available: ${held})`, {available: String(held), symbol});
		} else if (percentageParam !== null) {
			const pct = Number(percentageParam);
			if (!(pct > 0 && pct <= 100)) throw invalidField('percentage must be > 0 and <= 100');
			qty = Math.floor((held * pct) / 100);
			if (qty === 0) throw unprocessable(`asset "${symbol}" is not fractionable`);
		}
		const input: OrderInput = {
			symbol,
			side: position.qty > 0 ? 'sell' : 'buy',
			type: 'market',
			qty,
			limitPrice: null,
			timeInForce: 'day',
			extendedHours: false,
			clientOrderId: null,
		};
		this.checkRisk(input, null);
		return this.place(input, this.clientIds.next(), null, this.orderIds.next());
	}

	/** DELETE /v2/positions: close every position (optionally canceling open orders first). */
	closeAll(cancelOrders: boolean): Array<{symbol: string} & BulkResult> {
		if (cancelOrders) this.cancelAll();
		const out: Array<{symbol: string} & BulkResult> = [];
		for (const position of this.exchange.state().positions) {
			try {
				out.push({symbol: position.symbol, status: 200, body: this.closePosition(position.symbol, null, null)});
			} catch (error) {
				if (!(error instanceof ApiFailure)) throw error;
				out.push({symbol: position.symbol, status: error.status, body: error.body});
			}
		}
		return out;
	}

	positions(): Json[] {
		return this.exchange.state().positions.map(p => this.positionView(p));
	}

	position(symbolOrId: string): Json {
		const symbol = this.assets.resolve(symbolOrId) ?? symbolOrId.toUpperCase();
		const position = this.exchange.position(symbol);
		if (!position || position.qty === 0) throw notFound('position does not exist');
		return this.positionView(position);
	}

	private positionView(position: Position): Json {
		const average = position.qty === 0 ? ZERO_MICROS : roundMicros(position.costBasis / position.qty);
		const last = this.exchange.lastPrice(position.symbol) || average;
		let held = 0;
		for (const record of this.orders.open(position.symbol)) if (record.order.side === 'sell') held += record.order.qty - record.order.filledQty;
		return positionJson({
			position,
			lastPrice: last,
			lastdayPrice: this.replay.previousClose(position.symbol) ?? last,
			qtyAvailable: Math.max(position.qty - held, 0),
		});
	}

	// --- account -------------------------------------------------------------------------

	private longMarketValue(): Micros {
		let value = ZERO_MICROS;
		for (const p of this.exchange.state().positions) {
			const average = p.qty === 0 ? ZERO_MICROS : roundMicros(p.costBasis / p.qty);
			value = addMicros(value, mulQty(this.exchange.lastPrice(p.symbol) || average, p.qty));
		}
		return value;
	}

	equity(): Micros {
		return addMicros(this.exchange.cash, this.longMarketValue());
	}

	/** A cash account (multiplier 1): buying power is the cash less what open buys hold. */
	account(): Json {
		const cash = this.exchange.cash;
		const power = maxMicros(this.exchange.buyingPower(), ZERO_MICROS);
		const long = this.longMarketValue();
		const equity = addMicros(cash, long);
		return {
			id: ACCOUNT_ID,
			account_number: 'PAEMULATE1',
			status: 'ACTIVE',
			crypto_status: 'INACTIVE',
			currency: 'USD',
			cash: money(cash),
			portfolio_value: money(equity),
			equity: money(equity),
			last_equity: money(this.lastEquity),
			buying_power: money(power),
			regt_buying_power: money(power),
			non_marginable_buying_power: money(power),
			options_buying_power: money(power),
			multiplier: '1',
			long_market_value: money(long),
			short_market_value: money(0),
			position_market_value: money(long),
			initial_margin: money(long),
			maintenance_margin: money(long),
			last_maintenance_margin: money(0),
			sma: money(0),
			accrued_fees: money(0),
			pending_transfer_in: money(0),
			pending_transfer_out: money(0),
			shorting_enabled: false,
			trading_blocked: false,
			transfers_blocked: false,
			account_blocked: false,
			trade_suspended_by_user: false,
			options_approved_level: 0,
			options_trading_level: 0,
			created_at: new Date(this.createdMs).toISOString(),
			balance_asof: this.replay.session.date,
		};
	}

	// --- exchange events -> records and trade updates -------------------------------------

	private stamp(): Stamp {
		return {ms: this.replay.now, ns: 0};
	}

	private newRecord(uuid: string, order: Order, extendedHours: boolean, replaces: string | null, simId: string | null): OrderRecord {
		const created: Stamp = {ms: order.submittedMs, ns: order.submittedNs};
		const record: OrderRecord = {
			uuid,
			seq: this.orders.nextSeq(),
			assetId: assetId(order.symbol),
			extendedHours,
			expiresAtMs: this.replay.closeOf(this.replay.session.date),
			created,
			simId,
			order,
			updated: created,
			filledAt: null,
			canceledAt: null,
			expiredAt: null,
			failedAt: null,
			replacedAt: null,
			replacedBy: null,
			replaces,
		};
		this.orders.add(record);
		return record;
	}

	private onExchangeEvent(event: OrderEvent): void {
		if (event.atSubmission) {
			const pending = this.pending;
			if (pending && pending.clientOrderId === event.order.clientOrderId) pending.rejection = event.message ?? 'rejected';
			return;
		}
		const at: Stamp = {ms: event.ms, ns: event.ns};
		let record = this.orders.bySim(event.order.id);
		if (!record) {
			// First event of an order: normally one this venue is placing; an order put straight
			// into the exchange (a test) gets a record with defaults.
			const pending = this.pending && this.pending.clientOrderId === event.order.clientOrderId ? this.pending : null;
			record = this.newRecord(pending?.uuid ?? this.orderIds.next(), event.order, pending?.extendedHours ?? false, pending?.replaces ?? null, event.order.id);
		}
		record.order = event.order;
		record.updated = at;
		switch (event.event) {
			case 'fill':
				record.filledAt = at;
				this.emitFill(record, event, at);
				return;
			case 'partial_fill':
				this.emitUpdate(tradeUpdateJson('partial_fill', at, orderJson(record), this.execution(event.fillQty, event.fillPrice, event.positionQty)));
				return;
			case 'canceled': {
				const replacing = this.replacing;
				if (replacing && replacing.record === record) {
					record.order = {...event.order, status: 'replaced'};
					record.replacedAt = at;
					record.replacedBy = replacing.newUuid;
					this.emitUpdate(tradeUpdateJson('replaced', at, orderJson(record), null));
					return;
				}
				record.canceledAt = at;
				break;
			}
			case 'expired':
				record.expiredAt = at;
				break;
			case 'rejected':
				record.failedAt = at;
				break;
			default:
				break;
		}
		this.emitUpdate(tradeUpdateJson(event.event, at, orderJson(record), null));
	}

	private execution(qty: number, price: Micros, positionQty: number): {id: string; qty: number; price: Micros; positionQty: number} {
		return {id: this.executionIds.next(), qty, price, positionQty};
	}

	/** A fill, or (fault) a partial_fill of the first shares followed by a fill of the rest. */
	private emitFill(record: OrderRecord, event: OrderEvent, at: Stamp): void {
		const first = this.faults.partialFirstQty(event.fillQty);
		if (first === null) {
			this.emitUpdate(tradeUpdateJson('fill', at, orderJson(record), this.execution(event.fillQty, event.fillPrice, event.positionQty)));
			return;
		}
		const rest = event.fillQty - first;
		const signedRest = record.order.side === 'buy' ? rest : -rest;
		const partialOrder: Order = {
			...event.order,
			status: 'partially_filled',
			filledQty: event.order.filledQty - rest,
			filledNotional: subMicros(event.order.filledNotional, mulQty(event.fillPrice, rest)),
		};
		const partialView = orderJson(record, {order: partialOrder, filledAt: null});
		this.emitUpdate(tradeUpdateJson('partial_fill', at, partialView, this.execution(first, event.fillPrice, event.positionQty - signedRest)));
		this.emitUpdate(tradeUpdateJson('fill', at, orderJson(record), this.execution(rest, event.fillPrice, event.positionQty)));
	}

	private emitUpdate(data: Json): void {
		for (const sink of [...this.sinks]) {
			try {
				sink(data);
			} catch (error) {
				this.onSinkError(error);
			}
		}
	}
}

/** The exchange's own rejection text as Alpaca's reply. */
function rejectionFailure(message: string): ApiFailure {
	if (message === 'insufficient buying power' || message.startsWith('insufficient qty')) return forbidden(message);
	if (message === 'client_order_id must be unique') return duplicateClientOrderId();
	return unprocessable(message);
}
