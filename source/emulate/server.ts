/**
 * `startEmulator`: a local Alpaca-compatible exchange on one port. REST (trading and market
 * data paths do not overlap), the trade-updates socket on `/stream` and the market-data
 * socket on `/v2/{feed}`, over a SimExchange driven by a replay of minute bars (and, in tick
 * mode, of the quotes and trades between them). Every request
 * passes, in order: injected failures, key check (401/403), rate limit (429), routing, the
 * handler, and an injected reply delay. Replies carry X-Request-ID and X-RateLimit-* headers.
 */
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import type {Duplex} from 'node:stream';
import {SimExchange} from '../adapters/sim/exchange.js';
import {loadMinuteData} from '../adapters/replay/minute-csv.js';
import {DataError} from '../core/errors.js';
import type {TickTape} from '../adapters/replay/tick-tape.js';
import {loadTicks} from '../adapters/replay/ticks.js';
import {dollarsToMicros} from '../core/money.js';
import type {Bar} from '../core/types.js';
import {KeyCheck, keysFromEnv, type KeyPair} from './auth.js';
import {cacheArchive} from './archive.js';
import {dataRoutes} from './data-routes.js';
import {DATA_FEEDS, DataStreamServer} from './data-stream.js';
import {defaultDataDir} from './default-data.js';
import {ApiFailure, endpointNotFound, failureForStatus, forbiddenKey, invalidBody, methodNotAllowed, rateLimited, unauthorized} from './errors.js';
import {Faults, TradeUpdateShaper, type FaultControls} from './faults.js';
import {until} from './idle.js';
import {ID_KIND, IdSequence, newIdEpoch} from './ids.js';
import {RateLimiter, rateLimitHeaders} from './rate-limit.js';
import {MarketReplay, type StepListener, type StepReport} from './replay.js';
import {findRoute, type Route, type RouteReply} from './routing.js';
import {recordedTicks, syntheticTicks, type TickSource} from './tick-source.js';
import {TradeStreamServer} from './trade-stream.js';
import {tradingRoutes} from './trading-routes.js';
import {Venue} from './venue.js';

export interface EmulatorOptions {
	/** 0 (default) picks a free port. */
	readonly port?: number;
	/** Default 127.0.0.1. */
	readonly host?: string;
	/** Minute CSV files or folders; absent/null: the bundled data (unless `bars` is given). */
	readonly dataPaths?: readonly string[] | null;
	/** In-memory minute bars per symbol instead of files. */
	readonly bars?: ReadonlyMap<string, readonly Bar[]>;
	/**
	 * Tick mode from recorded ticks (LOBSTER / Lean files or folders, or a tape in memory):
	 * quotes and trades are streamed and IOC orders fill against the quotes; the minute bars
	 * are built from the trades. Not combined with minute data.
	 */
	readonly tickPaths?: readonly string[] | null;
	readonly tickTape?: TickTape;
	/** Tick mode from SIM's seeded synthetic quotes and trades along these symbols' minute bars. */
	readonly syntheticTickSymbols?: readonly string[];
	/** 60 = one market minute per wall second (default); 0 = manual stepping. */
	readonly speed?: number;
	/** Starting cash in dollars (default 100000). */
	readonly cash?: number;
	/** Accepted key pair; default from APCA_API_KEY_ID/APCA_API_SECRET_KEY; null: any non-empty pair. */
	readonly keys?: KeyPair | null;
	/** Start without pacing: the clock only moves on step() (or after setSpeed(x > 0)). */
	readonly manualClock?: boolean;
	/** Requests per minute per key and API (default 200; 0 = no limit). */
	readonly rateLimitPerMinute?: number;
	/** Auth timeout of both websockets (default 10 000 ms). */
	readonly authTimeoutMs?: number;
	/** Most symbols per market-data connection (default unlimited). */
	readonly symbolLimit?: number;
	/** A bar cache (`data fetch`'s folder) whose bars the market-data REST routes also serve. */
	readonly archiveDir?: string | null;
	/** Wall clock of the SIP recency rule (default Date.now). */
	readonly wallNow?: () => number;
	/** Unexpected errors (a handler bug); default: ignored after a 500 reply. */
	readonly onError?: (error: unknown) => void;
}

