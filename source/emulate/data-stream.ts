/**
 * The market-data websocket (`/v2/{feed}`). msgpack when the upgrade carries
 * `Content-Type: application/msgpack` (SDK v4 always does), JSON otherwise; every server frame
 * is an array of messages; timestamps are msgpack ext -1 (RFC 3339 in JSON). Handshake:
 * `connected` on open, `auth` within the auth timeout (10 s) or error 404 + close; one
 * authenticated connection per key and feed (406 + close for the next one). Subscriptions are
 * answered with the full current state. At each replay arrival the subscribed bars, their
 * trades and the running daily bars go out; in tick mode each quote and trade goes out as the
 * replay reaches it (and a tick symbol's bars stand for no trade of their own).
 */
import type {IncomingMessage} from 'node:http';
import type {Duplex} from 'node:stream';
import {WebSocketServer, WebSocket, type RawData} from 'ws';
import type {KeyCheck} from './auth.js';
import type {DropMode} from './faults.js';
import {barFields, minuteBar, tickFields, tradeFields, type Message} from './market-json.js';
import type {MarketReplay, StepReport} from './replay.js';
import {pingRoundTrip} from './idle.js';
import {codecOf, decodeFrame, encodeFrame, WireTime, type Codec} from './ws-codec.js';
import {AUTH_TIMEOUT_MS, guardBeforeAuth, MAX_FRAME_BYTES} from './ws-guard.js';

export const DATA_FEEDS = new Set(['iex', 'sip', 'delayed_sip', 'boats', 'overnight', 'test']);

/** Channels a stock stream accepts (corrections and cancelErrors follow trades). */
const CHANNELS = ['trades', 'quotes', 'bars', 'updatedBars', 'dailyBars', 'statuses', 'lulds', 'imbalances'] as const;
type Channel = (typeof CHANNELS)[number];
const FOREIGN_CHANNELS = new Set(['orderbooks', 'news']);

export const STREAM_ERROR: Readonly<Record<number, string>> = {
	400: 'invalid syntax',
	401: 'not authenticated',
	402: 'auth failed',
	403: 'already authenticated',
	404: 'auth timeout',
	405: 'symbol limit exceeded',
	406: 'connection limit exceeded',
	407: 'slow client',
	409: 'insufficient subscription',
	410: 'invalid subscribe action for this feed',
	500: 'internal error',
};

interface DataClient {
	readonly ws: WebSocket;
	readonly codec: Codec;
	readonly feed: string;
	authed: boolean;
	keyId: string;
	readonly subs: Map<Channel, Set<string>>;
	timer: NodeJS.Timeout | undefined;
}

export interface DataStreamOptions {
	readonly auth: KeyCheck;
	readonly replay: MarketReplay;
	/** Close a connection that has not authenticated after this long (default 10 s). */
	readonly authTimeoutMs?: number;
	/** Most symbols over all channels of one connection (default unlimited). */
	readonly symbolLimit?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class DataStreamServer {
	private readonly wss = new WebSocketServer({noServer: true, autoPong: false, perMessageDeflate: false, clientTracking: false, maxPayload: MAX_FRAME_BYTES});
	private readonly clients = new Set<DataClient>();
	private silent = false;
	/** Frames sent to clients so far (whenIdle: did anything go out while we waited?). */
	framesSent = 0;
	/** Trade ids of streamed ticks, per symbol. */
	private readonly tradeIds = new Map<string, number>();
	private readonly authTimeoutMs: number;
	private readonly symbolLimit: number;

	constructor(private readonly options: DataStreamOptions) {
		this.authTimeoutMs = options.authTimeoutMs ?? AUTH_TIMEOUT_MS;
		this.symbolLimit = options.symbolLimit ?? Number.POSITIVE_INFINITY;
	}

	get connectionCount(): number {
		return this.clients.size;
	}

	/** Authenticated clients subscribed to bars of at least one symbol. */
	get barSubscriberCount(): number {
		let count = 0;
		for (const client of this.clients) if (client.authed && client.subs.get('bars')!.size > 0) count += 1;
		return count;
	}

	handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer, feed: string): void {
		this.wss.handleUpgrade(request, socket, head, ws => this.accept(ws, request, feed, socket));
	}

