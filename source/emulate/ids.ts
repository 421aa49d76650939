/**
 * Deterministic identifiers in UUID form (some Alpaca clients parse ids as UUIDs): a kind
 * tag in the first group and a counter in the last, or a hash for asset ids. Two runs over the
 * same data and the same requests hand out the same ids.
 */
import {createHash} from 'node:crypto';

export const ID_KIND = {
	order: 0x0e_00_00_01,
	clientOrder: 0x0e_00_00_02,
	execution: 0x0e_00_00_03,
	request: 0x0e_00_00_04,
	account: 0x0e_00_00_05,
} as const;

export function sequentialUuid(kind: number, n: number): string {
	const tail = n.toString(16).padStart(12, '0');
	return `${kind.toString(16).padStart(8, '0')}-0000-4000-8000-${tail}`;
}

export class IdSequence {
	private n = 0;
	constructor(private readonly kind: number) {}

	next(): string {
		this.n += 1;
		return sequentialUuid(this.kind, this.n);
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
