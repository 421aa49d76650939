/**
 * A reader for the one Arrow IPC file layout the cache writes: one record batch of six
 * primitive, non-null columns (t Int32; o h l c v Uint32 or Float64), no dictionaries, no
 * compression. Its columns come back as typed-array views of the file's bytes (no copy).
 *
 * Why not the library: `tableFromIPC` builds schema, vector and table objects per file, about
 * 150 µs each; a load of 1,000 symbols spent more time there than reading the files. This
 * reader walks the footer and the batch header (FlatBuffers) with a DataView and checks every
 * offset against the file's size. Anything else (another writer's layout, several batches)
 * answers null, and the caller decodes with the library as before.
 */
import {microsColumn} from '../../core/money.js';
import type {BarColumns, IntColumn} from './columns.js';

const MAGIC = [0x41, 0x52, 0x52, 0x4f, 0x57, 0x31]; // "ARROW1"
const TYPE_INT = 2;
const TYPE_FLOAT = 3;
const PRECISION_DOUBLE = 2;
const HEADER_RECORD_BATCH = 3;
const NAMES = ['t', 'o', 'h', 'l', 'c', 'v'] as const;

class Layout extends Error {}

/** FlatBuffers tables over a DataView; every position checked against the bytes' bounds. */
class Flat {
	constructor(
		readonly view: DataView,
		/** Where the FlatBuffer starts (offsets inside it are relative to this). */
		readonly base: number,
		readonly end: number,
	) {}

	private check(at: number, size: number): number {
		if (at < this.base || at + size > this.end) throw new Layout();
		return at;
	}

	root(): number {
		return this.check(this.base + this.view.getUint32(this.check(this.base, 4), true), 4);
	}

	/** Position of field `index` of the table at `table`, or 0 when absent. */
	field(table: number, index: number): number {
		const vtable = this.check(table - this.view.getInt32(table, true), 4);
		const vtableSize = this.view.getUint16(vtable, true);
		const slot = 4 + 2 * index;
		if (slot + 2 > vtableSize) return 0;
		const offset = this.view.getUint16(this.check(vtable + slot, 2), true);
		return offset === 0 ? 0 : table + offset;
	}

	u8(table: number, index: number, fallback = 0): number {
		const at = this.field(table, index);
		return at === 0 ? fallback : this.view.getUint8(this.check(at, 1));
	}

	i16(table: number, index: number, fallback = 0): number {
		const at = this.field(table, index);
		return at === 0 ? fallback : this.view.getInt16(this.check(at, 2), true);
	}

	i32(table: number, index: number, fallback = 0): number {
		const at = this.field(table, index);
		return at === 0 ? fallback : this.view.getInt32(this.check(at, 4), true);
	}

	i64(at: number): number {
		this.check(at, 8);
		const high = this.view.getInt32(at + 4, true);
		if (high < 0 || high > 0x1f_ffff) throw new Layout();
		return high * 2 ** 32 + this.view.getUint32(at, true);
	}

	i64Field(table: number, index: number): number {
		const at = this.field(table, index);
		return at === 0 ? 0 : this.i64(at);
	}

	/** Position of the table (or vector, string) a field refers to, or 0 when absent. */
	ref(table: number, index: number): number {
		const at = this.field(table, index);
		if (at === 0) return 0;
		return this.check(at + this.view.getUint32(this.check(at, 4), true), 4);
	}

	/** A vector's element count and first element's position (elements follow inline). */
	vector(at: number, elementSize: number): {count: number; first: number} {
		const count = this.view.getUint32(at, true);
		this.check(at + 4, count * elementSize);
		return {count, first: at + 4};
	}

	/** The table an element of a vector of tables refers to. */
	element(first: number, i: number): number {
		const at = first + 4 * i;
		return this.check(at + this.view.getUint32(this.check(at, 4), true), 4);
	}

	string(at: number): string {
		const {count, first} = this.vector(at, 1);
		let s = '';
		for (let i = 0; i < count; i++) s += String.fromCharCode(this.view.getUint8(first + i));
		return s;
	}
}

type Kind = 'int32' | 'uint32' | 'float64';

function fieldKind(flat: Flat, field: number): Kind | null {
	if (flat.ref(field, 4) !== 0) return null; // dictionary-encoded
	const children = flat.ref(field, 5);
	if (children !== 0 && flat.vector(children, 4).count > 0) return null;
	const typeType = flat.u8(field, 2);
	const type = flat.ref(field, 3);
	if (type === 0) return null;
	if (typeType === TYPE_INT && flat.i32(type, 0) === 32) return flat.u8(type, 1) === 1 ? 'int32' : 'uint32';
	if (typeType === TYPE_FLOAT && flat.i16(type, 0) === PRECISION_DOUBLE) return 'float64';
	return null;
}

