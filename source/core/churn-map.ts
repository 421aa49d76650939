/**
 * A Map for keys that come and go all the time (open orders by client id): the same results
 * as a Map, insertion order included, but a delete leaves a tombstone instead of a hole, and
 * once the tombstones outnumber the live entries the live ones are copied into a fresh Map.
 *
 * Why: a V8 Map that is deleted from rehashes its table every few hundred inserts, and each
 * old table keeps a pointer to its successor. Once one table has been promoted to the old
 * generation (a full collection promotes every young object), every successor is kept alive
 * by its dead predecessor until the next full collection, and with it every order it
 * referenced: a chain that promoted ~20 MB of garbage per sweep backtest and made each young
 * collection several times slower. A fresh Map is not linked from the old one, so the chain
 * ends at each rebuild.
 */
const TOMBSTONE: unique symbol = Symbol('deleted');

/** Fewest tombstones worth a rebuild (small maps would otherwise rebuild every few deletes). */
const MIN_TOMBSTONES = 32;

export class ChurnMap<K, V extends {}> {
	private entries = new Map<K, V | typeof TOMBSTONE>();
	private live = 0;
	private tombstones = 0;

	get size(): number {
		return this.live;
	}

	get(key: K): V | undefined {
		const value = this.entries.get(key);
		return value === TOMBSTONE ? undefined : value;
	}

	has(key: K): boolean {
		const value = this.entries.get(key);
		return value !== undefined && value !== TOMBSTONE;
	}

	/** Never rebuilds while an iteration of this map may be running: only a new key rebuilds. */
	set(key: K, value: V): this {
		const current = this.entries.get(key);
		if (current === undefined) {
			this.live += 1;
			if (this.tombstones >= MIN_TOMBSTONES && this.tombstones >= 2 * this.live) this.rebuild();
		} else if (current === TOMBSTONE) {
			// A Map appends a key deleted and set again: delete the tombstone to keep that order.
			this.entries.delete(key);
			this.tombstones -= 1;
			this.live += 1;
		}
		this.entries.set(key, value);
		return this;
	}

	delete(key: K): boolean {
		const current = this.entries.get(key);
		if (current === undefined || current === TOMBSTONE) return false;
		this.entries.set(key, TOMBSTONE);
		this.live -= 1;
		this.tombstones += 1;
		return true;
	}

	*keys(): IterableIterator<K> {
		for (const [key, value] of this.entries) if (value !== TOMBSTONE) yield key;
	}

	*values(): IterableIterator<V> {
		for (const value of this.entries.values()) if (value !== TOMBSTONE) yield value;
	}

	*[Symbol.iterator](): IterableIterator<[K, V]> {
		for (const [key, value] of this.entries) if (value !== TOMBSTONE) yield [key, value];
	}

	private rebuild(): void {
		const fresh = new Map<K, V | typeof TOMBSTONE>();
		// forEach, not for-of: no [key, value] pair allocated per entry.
		this.entries.forEach((value, key) => {
			if (value !== TOMBSTONE) fresh.set(key, value);
		});
		this.entries = fresh;
		this.tombstones = 0;
	}
}