export interface EmulatorHandle {
	/** http://127.0.0.1:P: trading REST base (APCA_API_BASE_URL). */
	readonly baseUrl: string;
	/** Market-data REST base (APCA_API_DATA_URL): the same server. */
	readonly dataUrl: string;
	/** ws://127.0.0.1:P/stream */
	readonly streamUrl: string;
	readonly port: number;
	/** ws://127.0.0.1:P/v2/{feed} (default iex). */
	dataStreamUrl(feed?: string): string;
	/** Run one replay step now; false when the replay is over. */
	step(): boolean;
	/** Change the pace at runtime; 0 stops the clock (manual stepping). */
	setSpeed(speed: number): void;
	/** Market time now (epoch ms). */
	readonly now: number;
	/** True once every session has been replayed and closed. */
	readonly finished: boolean;
	/** Session dates in the data, ascending. */
	readonly sessionDates: readonly string[];
	readonly symbols: readonly string[];
	onStep(listener: (report: StepReport) => void): () => void;
	/** Symbols whose quotes and trades are streamed tick by tick (tick mode), else empty. */
	readonly tickSymbols: readonly string[];
	/**
	 * Resolves once nothing is on its way: no request in flight or held back, no trade update
	 * queued by a fault, and every socket client has handled every frame sent to it (a ping
	 * round trip). Rejects after `timeoutMs` (default 10 s), saying what is still pending.
	 */
	whenIdle(timeoutMs?: number): Promise<void>;
	/** Frames sent on both sockets and requests received so far. */
	delivered(): {readonly frames: number; readonly requests: number};
	/** Clients listening to trade updates, and market-data clients subscribed to any bars. */
	subscribers(): {readonly tradeUpdates: number; readonly bars: number};
	readonly faults: FaultControls;
	readonly exchange: SimExchange;
	close(): Promise<void>;
}

const MAX_BODY = 1 << 20;
/** Past this the client is abusive: the connection is dropped instead of drained. */
const MAX_DRAIN = 64 << 20;

/**
 * The request body as text. An oversized body is still read to its end (and thrown away) so
 * the client, still sending, gets the 413 instead of a connection reset.
 */
function readBody(request: IncomingMessage): Promise<string> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		request.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size > MAX_DRAIN) {
				request.destroy();
				return;
			}
			if (size <= MAX_BODY) chunks.push(chunk);
		});
		request.on('end', () => {
			if (size > MAX_BODY) reject(new ApiFailure(413, {code: 41310000, message: `request body too large (more than ${MAX_BODY} bytes)`}));
			else resolve(Buffer.concat(chunks).toString('utf8'));
		});
		request.on('error', reject);
	});
}

function loadMarket(options: EmulatorOptions): {bars: ReadonlyMap<string, readonly Bar[]>; ticks: TickSource | null} {
	const tickPaths = options.tickPaths ?? [];
	const synthetic = options.syntheticTickSymbols ?? [];
	if (options.tickTape || tickPaths.length > 0) {
		if (options.bars || (options.dataPaths && options.dataPaths.length > 0))
			throw new RangeError('tick data brings its own minute bars: give ticks or minute data, not both');
		if (synthetic.length > 0) throw new RangeError('synthetic ticks are laid along minute data: not with recorded ticks');
		const {source, bars} = recordedTicks(options.tickTape ?? loadTicks(tickPaths).tape);
		return {bars, ticks: source};
	}
	const paths = options.dataPaths && options.dataPaths.length > 0 ? options.dataPaths : [defaultDataDir()];
	const bars = options.bars ?? loadMinuteData(paths).bars;
	if (synthetic.length === 0) return {bars, ticks: null};
	const missing = synthetic.filter(symbol => !bars.has(symbol));
	if (missing.length > 0) throw new DataError(`no minute data for ${missing.join(', ')} to lay synthetic ticks along`);
	return {bars, ticks: syntheticTicks(synthetic)};
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const onError = (error: Error): void => reject(error);
		server.once('error', onError);
		server.listen(port, host, () => {
			server.off('error', onError);
			resolve();
		});
	});
}

