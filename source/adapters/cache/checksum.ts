/**
 * CRC-32 of a file's bytes, recorded in the manifest and checked on every read, so a damaged
 * file is refused instead of yielding a wrong bar. zlib's native crc32 (Node >= 20.15) runs
 * at memory speed; older Node 20 releases fall back to a table-driven loop.
 */
import * as zlib from 'node:zlib';

let table: Uint32Array | null = null;

function slowCrc32(bytes: Uint8Array): number {
	if (!table) {
		table = new Uint32Array(256);
		for (let n = 0; n < 256; n++) {
			let c = n;
			for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
			table[n] = c >>> 0;
		}
	}
	let crc = 0xffffffff;
	for (let i = 0; i < bytes.length; i++) crc = table[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
	return (crc ^ 0xffffffff) >>> 0;
}

const native = (zlib as {crc32?: (data: Uint8Array) => number}).crc32;

export function crc32(bytes: Uint8Array): number {
	return native ? native(bytes) >>> 0 : slowCrc32(bytes);
}
