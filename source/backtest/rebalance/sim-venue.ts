/**
 * A simulated RebalanceVenue over daily data: the account trades on one trading day of the
 * data, with the backtest's fill model (market orders fill at that day's open, exact money) and
 * the simulated broker rules (a buy beyond cash, a sell beyond the position net of
 * open sells, or qty <= 0 is rejected at submission; a cancel is confirmed at once). `new`,
 * `rejected` and `canceled` are delivered before the call returns; fills come later through
 * `schedule` (default: setImmediate), so the command really waits for them. Open buys reserve
 * nothing, so a buy is checked against the cash again when it fills, in submission order, which
 * gives the backtest's outcome (a buy beyond cash is skipped) and never a negative balance.
 */
import {addMicros, type Micros, mulQty, subMicros, ZERO_MICROS} from '../../core/money.js';
import {applyFill, type Holding} from '../../core/position.js';
import type {BrokerState, Order, OrderEvent, OrderEventKind, OrderRequest, Position} from '../../core/types.js';
import {isOpenStatus} from '../../core/types.js';
import {nyTime} from '../../core/time.js';
import type {Broker, OrderEventListener} from '../../ports/broker.js';
import type {DailyBar, DailyDataSet} from '../../core/daily-bars.js';
import {barAt, barIndexOnDay, barsBeforeDay} from '../../core/daily-bars.js';
import type {MarketClockState, RebalanceVenue} from '../../strategies/rebalance/venue.js';

export interface SimDailyVenueOptions {
	readonly data: DailyDataSet;
	/** The trading day the account trades on (must be a date of the data). */
	readonly date: string;
	readonly cash: Micros;
	readonly positions?: readonly Position[];
	/** Market time; default 09:31 New York on `date`. */
	readonly now?: () => number;
	/** How fills are deferred (tests pass a queue they drain by hand). */
	readonly schedule?: (task: () => void) => void;
}

interface Account {
	cash: Micros;
	readonly positions: Map<string, Holding>;
}

export interface SimDailyVenue extends RebalanceVenue {
	/** The account right now (tests, the end-of-run summary). */
	state(): BrokerState;
}