export async function startEmulator(options: EmulatorOptions = {}): Promise<EmulatorHandle> {
	const host = options.host ?? '127.0.0.1';
	const port = options.port ?? 0;
	const speed = options.speed ?? 60;
	const cash = options.cash ?? 100_000;
	if (!(Number.isInteger(port) && port >= 0 && port <= 65_535)) throw new RangeError(`port must be 0-65535, got ${port}`);
	if (!(Number.isFinite(speed) && speed >= 0)) throw new RangeError(`speed must be a number >= 0, got ${speed}`);
	if (!(Number.isFinite(cash) && cash > 0)) throw new RangeError(`cash must be a positive number of dollars, got ${cash}`);
	const onError = options.onError ?? (() => {});

	const market = loadMarket(options);
	const exchange = new SimExchange({cash: dollarsToMicros(cash), idPrefix: 'emu', retainClosed: 1_000_000, reserveOpenBuys: true});
	const replay = new MarketReplay(market.bars, exchange, onError, market.ticks);
	const faults = new Faults();
	const venue = new Venue(exchange, replay, faults, onError);
	const keyCheck = new KeyCheck(options.keys === undefined ? keysFromEnv() : options.keys);
	const limiter = new RateLimiter(options.rateLimitPerMinute ?? 200);
	const tradeStream = new TradeStreamServer(keyCheck, options.authTimeoutMs === undefined ? {} : {authTimeoutMs: options.authTimeoutMs});
	const dataStream = new DataStreamServer({
		auth: keyCheck,
		replay,
		...(options.authTimeoutMs === undefined ? {} : {authTimeoutMs: options.authTimeoutMs}),
		...(options.symbolLimit === undefined ? {} : {symbolLimit: options.symbolLimit}),
	});
	const shaper = new TradeUpdateShaper<Record<string, unknown>>(faults, data => tradeStream.broadcast(data));
	venue.onTradeUpdate(data => shaper.push(data));
	replay.onPrices(report => dataStream.publishTrades(report));
	replay.onStep(report => (report.kind === 'tick' ? dataStream.publishTick(report) : dataStream.publish(report)));
	faults.attach({
		dropTrade: how => tradeStream.drop(how),
		dropData: how => dataStream.drop(how),
		setTradeSilent: on => tradeStream.setSilent(on),
		setDataSilent: on => dataStream.setSilent(on),
		deliveryChanged: () => shaper.settingsChanged(),
		injectTrade: frame => tradeStream.inject(frame),
		injectData: frame => dataStream.inject(frame),
	});

	const routes: Route[] = [
		...tradingRoutes(venue, replay),
		...dataRoutes(replay, {archive: options.archiveDir ? cacheArchive(options.archiveDir) : null, ...(options.wallNow ? {wallNow: options.wallNow} : {})}),
	];
	const requestIds = new IdSequence(ID_KIND.request, newIdEpoch());
	const heldReplies = new Set<NodeJS.Timeout>();
	let requestsInFlight = 0;
	let requestsReceived = 0;

	const write = (response: ServerResponse, status: number, body: unknown, headers: Record<string, string>): void => {
		if (response.writableEnded || response.destroyed) return;
		const text = status === 204 || body === undefined ? '' : JSON.stringify(body);
		const all: Record<string, string> = {...headers};
		if (text !== '') all['Content-Type'] = 'application/json; charset=UTF-8';
		response.writeHead(status, all);
		response.end(text);
	};

	const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
		const headers: Record<string, string> = {'X-Request-ID': requestIds.next()};
		const method = (request.method ?? 'GET').toUpperCase();
		const url = new URL(request.url ?? '/', 'http://emulator.invalid');
		const path = url.pathname;
		let reply: RouteReply;
		let holdMs = 0;
		try {
			const injected = faults.takeRequestFailure(method, path);
			if (injected !== null) {
				const extra: Record<string, string> =
					injected === 429
						? {
								'Retry-After': '1',
								'X-RateLimit-Limit': String(options.rateLimitPerMinute ?? 200),
								'X-RateLimit-Remaining': '0',
								'X-RateLimit-Reset': String(Math.ceil(Date.now() / 1000) + 1),
							}
						: {};
				throw failureForStatus(injected, extra);
			}
			const auth = keyCheck.fromHeaders(request.headers);
			if (!auth.ok) throw auth.status === 403 ? forbiddenKey() : unauthorized();
			const api = path.startsWith('/v2/stocks') ? 'data' : 'trading';
			const decision = limiter.take(`${api}:${auth.keyId}`);
			Object.assign(headers, rateLimitHeaders(decision));
			if (!decision.allowed) throw rateLimited({'Retry-After': String(decision.retryAfterSec)});
			holdMs = faults.takeSlowResponse(method, path);
			const found = findRoute(routes, method, path);
			if (found === null) throw endpointNotFound();
			if (found === 'wrong-method') throw methodNotAllowed();
			let body: unknown;
			if (method === 'POST' || method === 'PATCH' || method === 'PUT') {
				const text = await readBody(request);
				if (text.trim() !== '') {
					try {
						body = JSON.parse(text);
					} catch {
						throw invalidBody();
					}
				} else {
					body = {};
				}
			}
			reply = found.route.handle({method, path, query: url.searchParams, body, params: found.params, keyId: auth.keyId});
		} catch (error) {
			if (error instanceof ApiFailure) {
				Object.assign(headers, error.headers);
				reply = {status: error.status, body: error.body};
			} else {
				onError(error);
				reply = {status: 500, body: {code: 50010000, message: 'internal server error'}};
			}
		}
		if (holdMs > 0) {
			const timer = setTimeout(() => {
				heldReplies.delete(timer);
				write(response, reply.status, reply.body, headers);
			}, holdMs);
			heldReplies.add(timer);
			return;
		}
		write(response, reply.status, reply.body, headers);
	};

	const server = createServer((request, response) => {
		requestsInFlight += 1;
		requestsReceived += 1;
		response.once('close', () => {
			requestsInFlight -= 1;
		});
		handle(request, response).catch(error => {
			onError(error);
			write(response, 500, {code: 50010000, message: 'internal server error'}, {});
		});
	});
	server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
		const path = new URL(request.url ?? '/', 'http://emulator.invalid').pathname;
		if (path === '/stream') {
			tradeStream.handleUpgrade(request, socket, head);
			return;
		}
		const feed = /^\/v2\/([a-z_]+)$/.exec(path)?.[1];
		if (feed !== undefined && DATA_FEEDS.has(feed)) {
			dataStream.handleUpgrade(request, socket, head, feed);
			return;
		}
		socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
	});

	await listen(server, port, host);
	const address = server.address();
	const actualPort = typeof address === 'object' && address !== null ? address.port : port;
	const hostText = host.includes(':') ? `[${host}]` : host;
	const baseUrl = `http://${hostText}:${actualPort}`;
	if (!options.manualClock && speed > 0) replay.setSpeed(speed);

	const activity = (): number => requestsReceived + tradeStream.framesSent + dataStream.framesSent;
	const whenIdle = async (timeoutMs = 10_000): Promise<void> => {
		const deadline = Date.now() + timeoutMs;
		const pending = (): string => `${requestsInFlight} request(s) in flight, ${shaper.pending} trade update(s) held`;
		for (;;) {
			await until(() => requestsInFlight === 0 && shaper.pending === 0, deadline, pending);
			const before = activity();
			const left = Math.max(deadline - Date.now(), 1);
			await Promise.all([tradeStream.flush(left), dataStream.flush(left)]);
			// Nothing new went out or came in while the clients caught up: idle.
			if (activity() === before && requestsInFlight === 0 && shaper.pending === 0) return;
		}
	};

	let closing: Promise<void> | null = null;
	return {
		baseUrl,
		dataUrl: baseUrl,
		streamUrl: `ws://${hostText}:${actualPort}/stream`,
		port: actualPort,
		dataStreamUrl: (feed = 'iex') => `ws://${hostText}:${actualPort}/v2/${feed}`,
		step: () => replay.stepAndReschedule() !== null,
		setSpeed: (x: number) => replay.setSpeed(x),
		get now() {
			return replay.now;
		},
		get finished() {
			return replay.finished;
		},
		sessionDates: replay.sessionDates,
		symbols: replay.symbols,
		onStep: (listener: StepListener) => replay.onStep(listener),
		tickSymbols: market.ticks ? [...market.ticks.symbols].sort() : [],
		whenIdle,
		delivered: () => ({frames: tradeStream.framesSent + dataStream.framesSent, requests: requestsReceived}),
		subscribers: () => ({tradeUpdates: tradeStream.listenerCount, bars: dataStream.barSubscriberCount}),
		faults,
		exchange,
		close: () => {
			closing ??= new Promise<void>(resolve => {
				replay.stop();
				shaper.close();
				for (const timer of heldReplies) clearTimeout(timer);
				heldReplies.clear();
				tradeStream.close();
				dataStream.close();
				server.close(() => resolve());
				server.closeAllConnections();
			});
			return closing;
		},
	};
}
