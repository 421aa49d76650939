/**
 * The trade-updates websocket (`/stream`). No welcome message; the client authenticates with
 * either `{"action":"auth","key","secret"}` or the legacy
 * `{"action":"authenticate","data":{"key_id","secret_key"}}` (what SDK v4 sends), gets an
 * `authorization` frame, then `listen`s to `trade_updates` (full desired set; [] stops).
 * Frames are JSON in binary frames as the paper server sends them (msgpack when the upgrade
 * asked for it). Several connections per account are allowed, as Alpaca does.
 */
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, WebSocket, type RawData} from 'ws';
import type {KeyCheck} from './auth.js';
import type {DropMode} from './faults.js';
import {pingRoundTrip} from './idle.js';
import {codecOf, decodeFrame, encodeFrame, type Codec} from './ws-codec.js';
import {AUTH_TIMEOUT_MS, guardBeforeAuth, MAX_FRAME_BYTES} from './ws-guard.js';

const KNOWN_STREAMS = new Set(['trade_updates']);

interface TradeClient {
	readonly ws: WebSocket;
	readonly codec: Codec;
	authed: boolean;
	keyId: string;
	streams: string[];
	timer: NodeJS.Timeout | undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class TradeStreamServer {
	private readonly wss = new WebSocketServer({noServer: true, autoPong: false, perMessageDeflate: false, clientTracking: false, maxPayload: MAX_FRAME_BYTES});
	private readonly clients = new Set<TradeClient>();
	private silent = false;
	private readonly authTimeoutMs: number;
	/** Frames sent to clients so far (whenIdle: did anything go out while we waited?). */
	framesSent = 0;

	/** `authTimeoutMs`: close a connection not authenticated after this long (default 10 s). */
	constructor(
		private readonly auth: KeyCheck,
		options: {authTimeoutMs?: number} = {},
	) {
		this.authTimeoutMs = options.authTimeoutMs ?? AUTH_TIMEOUT_MS;
	}

	get connectionCount(): number {
		return this.clients.size;
	}

	/** Authenticated clients listening to trade_updates. */
	get listenerCount(): number {
		let count = 0;
		for (const client of this.clients) if (client.authed && client.streams.includes('trade_updates')) count += 1;
		return count;
	}

	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
		this.wss.handleUpgrade(request, socket, head, ws => this.accept(ws, request, socket));
	}

	private accept(ws: WebSocket, request: IncomingMessage, socket: Duplex): void {
		const client: TradeClient = {ws, codec: codecOf(request), authed: false, keyId: '', streams: [], timer: undefined};
		this.clients.add(client);
		guardBeforeAuth(
			socket,
			() => client.authed,
			() => this.forget(client, 'terminate'),
		);
		client.timer = setTimeout(() => {
			client.timer = undefined;
			if (client.authed) return;
			this.send(client, {stream: 'authorization', data: {action: 'authenticate', status: 'unauthorized', error: 'auth timeout'}});
			this.forget(client, 'close');
		}, this.authTimeoutMs);
		ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(client, data, isBinary));
		ws.on('ping', (data: Buffer) => {
			if (!this.silent && ws.readyState === WebSocket.OPEN) ws.pong(data);
		});
		ws.on('close', () => this.forget(client, null));
		ws.on('error', () => this.forget(client, 'terminate'));
	}

	private forget(client: TradeClient, how: DropMode | null): void {
		if (client.timer) clearTimeout(client.timer);
		client.timer = undefined;
		this.clients.delete(client);
		if (how === 'close') client.ws.close(1008, 'auth timeout');
		else if (how === 'terminate') client.ws.terminate();
	}

	private onMessage(client: TradeClient, data: RawData, isBinary: boolean): void {
		let message: unknown;
		try {
			message = decodeFrame(data, isBinary, client.codec);
		} catch {
			this.send(client, {action: 'error', data: {error_message: 'invalid syntax'}});
			return;
		}
		if (!isRecord(message)) {
			this.send(client, {action: 'error', data: {error_message: 'invalid syntax'}});
			return;
		}
		const payload = isRecord(message['data']) ? message['data'] : {};
		switch (message['action']) {
			case 'auth':
				this.authenticate(client, message['key'], message['secret']);
				return;
			case 'authenticate':
				this.authenticate(client, payload['key_id'], payload['secret_key']);
				return;
			case 'listen':
				this.listen(client, payload['streams']);
				return;
			default:
				this.send(client, {action: 'error', data: {error_message: 'invalid action'}});
		}
	}

	private authenticate(client: TradeClient, key: unknown, secret: unknown): void {
		const outcome = this.auth.check(key, secret);
		if (!outcome.ok) {
			this.send(client, {stream: 'authorization', data: {action: 'authenticate', status: 'unauthorized'}});
			client.ws.close(1008, 'unauthorized');
			return;
		}
		client.authed = true;
		client.keyId = outcome.keyId;
		if (client.timer) clearTimeout(client.timer);
		client.timer = undefined;
		this.send(client, {stream: 'authorization', data: {action: 'authenticate', status: 'authorized'}});
	}

	private listen(client: TradeClient, streams: unknown): void {
		if (!client.authed) {
			this.send(client, {stream: 'authorization', data: {action: 'listen', status: 'unauthorized'}});
			return;
		}
		const wanted = Array.isArray(streams) ? streams.filter((s): s is string => typeof s === 'string' && KNOWN_STREAMS.has(s)) : [];
		client.streams = [...new Set(wanted)];
		this.send(client, {stream: 'listening', data: {streams: client.streams}});
	}

	/** Send a trade update to every authenticated client listening to trade_updates. */
	broadcast(data: Record<string, unknown>): void {
		for (const client of this.clients) {
			if (client.authed && client.streams.includes('trade_updates')) this.send(client, {stream: 'trade_updates', data});
		}
	}

	/** A raw frame to every authenticated client (fault injection): bytes as they are. */
	inject(frame: unknown): number {
		let count = 0;
		for (const client of this.clients) {
			if (!client.authed || this.silent || client.ws.readyState !== WebSocket.OPEN) continue;
			client.ws.send(typeof frame === 'string' || Buffer.isBuffer(frame) ? frame : encodeFrame(frame, client.codec), {binary: typeof frame !== 'string'});
			this.framesSent += 1;
			count += 1;
		}
		return count;
	}

	private send(client: TradeClient, frame: unknown): void {
		if (this.silent || client.ws.readyState !== WebSocket.OPEN) return;
		this.framesSent += 1;
		client.ws.send(encodeFrame(frame, client.codec), {binary: true});
	}

	/** Resolves once every client has handled every frame sent to it (a ping round trip each). */
	flush(timeoutMs: number): Promise<void> {
		if (this.silent) return Promise.resolve();
		return Promise.all([...this.clients].map(client => pingRoundTrip(client.ws, timeoutMs))).then(() => {});
	}

	setSilent(on: boolean): void {
		this.silent = on;
	}

	drop(how: DropMode): number {
		const count = this.clients.size;
		for (const client of [...this.clients]) {
			if (client.timer) clearTimeout(client.timer);
			if (how === 'close') client.ws.close(1001, 'going away');
			else client.ws.terminate();
			this.clients.delete(client);
		}
		return count;
	}

	close(): void {
		this.drop('terminate');
		this.wss.close();
	}
}