function view(bytes: Uint8Array, kind: Kind, at: number, rows: number): Int32Array | IntColumn {
	const absolute = bytes.byteOffset + at;
	const width = kind === 'float64' ? 8 : 4;
	// Aligned: a view of the file's bytes. Otherwise (a Buffer from a pool) a copy.
	const source = absolute % width === 0 ? bytes.buffer : bytes.buffer.slice(absolute, absolute + rows * width);
	const offset = absolute % width === 0 ? absolute : 0;
	if (kind === 'int32') return new Int32Array(source, offset, rows);
	if (kind === 'uint32') return new Uint32Array(source, offset, rows);
	return new Float64Array(source, offset, rows);
}

function decode(bytes: Uint8Array): BarColumns | null {
	const size = bytes.length;
	if (size < 24) return null;
	for (let i = 0; i < 6; i++) if (bytes[i] !== MAGIC[i] || bytes[size - 6 + i] !== MAGIC[i]) return null;
	const dv = new DataView(bytes.buffer, bytes.byteOffset, size);
	const footerLength = dv.getInt32(size - 10, true);
	const footerStart = size - 10 - footerLength;
	if (footerLength <= 0 || footerStart < 8) return null;
	const footer = new Flat(dv, footerStart, size - 10);
	const root = footer.root();
	const schema = footer.ref(root, 1);
	if (schema === 0 || footer.i16(schema, 0) !== 0) return null; // little-endian only
	const dictionaries = footer.ref(root, 2);
	if (dictionaries !== 0 && footer.vector(dictionaries, 24).count > 0) return null;
	const batches = footer.ref(root, 3);
	if (batches === 0) return null;
	const blocks = footer.vector(batches, 24);
	if (blocks.count !== 1) return null;
	const fieldsAt = footer.ref(schema, 1);
	if (fieldsAt === 0) return null;
	const fields = footer.vector(fieldsAt, 4);
	if (fields.count !== NAMES.length) return null;
	const kinds: Kind[] = [];
	const names: string[] = [];
	for (let i = 0; i < fields.count; i++) {
		const field = footer.element(fields.first, i);
		const nameAt = footer.ref(field, 0);
		const kind = fieldKind(footer, field);
		if (nameAt === 0 || kind === null) return null;
		names.push(footer.string(nameAt));
		kinds.push(kind);
	}

	const blockOffset = footer.i64(blocks.first);
	const metaLength = dv.getInt32(blocks.first + 8, true);
	const bodyLength = footer.i64(blocks.first + 16);
	const bodyStart = blockOffset + metaLength;
	if (blockOffset < 8 || metaLength < 8 || bodyStart + bodyLength > footerStart) return null;
	// Encapsulated message: 0xFFFFFFFF, the metadata's length, then the Message FlatBuffer.
	if (dv.getUint32(blockOffset, true) !== 0xffff_ffff) return null;
	const message = new Flat(dv, blockOffset + 8, bodyStart);
	const messageRoot = message.root();
	if (message.u8(messageRoot, 1) !== HEADER_RECORD_BATCH) return null;
	const batch = message.ref(messageRoot, 2);
	if (batch === 0 || message.ref(batch, 3) !== 0) return null; // compressed
	const rows = message.i64Field(batch, 0);
	const nodesAt = message.ref(batch, 1);
	const buffersAt = message.ref(batch, 2);
	if (nodesAt === 0 || buffersAt === 0) return null;
	const nodes = message.vector(nodesAt, 16);
	const buffers = message.vector(buffersAt, 16);
	if (nodes.count !== NAMES.length || buffers.count !== 2 * NAMES.length) return null;

	const out: Partial<Record<(typeof NAMES)[number], Int32Array | IntColumn>> = {};
	for (let i = 0; i < NAMES.length; i++) {
		const node = nodes.first + 16 * i;
		if (message.i64(node) !== rows || message.i64(node + 8) !== 0) return null; // nulls
		const data = buffers.first + 16 * (2 * i + 1);
		const offset = message.i64(data);
		const length = message.i64(data + 8);
		const width = kinds[i] === 'float64' ? 8 : 4;
		if (length < rows * width || offset + length > bodyLength) return null;
		const name = names[i] as (typeof NAMES)[number];
		if (!NAMES.includes(name) || out[name] || (name === 't') !== (kinds[i] === 'int32')) return null;
		out[name] = view(bytes, kinds[i]!, bodyStart + offset, rows);
	}
	return {
		length: rows,
		t: out.t as Int32Array,
		o: microsColumn(out.o as IntColumn),
		h: microsColumn(out.h as IntColumn),
		l: microsColumn(out.l as IntColumn),
		c: microsColumn(out.c as IntColumn),
		v: out.v as IntColumn,
	};
}

/**
 * The cache's layout read without the library: columns as views of `bytes`, or null when the
 * file is laid out some other way (or its offsets do not add up).
 */
export function readBarFile(bytes: Uint8Array): BarColumns | null {
	try {
		return decode(bytes);
	} catch (error) {
		if (error instanceof Layout || error instanceof RangeError) return null;
		throw error;
	}
}
