/**
 * Identifiers in UUID form (some Alpaca clients parse ids as UUIDs): a kind tag in the first
 * group, a per-start epoch in the middle groups and a counter in the last, or a hash for asset
 * ids. The epoch is random at each emulator start: a client that outlives a restarted
 * emulator must never see an order or execution id again (it drops executions it has seen).
 */
import {createHash, randomBytes} from 'node:crypto';

export const ID_KIND = {
	order: 0x0e_00_00_01,
	clientOrder: 0x0e_00_00_02,
	execution: 0x0e_00_00_03,
	request: 0x0e_00_00_04,
	account: 0x0e_00_00_05,
} as const;

/** 10 random hex digits: one per emulator start, shared by its id sequences. */
export function newIdEpoch(): string {
	return randomBytes(5).toString('hex');
}

const FIXED_EPOCH = '0000000000';

export function sequentialUuid(kind: number, n: number, epoch = FIXED_EPOCH): string {
	const tail = n.toString(16).padStart(12, '0');
	return `${kind.toString(16).padStart(8, '0')}-${epoch.slice(0, 4)}-4${epoch.slice(4, 7)}-8${epoch.slice(7, 10)}-${tail}`;
}

export class IdSequence {
	private n = 0;
	constructor(
		private readonly kind: number,
		private readonly epoch = FIXED_EPOCH,
	) {}

	next(): string {
		this.n += 1;
		return sequentialUuid(this.kind, this.n, this.epoch);
	}
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
	return UUID.test(text);
}

const assetIds = new Map<string, string>();

/** Stable asset id of a symbol (a v4-shaped UUID made from a hash of the symbol). */
export function assetId(symbol: string): string {
	let id = assetIds.get(symbol);
	if (id === undefined) {
		const h = createHash('sha256').update(`asset:${symbol}`).digest('hex');
		id = `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
		assetIds.set(symbol, id);
	}
	return id;
}
