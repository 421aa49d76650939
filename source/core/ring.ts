/** Fixed-capacity ring of numbers: O(1) push, indexed from the newest; no allocation per push. */
export class NumberRing {
	private readonly data: Float64Array;
	private head = 0;
	private count = 0;

	constructor(readonly capacity: number) {
		if (!(capacity > 0)) throw new RangeError('capacity must be positive');
		this.data = new Float64Array(capacity);
	}

	get length(): number {
		return this.count;
	}

	/** Push a value; returns the value that fell out, or NaN when the ring was not full. */
	push(value: number): number {
		const dropped = this.count === this.capacity ? this.data[this.head]! : Number.NaN;
		this.data[this.head] = value;
		this.head = (this.head + 1) % this.capacity;
		if (this.count < this.capacity) this.count += 1;
		return dropped;
	}

	/** ago = 0 is the newest value, 1 the one before, ... */
	back(ago: number): number {
		if (ago < 0 || ago >= this.count) return Number.NaN;
		let index = this.head - 1 - ago;
		if (index < 0) index += this.capacity;
		return this.data[index]!;
	}

	clear(): void {
		this.head = 0;
		this.count = 0;
	}

	/** Oldest first. Allocates; for snapshots, never for hot paths. */
	toArray(): number[] {
		const out = new Array<number>(this.count);
		for (let i = 0; i < this.count; i++) out[i] = this.back(this.count - 1 - i);
		return out;
	}
}

/**
 * Exact rolling sum over the last `window` integer values (micro-dollar closes), keeping
 * one extra value so the sum of the previous window is also known in O(1).
 */
export class RollingSum {
	private readonly ring: NumberRing;
	private sumValue = 0;

	constructor(readonly window: number) {
		this.ring = new NumberRing(window + 1);
	}

	get length(): number {
		return this.ring.length;
	}

	push(value: number): void {
		this.ring.push(value);
		this.sumValue += value;
		// The ring keeps window + 1 values; the sum covers only the newest `window`.
		if (this.ring.length > this.window) this.sumValue -= this.ring.back(this.window);
	}

	/** Sum of the newest `window` values (valid once length >= window). */
	get sum(): number {
		return this.sumValue;
	}

	/** Sum of the window ending one value earlier (valid once length > window). */
	get previousSum(): number {
		return this.sumValue - this.ring.back(0) + this.ring.back(this.window);
	}

	back(ago: number): number {
		return this.ring.back(ago);
	}

	clear(): void {
		this.ring.clear();
		this.sumValue = 0;
	}
}