	private accept(ws: WebSocket, request: IncomingMessage, feed: string, socket: Duplex): void {
		const subs = new Map<Channel, Set<string>>();
		for (const channel of CHANNELS) subs.set(channel, new Set());
		const client: DataClient = {ws, codec: codecOf(request), feed, authed: false, keyId: '', subs, timer: undefined};
		this.clients.add(client);
		const forget = (): void => {
			if (client.timer) clearTimeout(client.timer);
			this.clients.delete(client);
		};
		ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(client, data, isBinary));
		ws.on('ping', (data: Buffer) => {
			if (!this.silent && ws.readyState === WebSocket.OPEN) ws.pong(data);
		});
		ws.on('close', forget);
		ws.on('error', forget);
		guardBeforeAuth(
			socket,
			() => client.authed,
			() => {
				forget();
				ws.terminate();
			},
		);
		this.send(client, [{T: 'success', msg: 'connected'}]);
		// Alpaca also accepts the REST key headers on the upgrade request.
		const headers = request.headers;
		if (headers['apca-api-key-id'] !== undefined && headers['apca-api-secret-key'] !== undefined) {
			this.authenticate(client, headers['apca-api-key-id'], headers['apca-api-secret-key']);
			if (client.authed || client.ws.readyState !== WebSocket.OPEN) return;
		}
		client.timer = setTimeout(() => {
			client.timer = undefined;
			if (!client.authed) this.fail(client, 404, true);
		}, this.authTimeoutMs);
	}

	private onMessage(client: DataClient, data: RawData, isBinary: boolean): void {
		let message: unknown;
		try {
			message = decodeFrame(data, isBinary, client.codec);
		} catch {
			this.fail(client, 400);
			return;
		}
		if (!isRecord(message)) {
			this.fail(client, 400);
			return;
		}
		const action = message['action'];
		if (action === 'auth') {
			this.authenticate(client, message['key'], message['secret']);
			return;
		}
		if (action !== 'subscribe' && action !== 'unsubscribe') {
			this.fail(client, 400);
			return;
		}
		if (!client.authed) {
			this.fail(client, 401);
			return;
		}
		this.subscribe(client, message, action === 'subscribe');
	}

	private authenticate(client: DataClient, key: unknown, secret: unknown): void {
		if (client.authed) {
			this.fail(client, 403);
			return;
		}
		const outcome = this.options.auth.check(key, secret);
		if (!outcome.ok) {
			this.fail(client, 402, true);
			return;
		}
		for (const other of this.clients) {
			if (other !== client && other.authed && other.keyId === outcome.keyId && other.feed === client.feed) {
				this.fail(client, 406, true);
				return;
			}
		}
		client.authed = true;
		client.keyId = outcome.keyId;
		if (client.timer) clearTimeout(client.timer);
		client.timer = undefined;
		this.send(client, [{T: 'success', msg: 'authenticated'}]);
	}

	private subscribe(client: DataClient, message: Record<string, unknown>, add: boolean): void {
		const changes: Array<[Channel, string[]]> = [];
		for (const [key, value] of Object.entries(message)) {
			if (key === 'action') continue;
			if (FOREIGN_CHANNELS.has(key)) {
				this.fail(client, 410);
				return;
			}
			if (!(CHANNELS as readonly string[]).includes(key)) continue;
			if (!Array.isArray(value) || !value.every(s => typeof s === 'string' && s.trim() !== '')) {
				this.fail(client, 400);
				return;
			}
			changes.push([key as Channel, value as string[]]);
		}
		if (add) {
			const total = new Set<string>();
			for (const set of client.subs.values()) for (const s of set) total.add(s);
			for (const [, symbols] of changes) for (const s of symbols) total.add(s);
			if (total.size > this.symbolLimit) {
				this.fail(client, 405);
				return;
			}
		}
		for (const [channel, symbols] of changes) {
			const set = client.subs.get(channel)!;
			for (const s of symbols) {
				if (add) set.add(s);
				else set.delete(s);
			}
		}
		this.send(client, [this.subscriptionState(client)]);
	}

	private subscriptionState(client: DataClient): Message {
		const list = (channel: Channel): string[] => [...client.subs.get(channel)!];
		return {
			T: 'subscription',
			trades: list('trades'),
			quotes: list('quotes'),
			bars: list('bars'),
			updatedBars: list('updatedBars'),
			dailyBars: list('dailyBars'),
			statuses: list('statuses'),
			lulds: list('lulds'),
			corrections: list('trades'),
			cancelErrors: list('trades'),
			imbalances: list('imbalances'),
		};
	}

	private fail(client: DataClient, code: number, close = false): void {
		this.send(client, [{T: 'error', code, msg: STREAM_ERROR[code] ?? 'error'}]);
		if (close) {
			if (client.timer) clearTimeout(client.timer);
			client.ws.close(1000);
			this.clients.delete(client);
		}
	}

	/** The step's last trades (each bar's close), sent before the step's fills go out. */
	publishTrades(report: StepReport): void {
		this.publishChannels(report, true);
	}

	/** The step's bars and daily bars, after its fills. */
	publish(report: StepReport): void {
		this.publishChannels(report, false);
	}

	/** A tick step: the quote or trade to the clients subscribed to its channel and symbol. */
	publishTick(report: StepReport): void {
		const tick = report.tick;
		if (report.kind !== 'tick' || tick === undefined || this.clients.size === 0) return;
		const channel: Channel = tick.kind === 'quote' ? 'quotes' : 'trades';
		const symbol = tick.kind === 'quote' ? tick.quote.symbol : tick.trade.symbol;
		// Trade ids count every streamed trade of the symbol, whoever listens.
		const id = tick.kind === 'trade' ? (this.tradeIds.get(symbol) ?? 0) + 1 : 0;
		if (tick.kind === 'trade') this.tradeIds.set(symbol, id);
		let message: Message | null = null;
		for (const client of this.clients) {
			if (!client.authed) continue;
			const set = client.subs.get(channel)!;
			if (!set.has(symbol) && !set.has('*')) continue;
			message ??= tickFields(tick, id);
			this.send(client, [message]);
		}
	}

	private publishChannels(report: StepReport, tradesOnly: boolean): void {
		if (report.kind !== 'arrival' || this.clients.size === 0) return;
		const replay = this.options.replay;
		const trades: Array<{symbol: string; msg: Message}> = [];
		const bars: Array<{symbol: string; msg: Message}> = [];
		const daily: Array<{symbol: string; msg: Message}> = [];
		for (const bar of report.bars) {
			const last = replay.lastArrived(bar.symbol);
			if (!replay.streamsTicks(bar.symbol)) trades.push({symbol: bar.symbol, msg: {T: 't', S: bar.symbol, ...tradeFields(bar, last?.index ?? 0)}});
			bars.push({symbol: bar.symbol, msg: {T: 'b', S: bar.symbol, ...barFields(minuteBar(bar))}});
			const day = replay.dayAggregate(bar.symbol);
			if (day) {
				const fields = barFields({...day, vwap: day.close});
				daily.push({symbol: bar.symbol, msg: {T: 'd', S: bar.symbol, ...fields, t: new WireTime(day.start)}});
			}
		}
		for (const client of this.clients) {
			if (!client.authed) continue;
			const out: Message[] = [];
			const wants = (channel: Channel, symbol: string): boolean => {
				const set = client.subs.get(channel)!;
				return set.has(symbol) || set.has('*');
			};
			if (tradesOnly) {
				for (const t of trades) if (wants('trades', t.symbol)) out.push(t.msg);
			} else {
				for (const b of bars) if (wants('bars', b.symbol)) out.push(b.msg);
				for (const d of daily) if (wants('dailyBars', d.symbol)) out.push(d.msg);
			}
			if (out.length > 0) this.send(client, out);
		}
	}

	/** A raw frame to every authenticated client (fault injection): bytes as they are. */
	inject(frame: unknown): number {
		let count = 0;
		for (const client of this.clients) {
			if (!client.authed || this.silent || client.ws.readyState !== WebSocket.OPEN) continue;
			const raw = typeof frame === 'string' || Buffer.isBuffer(frame);
			client.ws.send(raw ? frame : encodeFrame(frame, client.codec), {binary: raw ? typeof frame !== 'string' : client.codec === 'msgpack'});
			this.framesSent += 1;
			count += 1;
		}
		return count;
	}

	private send(client: DataClient, messages: Message[]): void {
		if (this.silent || client.ws.readyState !== WebSocket.OPEN) return;
		this.framesSent += 1;
		client.ws.send(encodeFrame(messages, client.codec), {binary: client.codec === 'msgpack'});
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
