/**
 * Shared fixtures for the emulator tests: small deterministic minute bars, an emulator on a
 * free loopback port with manual stepping, a raw-fetch helper and a raw-ws message collector.
 */
import {decode, decodeTimestampToTimeSpec, encode, ExtensionCodec, EXT_TIMESTAMP} from '@msgpack/msgpack';
import {WebSocket, type RawData} from 'ws';
import {dollarsToMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import type {Bar} from '../../source/core/types.js';
import {startEmulator, type EmulatorHandle, type EmulatorOptions} from '../../source/emulate/server.js';

export const KEYS = {keyId: 'TESTKEY1', secret: 'test-secret-1'} as const;
export const DAY1 = '2019-02-11';
export const DAY2 = '2019-02-12';

/**
 * Minute i (from 09:30 New York) of a symbol: open = base + i * step, high = open + 0.50,
 * low = open - 0.50, close = open + 0.20, volume 1000 + i.
 */
export function minuteBars(symbol: string, date: string, count: number, base: number, step = 0.1): Bar[] {
	const bars: Bar[] = [];
	for (let i = 0; i < count; i++) {
		const open = Math.round((base + i * step) * 100) / 100;
		bars.push({
			symbol,
			start: nyTime(date, 9, 30 + i),
			open: dollarsToMicros(open),
			high: dollarsToMicros(open + 0.5),
			low: dollarsToMicros(open - 0.5),
			close: dollarsToMicros(open + 0.2),
			volume: 1000 + i,
		});
	}
	return bars;
}

/** AAPL and MSFT: 5 minutes on DAY1, 3 on DAY2. */
export function sampleBars(): Map<string, Bar[]> {
	return new Map([
		['AAPL', [...minuteBars('AAPL', DAY1, 5, 170), ...minuteBars('AAPL', DAY2, 3, 171)]],
		['MSFT', [...minuteBars('MSFT', DAY1, 5, 105, 0.05), ...minuteBars('MSFT', DAY2, 3, 106, 0.05)]],
	]);
}

export function startTestEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
	return startEmulator({bars: sampleBars(), keys: KEYS, manualClock: true, rateLimitPerMinute: 0, ...options});
}

export interface Reply {
	readonly status: number;
	readonly headers: Headers;
	readonly body: any;
}

export async function api(
	handle: EmulatorHandle,
	method: string,
	path: string,
	body?: unknown,
	keys: {keyId: string; secret: string} | null = KEYS,
): Promise<Reply> {
	const headers: Record<string, string> = {};
	if (keys) {
		headers['APCA-API-KEY-ID'] = keys.keyId;
		headers['APCA-API-SECRET-KEY'] = keys.secret;
	}
	if (body !== undefined) headers['Content-Type'] = 'application/json';
	const response = await fetch(`${handle.baseUrl}${path}`, {
		method,
		headers,
		...(body === undefined ? {} : {body: typeof body === 'string' ? body : JSON.stringify(body)}),
	});
	const text = await response.text();
	return {status: response.status, headers: response.headers, body: text === '' ? null : JSON.parse(text)};
}

export function limitBuy(symbol: string, qty: number, limit: string, clientOrderId?: string): Record<string, unknown> {
	return {
		symbol,
		qty: String(qty),
		side: 'buy',
		type: 'limit',
		time_in_force: 'day',
		limit_price: limit,
		...(clientOrderId ? {client_order_id: clientOrderId} : {}),
	};
}

/** Timestamps decoded as {sec, nsec} so tests can check the ext -1 encoding. */
export const timestampCodec = new ExtensionCodec();
timestampCodec.register({type: EXT_TIMESTAMP, encode: () => null, decode: (data: Uint8Array) => decodeTimestampToTimeSpec(data)});

/** A raw websocket that records every decoded message and lets a test wait for one. */
export class Probe {
	readonly messages: any[] = [];
	readonly binaryFlags: boolean[] = [];
	private waiters: Array<{test: (m: any) => boolean; resolve: (m: any) => void; reject: (e: Error) => void; timer: NodeJS.Timeout}> = [];
	closed = false;
	closeCode = 0;

	private constructor(
		readonly ws: WebSocket,
		readonly codec: 'msgpack' | 'json',
	) {
		ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(data, isBinary));
		ws.on('close', code => {
			this.closed = true;
			this.closeCode = code;
			for (const w of this.waiters) {
				clearTimeout(w.timer);
				w.reject(new Error(`socket closed (${code}) while waiting; got ${JSON.stringify(this.messages)}`));
			}
			this.waiters = [];
		});
		ws.on('error', () => {});
	}

	static open(url: string, codec: 'msgpack' | 'json', headers: Record<string, string> = {}): Promise<Probe> {
		const ws = new WebSocket(url, {headers: codec === 'msgpack' ? {'Content-Type': 'application/msgpack', ...headers} : headers, perMessageDeflate: false});
		const probe = new Probe(ws, codec);
		return new Promise((resolve, reject) => {
			ws.once('open', () => resolve(probe));
			ws.once('error', reject);
			ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
		});
	}

	private onMessage(data: RawData, isBinary: boolean): void {
		const buffer = Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);
		const decoded = this.codec === 'msgpack' && isBinary ? decode(buffer, {extensionCodec: timestampCodec}) : JSON.parse(buffer.toString('utf8'));
		const items = Array.isArray(decoded) ? decoded : [decoded];
		for (const item of items) {
			this.messages.push(item);
			this.binaryFlags.push(isBinary);
			for (const w of [...this.waiters]) {
				if (w.test(item)) {
					clearTimeout(w.timer);
					this.waiters.splice(this.waiters.indexOf(w), 1);
					w.resolve(item);
				}
			}
		}
	}

	send(value: unknown): void {
		if (this.codec === 'msgpack') {
			this.ws.send(encode(value), {binary: true});
		} else {
			this.ws.send(JSON.stringify(value));
		}
	}

	/** Wait for a message (already received or future) matching `test`. */
	waitFor(test: (m: any) => boolean, timeoutMs = 3000, from = 0): Promise<any> {
		const seen = this.messages.slice(from).find(test);
		if (seen !== undefined) return Promise.resolve(seen);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				this.waiters = this.waiters.filter(w => w.timer !== timer);
				reject(new Error(`timed out waiting; got ${JSON.stringify(this.messages)}`));
			}, timeoutMs);
			this.waiters.push({test, resolve, reject, timer});
		});
	}

	waitClosed(timeoutMs = 3000): Promise<number> {
		if (this.closed) return Promise.resolve(this.closeCode);
		return new Promise((resolve, reject) => {
			const timer = setTimeout(() => reject(new Error('socket did not close')), timeoutMs);
			this.ws.once('close', code => {
				clearTimeout(timer);
				resolve(code);
			});
		});
	}

	close(): void {
		this.ws.terminate();
	}
}

/** Let queued socket frames arrive (a few event-loop turns, no wall-clock assertion). */
export async function settle(rounds = 5): Promise<void> {
	for (let i = 0; i < rounds; i++) await new Promise(resolve => setTimeout(resolve, 5));
}
