/**
 * Risk guards beyond the original algorithms: a daily loss limit (stops new entries, and can
 * flatten), a cap on orders per minute, a cap on the dollar size of any one position, and an
 * operator kill switch. Exits are never blocked by the loss or size guards: they reduce risk.
 * Every trip is journaled once (`risk` records) and shown in the console header.
 */
import {formatUsd, type Micros, microsToNumber} from '../core/money.js';
import type {OrderReason, StrategyName} from '../core/types.js';
import type {OrderSpec} from './context.js';
import type {RiskView} from './snapshot.js';

export interface RiskLimits {
	/** Stop new entries once the day's P&L (equity now - equity at the day's start) reaches -this. */
	readonly maxDailyLoss: Micros | null;
	/** Also flatten everything when the loss limit trips. */
	readonly flattenOnLoss: boolean;
	/** Most orders sent in any 60 s of market time (manual orders excepted). */
	readonly maxOrdersPerMinute: number | null;
	/** Largest position per symbol, in dollars at the order's price. */
	readonly maxPositionUsd: Micros | null;
}

export const NO_LIMITS: RiskLimits = {maxDailyLoss: null, flattenOnLoss: false, maxOrdersPerMinute: null, maxPositionUsd: null};

export interface RiskHost {
	now(): number;
	/** The trading day's P&L: equity now minus equity at the day's start (the header's figure). */
	dayPnl(): Micros;
	/** Shares held on a symbol over every strategy. */
	symbolQty(symbol: string): number;
	lastPrice(symbol: string): Micros;
	journalRisk(guard: string, message: string, symbol: string | null): void;
	/** Sell everything (the loss limit with flattenOnLoss). */
	flattenAll(reason: string): void;
}

export class RiskGuard {
	private killedFlag = false;
	private lossTripped = false;
	private readonly recent: number[] = [];
	private readonly tripped = new Set<string>();

	constructor(
		readonly limits: RiskLimits,
		private readonly host: RiskHost,
	) {}

	get killed(): boolean {
		return this.killedFlag;
	}

	/** A new session: the daily loss limit starts over (the kill switch does not). */
	resetSession(): void {
		this.lossTripped = false;
		this.tripped.delete('daily_loss');
		this.recent.length = 0;
	}

	/** The trips that must survive a restart within the trading day. */
	persisted(): {killed: boolean; dailyLoss: boolean} {
		return {killed: this.killedFlag, dailyLoss: this.lossTripped};
	}

	/**
	 * Re-apply trips persisted by an earlier run the same trading day, without journaling
	 * them as new trips (the caller journals the restoration). Returns the guards re-applied.
	 */
	restore(killed: boolean, dailyLoss: boolean): string[] {
		const out: string[] = [];
		if (killed && !this.killedFlag) {
			this.killedFlag = true;
			this.tripped.add('kill_switch');
			out.push('kill_switch');
		}
		if (dailyLoss && !this.lossTripped) {
			this.lossTripped = true;
			this.tripped.add('daily_loss');
			out.push('daily_loss');
		}
		return out;
	}

	kill(): void {
		if (this.killedFlag) return;
		this.killedFlag = true;
		this.trip('kill_switch', 'kill switch engaged: strategies may not send orders', null);
	}

	/** Veto an order, or null to let it go. Manual (operator) orders pass every guard. */
	check(order: OrderSpec, strategy: StrategyName, reason: OrderReason): string | null {
		if (reason === 'manual' || strategy === 'manual') return this.countOrder();
		if (this.killedFlag) return 'kill switch engaged';
		const opening = order.side === 'buy';
		if (opening && this.lossTripped) return 'daily loss limit reached: no new entries';
		if (opening && this.limits.maxPositionUsd !== null) {
			const price = order.limitPrice ?? this.host.lastPrice(order.symbol);
			const after = (this.host.symbolQty(order.symbol) + order.qty) * price;
			if (after > this.limits.maxPositionUsd) {
				this.trip(
					'max_position',
					`${order.symbol}: $${(microsToNumber(after)).toFixed(2)} would exceed the $${microsToNumber(this.limits.maxPositionUsd)} position cap`,
					order.symbol,
				);
				return 'position cap';
			}
		}
		if (this.limits.maxOrdersPerMinute !== null) {
			const now = this.host.now();
			while (this.recent.length > 0 && this.recent[0]! <= now - 60_000) this.recent.shift();
			if (this.recent.length >= this.limits.maxOrdersPerMinute) {
				this.trip('orders_per_minute', `more than ${this.limits.maxOrdersPerMinute} orders in a minute: order refused`, order.symbol);
				return 'order rate limit';
			}
		}
		return this.countOrder();
	}

	private countOrder(): null {
		if (this.limits.maxOrdersPerMinute !== null) this.recent.push(this.host.now());
		return null;
	}

	/** Periodic check (with every checkup): trips the daily loss limit when reached. */
	evaluate(): void {
		if (this.limits.maxDailyLoss === null || this.lossTripped) return;
		const pnl = this.host.dayPnl();
		if (pnl <= -this.limits.maxDailyLoss) {
			this.lossTripped = true;
			this.trip(
				'daily_loss',
				`day P&L ${formatUsd(pnl)} reached the -$${microsToNumber(this.limits.maxDailyLoss)} limit: no new entries${this.limits.flattenOnLoss ? ', flattening' : ''}`,
				null,
			);
			if (this.limits.flattenOnLoss) this.host.flattenAll('daily loss limit');
		}
	}

	private trip(guard: string, message: string, symbol: string | null): void {
		const key = guard === 'daily_loss' || guard === 'kill_switch' ? guard : `${guard}:${symbol ?? ''}`;
		if (this.tripped.has(key)) return;
		this.tripped.add(key);
		this.host.journalRisk(guard, message, symbol);
	}

	view(): RiskView {
		return {
			dailyLossLimit: this.limits.maxDailyLoss === null ? null : microsToNumber(this.limits.maxDailyLoss),
			maxOrdersPerMinute: this.limits.maxOrdersPerMinute,
			maxPositionUsd: this.limits.maxPositionUsd === null ? null : microsToNumber(this.limits.maxPositionUsd),
			killed: this.killedFlag,
			tripped: [...this.tripped],
		};
	}
}
