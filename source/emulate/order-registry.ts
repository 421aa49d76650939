/**
 * Every order the emulator ever acknowledged, keyed by its Alpaca id (UUID) and its client
 * order id, with what the SimExchange does not keep: timestamps of each state change, the
 * replace links and the extended-hours flag. The order itself is the latest snapshot the
 * exchange reported in an event, so lookups never depend on the exchange's retention.
 */
import type {Order} from '../core/types.js';
import {isOpenStatus} from '../core/types.js';
import type {Stamp} from './wire-format.js';

export interface OrderRecord {
	readonly uuid: string;
	/** Submission sequence number (ties in listings). */
	readonly seq: number;
	readonly assetId: string;
	readonly extendedHours: boolean;
	readonly expiresAtMs: number;
	readonly created: Stamp;
	/** Id the SimExchange gave the order; null for orders it never saw (injected rejections). */
	readonly simId: string | null;
	order: Order;
	updated: Stamp;
	filledAt: Stamp | null;
	canceledAt: Stamp | null;
	expiredAt: Stamp | null;
	failedAt: Stamp | null;
	replacedAt: Stamp | null;
	replacedBy: string | null;
	replaces: string | null;
}

export interface OrderFilter {
	readonly status: 'open' | 'closed' | 'all';
	readonly limit: number;
	readonly direction: 'asc' | 'desc';
	readonly afterMs?: number;
	readonly untilMs?: number;
	readonly symbols?: ReadonlySet<string>;
	readonly side?: 'buy' | 'sell';
}

export class OrderRegistry {
	private readonly byUuid = new Map<string, OrderRecord>();
	private readonly byClientId = new Map<string, OrderRecord>();
	private readonly bySimId = new Map<string, OrderRecord>();
	private seq = 0;

	nextSeq(): number {
		this.seq += 1;
		return this.seq;
	}

	add(record: OrderRecord): void {
		this.byUuid.set(record.uuid, record);
		this.byClientId.set(record.order.clientOrderId, record);
		if (record.simId !== null) this.bySimId.set(record.simId, record);
	}

	get(uuid: string): OrderRecord | undefined {
		return this.byUuid.get(uuid);
	}

	byClientOrderId(clientOrderId: string): OrderRecord | undefined {
		return this.byClientId.get(clientOrderId);
	}

	bySim(simId: string): OrderRecord | undefined {
		return this.bySimId.get(simId);
	}

	hasClientOrderId(clientOrderId: string): boolean {
		return this.byClientId.has(clientOrderId);
	}

	/** Open orders, oldest first. */
	open(symbol?: string): OrderRecord[] {
		const out: OrderRecord[] = [];
		for (const record of this.byUuid.values()) {
			if (isOpenStatus(record.order.status) && (symbol === undefined || record.order.symbol === symbol)) out.push(record);
		}
		return out;
	}

	list(filter: OrderFilter): OrderRecord[] {
		const out: OrderRecord[] = [];
		for (const record of this.byUuid.values()) {
			const open = isOpenStatus(record.order.status);
			if (filter.status === 'open' && !open) continue;
			if (filter.status === 'closed' && open) continue;
			if (filter.symbols && !filter.symbols.has(record.order.symbol)) continue;
			if (filter.side && record.order.side !== filter.side) continue;
			if (filter.afterMs !== undefined && !(record.created.ms > filter.afterMs)) continue;
			if (filter.untilMs !== undefined && !(record.created.ms < filter.untilMs)) continue;
			out.push(record);
		}
		// The map keeps insertion (= submission) order.
		if (filter.direction === 'desc') out.reverse();
		return out.slice(0, filter.limit);
	}
}
