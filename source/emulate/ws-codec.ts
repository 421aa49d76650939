/**
 * Frame codecs shared by both sockets: msgpack when the upgrade request says
 * `Content-Type: application/msgpack`, JSON otherwise. Incoming binary frames are msgpack on a
 * msgpack socket; text frames (and binary frames on a JSON socket) are JSON.
 */
import type {IncomingMessage} from 'node:http';
import {decode, encode, encodeTimeSpecToTimestamp, ExtData, EXT_TIMESTAMP} from '@msgpack/msgpack';
import {rfc3339} from './wire-format.js';

export type Codec = 'msgpack' | 'json';

export function codecOf(request: IncomingMessage): Codec {
	const type = request.headers['content-type'];
	return typeof type === 'string' && type.toLowerCase().includes('application/msgpack') ? 'msgpack' : 'json';
}

/** An instant inside a market-data message: a msgpack timestamp (ext -1) or an RFC 3339 string. */
export class WireTime {
	constructor(
		readonly ms: number,
		readonly ns = 0,
	) {}

	toExt(): ExtData {
		const sec = Math.floor(this.ms / 1000);
		const nsec = (this.ms - sec * 1000) * 1_000_000 + this.ns;
		return new ExtData(EXT_TIMESTAMP, encodeTimeSpecToTimestamp({sec, nsec}));
	}

	toJSON(): string {
		return rfc3339(this.ms, this.ns);
	}
}

function forMsgpack(value: unknown): unknown {
	if (value instanceof WireTime) return value.toExt();
	if (Array.isArray(value)) return value.map(forMsgpack);
	if (typeof value === 'object' && value !== null) {
		const out: Record<string, unknown> = {};
		for (const [key, v] of Object.entries(value)) out[key] = forMsgpack(v);
		return out;
	}
	return value;
}

export function encodeFrame(value: unknown, codec: Codec): Buffer {
	if (codec === 'msgpack') {
		const bytes = encode(forMsgpack(value));
		return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
	}
	return Buffer.from(JSON.stringify(value), 'utf8');
}

/** Decode a client frame; throws on malformed input. */
export function decodeFrame(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean, codec: Codec): unknown {
	const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
	if (isBinary && codec === 'msgpack') return decode(buffer);
	return JSON.parse(buffer.toString('utf8'));
}
