import type {LogLine} from '../engine/snapshot.js';

/**
 * The last log lines in a bounded ring (what the console shows and writes to its log file).
 * `lines()` returns a fresh array only when something changed since the last call.
 */
export class LogBuffer {
	private readonly ring: LogLine[] = [];
	private cached: readonly LogLine[] = [];
	private dirty = false;

	constructor(private readonly capacity = 300) {}

	readonly push = (line: LogLine): void => {
		this.ring.push(line);
		if (this.ring.length > this.capacity * 2) this.ring.splice(0, this.ring.length - this.capacity);
		this.dirty = true;
	};

	lines(): readonly LogLine[] {
		if (this.dirty) {
			this.cached = this.ring.slice(-this.capacity);
			this.dirty = false;
		}
		return this.cached;
	}
}