export function createSimDailyVenue(options: SimDailyVenueOptions): SimDailyVenue {
	const {data, date} = options;
	const dayIndex = data.dates.indexOf(date);
	if (dayIndex === -1) throw new RangeError(`${date} is not a trading day of the data`);
	const open = nyTime(date, 9, 30);
	const now = options.now ?? (() => open + 60_000);
	const schedule = options.schedule ?? ((task: () => void) => void setImmediate(task));
	const nextDate = data.dates[dayIndex + 1];
	const account: Account = {cash: options.cash, positions: new Map()};
	for (const p of options.positions ?? []) account.positions.set(p.symbol, {qty: p.qty, costBasis: p.costBasis});
	const orders = new Map<string, Order>();
	const listeners = new Set<OrderEventListener>();
	let seq = 0;

	const emit = (kind: OrderEventKind, order: Order, fillQty = 0, fillPrice: Micros = ZERO_MICROS, atSubmission = false, message?: string) => {
		const event: OrderEvent = {
			event: kind,
			order,
			ms: now(),
			ns: 0,
			fillQty,
			fillPrice,
			positionQty: account.positions.get(order.symbol)?.qty ?? 0,
			atSubmission,
			...(message ? {message} : {}),
		};
		for (const l of [...listeners]) l(event);
	};
	const openPrice = (symbol: string): Micros | null => {
		const s = data.series.get(symbol);
		if (!s) return null;
		const i = barIndexOnDay(s, dayIndex);
		return i === -1 ? null : s.open[i]!;
	};
	const openSellQty = (symbol: string): number => {
		let q = 0;
		for (const o of orders.values()) if (o.symbol === symbol && o.side === 'sell' && isOpenStatus(o.status)) q += o.qty - o.filledQty;
		return q;
	};

	const fill = (clientOrderId: string) => {
		const order = orders.get(clientOrderId);
		if (!order || !isOpenStatus(order.status)) return;
		const price = openPrice(order.symbol);
		if (price === null) return; // no bar today: stays open until close() expires it
		const qty = order.qty;
		const notional = mulQty(price, qty);
		if (order.side === 'buy' && notional > account.cash) {
			// Open buys reserve nothing, so cash is checked again when a buy fills (as the backtest
			// does): the account never goes below zero.
			const rejected: Order = {...order, status: 'rejected'};
			orders.set(clientOrderId, rejected);
			emit('rejected', rejected, 0, ZERO_MICROS, false, 'insufficient cash at fill');
			return;
		}
		let pos = account.positions.get(order.symbol);
		if (!pos) {
			pos = {qty: 0, costBasis: ZERO_MICROS};
			account.positions.set(order.symbol, pos);
		}
		account.cash = order.side === 'buy' ? subMicros(account.cash, notional) : addMicros(account.cash, notional);
		applyFill(pos, order.side, qty, price);
		if (pos.qty === 0) account.positions.delete(order.symbol);
		const filled: Order = {...order, status: 'filled', filledQty: qty, filledNotional: notional};
		orders.set(clientOrderId, filled);
		emit('fill', filled, qty, price);
	};

	const broker: Broker = {
		submitOrder(request: OrderRequest): void {
			const base: Order = {
				...request,
				id: `sim-${++seq}`,
				status: 'new',
				filledQty: 0,
				filledNotional: ZERO_MICROS,
				submittedMs: now(),
				submittedNs: 0,
			};
			const reject = (message: string) => {
				const rejected: Order = {...base, status: 'rejected'};
				orders.set(request.clientOrderId, rejected);
				emit('rejected', rejected, 0, ZERO_MICROS, true, message);
			};
			if (orders.has(request.clientOrderId)) {
				// A broker refuses a reused client order id; the original order is left alone.
				const dup: Order = {...base, id: '', status: 'rejected'};
				emit('rejected', dup, 0, ZERO_MICROS, true, 'client order id already used');
				return;
			}
			if (!(request.qty > 0) || !Number.isInteger(request.qty)) return reject('qty must be a positive whole number');
			const price = openPrice(request.symbol);
			if (request.side === 'buy') {
				const reference = request.type === 'limit' && request.limitPrice !== null ? request.limitPrice : price;
				if (reference !== null && request.qty * reference > account.cash) return reject('insufficient cash');
			} else {
				const held = account.positions.get(request.symbol)?.qty ?? 0;
				if (request.qty > held - openSellQty(request.symbol)) return reject('sell exceeds position');
			}
			orders.set(request.clientOrderId, base);
			emit('new', base);
			schedule(() => fill(request.clientOrderId));
		},
		cancelOrder(clientOrderId: string): void {
			const order = orders.get(clientOrderId);
			if (!order || !isOpenStatus(order.status)) return;
			const canceled: Order = {...order, status: 'canceled'};
			orders.set(clientOrderId, canceled);
			emit('canceled', canceled);
		},
		onOrderEvent(listener: OrderEventListener): () => void {
			listeners.add(listener);
			return () => listeners.delete(listener);
		},
		async loadState(): Promise<BrokerState> {
			return snapshotState();
		},
	};

	function snapshotState(): BrokerState {
		return {
			cash: account.cash,
			openOrders: [...orders.values()].filter(o => isOpenStatus(o.status)),
			positions: [...account.positions].map(([symbol, p]) => ({symbol, qty: p.qty, costBasis: p.costBasis})),
		};
	}

	return {
		mode: 'sim',
		broker,
		state: snapshotState,
		async clock(): Promise<MarketClockState> {
			const t = now();
			const close = nyTime(date, 16, 0);
			const isOpen = t >= open && t < close;
			const nextOpen = t < open ? open : nextDate ? nyTime(nextDate, 9, 30) : open + 86_400_000;
			return {isOpen, timestamp: t, nextOpen, nextClose: t < close ? close : nextDate ? nyTime(nextDate, 16, 0) : close + 86_400_000};
		},
		async dailyBars(symbols: readonly string[], lookbackDays: number): Promise<Map<string, DailyBar[]>> {
			const out = new Map<string, DailyBar[]>();
			for (const symbol of symbols) {
				const s = data.series.get(symbol);
				if (!s) continue;
				const end = barsBeforeDay(s, dayIndex);
				const start = Number.isFinite(lookbackDays) ? Math.max(0, end - Math.max(0, Math.floor(lookbackDays))) : 0;
				if (end <= start) continue;
				const bars: DailyBar[] = [];
				for (let i = start; i < end; i++) bars.push(barAt(data, s, i));
				out.set(symbol, bars);
			}
			return out;
		},
		async close(): Promise<void> {
			for (const [id, order] of orders) {
				if (!isOpenStatus(order.status)) continue;
				const expired: Order = {...order, status: 'expired'};
				orders.set(id, expired);
				emit('expired', expired);
			}
		},
	};
}
