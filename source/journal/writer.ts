import {closeSync, fstatSync, fsyncSync, openSync, readSync, writeSync} from 'node:fs';
import type {Journal, JournalRecord} from './records.js';

export interface FileJournalOptions {
	/**
	 * `sync`: every record is written with one write(2) as it happens (live, paper, sim console).
	 * `buffered`: records collect in memory and go out in whole lines every `bufferBytes` and on
	 * flush/close (backtests, where the run is reproducible and throughput matters).
	 */
	readonly mode: 'sync' | 'buffered';
	readonly bufferBytes?: number;
	/** Written into every record as `run`, so interleaved runs in one journal stay apart. */
	readonly run?: string;
}

/** Serialize one record as a JSON line with `ts` as ISO-8601 UTC milliseconds. */
export function serializeRecord(record: JournalRecord): string {
	return serializeRunRecord(record, undefined);
}

/** The last `ts` turned into ISO text: records come in bursts of one market time. */
let isoOf = Number.NaN;
let iso = '';

/**
 * The same line with the writer's run id after `ts` (a separate function: map() passes an index).
 * A flat record (ts first; strings, finite or non-finite numbers, booleans, null) is encoded
 * field by field, as JSON.stringify would lay it out; anything else takes the general path.
 * Both give the same bytes (test/journal pins it); the direct one is ~3x faster, and a
 * journaled backtest writes a million lines.
 */
export function serializeRunRecord(record: JournalRecord, run: string | undefined): string {
	const line = encodeFlat(record, run);
	if (line !== null) return line;
	const {ts, ...rest} = record;
	return JSON.stringify(run === undefined ? {ts: new Date(ts).toISOString(), ...rest} : {ts: new Date(ts).toISOString(), run, ...rest}) + '\n';
}

/** Strings JSON.stringify leaves as they are between quotes (surrogates: let it decide). */
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;

const quote = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** `,"key":` per key seen (records reuse a few dozen keys). */
const keyPrefixes = new Map<string, string>();

function keyPrefix(key: string): string {
	let prefix = keyPrefixes.get(key);
	if (prefix === undefined) {
		prefix = `,${JSON.stringify(key)}:`;
		keyPrefixes.set(key, prefix);
	}
	return prefix;
}

/**
 * The line of a flat record whose first key is a finite `ts`, or null for anything else (a
 * nested value, a toJSON, a `run` of its own, integer-like keys: those come first).
 */
function encodeFlat(record: JournalRecord, run: string | undefined): string | null {
	const ts = record.ts;
	if (typeof ts !== 'number' || !Number.isFinite(ts) || (record as {toJSON?: unknown}).toJSON !== undefined) return null;
	if (ts !== isoOf) {
		iso = new Date(ts).toISOString();
		isoOf = ts;
	}
	let out = run === undefined ? `{"ts":"${iso}"` : `{"ts":"${iso}","run":${JSON.stringify(run)}`;
	let first = true;
	const fields = record as Record<string, unknown>;
	for (const key in fields) {
		if (first) {
			first = false;
			if (key !== 'ts') return null;
			continue;
		}
		if (key === 'run' && run !== undefined) return null;
		const value = fields[key];
		switch (typeof value) {
			case 'string':
				out += keyPrefix(key) + quote(value);
				break;
			case 'number':
				out += keyPrefix(key) + (Number.isFinite(value) ? `${value}` : 'null');
				break;
			case 'boolean':
				out += keyPrefix(key) + (value ? 'true' : 'false');
				break;
			case 'undefined':
				break;
			default:
				if (value !== null) return null;
				out += `${keyPrefix(key)}null`;
		}
	}
	return first ? null : `${out}}\n`;
}

/**
 * Append-only JSONL journal. Opened with O_APPEND so an existing journal is never truncated,
 * and each line goes out in a single write so a crash leaves at most one torn last line.
 */
export class FileJournal implements Journal {
	readonly path: string;
	readonly run: string | undefined;
	private fd: number | null;
	private readonly mode: 'sync' | 'buffered';
	private readonly bufferBytes: number;
	/** Buffered mode: encoded lines not yet written ([0, used) of `buffer`). */
	private buffer: Buffer | null = null;
	private used = 0;
	private failure: NodeJS.ErrnoException | null = null;
	private readonly failureListeners: ((error: NodeJS.ErrnoException) => void)[] = [];

	constructor(path: string, options: FileJournalOptions = {mode: 'sync'}) {
		this.path = path;
		this.run = options.run;
		this.fd = openSync(path, 'a+');
		this.mode = options.mode;
		this.bufferBytes = options.bufferBytes ?? 1 << 20;
		this.endTornTail();
	}

	/** A crash can leave a last line without its newline: end it, so new lines stay whole. */
	private endTornTail(): void {
		const size = fstatSync(this.fd!).size;
		if (size === 0) return;
		const last = Buffer.alloc(1);
		readSync(this.fd!, last, 0, 1, size - 1);
		if (last[0] !== 0x0a) this.writeAll('\n');
	}

	/**
	 * Called once, after the first write that failed (a full disk, an I/O error). From then on
	 * nothing more is written (a line could land half), and writes never throw: the session
	 * decides what to do (stop trading, shut down), not the code that happened to journal.
	 */
	onFailure(listener: (error: NodeJS.ErrnoException) => void): () => void {
		this.failureListeners.push(listener);
		return () => {
			const i = this.failureListeners.indexOf(listener);
			if (i >= 0) this.failureListeners.splice(i, 1);
		};
	}

	/** The first write error, or null. */
	get failed(): NodeJS.ErrnoException | null {
		return this.failure;
	}

	write(record: JournalRecord): void {
		if (this.fd === null) return;
		const line = serializeRunRecord(record, this.run);
		if (this.mode === 'sync') {
			this.writeOut(line);
			return;
		}
		// Lines are encoded straight into one buffer (no joined string, no copy per flush).
		// A UTF-16 unit takes at most 3 bytes of UTF-8: that bound decides when to flush first.
		this.buffer ??= Buffer.allocUnsafe(this.bufferBytes);
		const buffer = this.buffer;
		if (this.used + line.length * 3 > buffer.length) {
			this.flush();
			if (line.length * 3 > buffer.length) {
				this.writeOut(line);
				return;
			}
		}
		this.used += buffer.write(line, this.used, 'utf8');
	}

	flush(): void {
		if (this.fd === null || this.used === 0) return;
		const bytes = this.used;
		this.used = 0;
		this.writeOut(this.buffer!, bytes);
	}

	close(): void {
		if (this.fd === null) return;
		this.flush();
		try {
			fsyncSync(this.fd);
		} catch {
			// fsync can fail on pipes or special files; the data is already written.
		}
		try {
			closeSync(this.fd);
		} catch {
			// Nothing left to save: a failed close was a failed write, reported already.
		}
		this.fd = null;
	}

	private writeOut(data: string | Buffer, length = data.length): void {
		if (this.failure !== null) return;
		try {
			this.writeAll(data, length);
		} catch (error) {
			this.failure = error as NodeJS.ErrnoException;
			this.used = 0;
			// Later, not inside the journaling call: a listener may shut the session down.
			const failure = this.failure;
			queueMicrotask(() => {
				for (const listener of [...this.failureListeners]) listener(failure);
			});
		}
	}

	private writeAll(data: string | Buffer, length = data.length): void {
		const buffer = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
		const end = typeof data === 'string' ? buffer.length : length;
		let offset = 0;
		while (offset < end) offset += writeSync(this.fd!, buffer, offset, end - offset);
	}
}
