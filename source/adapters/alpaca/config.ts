/**
 * Where the Alpaca adapter connects and with which keys: keys from the
 * environment or a `.env` file, `--mode paper|live` (paper by default, live only when the
 * caller confirmed it), endpoint overrides from APCA_API_BASE_URL / APCA_API_DATA_URL with
 * the stream URLs derived from them. Every problem is one line (ConfigError); the secret never
 * appears in a message, in `String(config)`, in `JSON.stringify(config)` or in `util.inspect`.
 */
import {resolve as resolvePath} from 'node:path';
import {inspect} from 'node:util';
import {UserError} from '../../core/errors.js';
import {applyEnvFile, readEnvFile} from '../../env-file.js';

export type AlpacaMode = 'paper' | 'live';
export type Feed = 'iex' | 'sip';

export const PAPER_BASE_URL = 'https://paper-api.alpaca.markets';
export const LIVE_BASE_URL = 'https://api.alpaca.markets';
export const DATA_URL = 'https://data.alpaca.markets';
export const DATA_STREAM_HOST = 'wss://stream.data.alpaca.markets';

/** A bad setting, described in one line that is safe to print (never the secret). */
export class ConfigError extends UserError {
	override name = 'ConfigError';
}

export interface AlpacaConfigFields {
	readonly mode: AlpacaMode;
	readonly keyId: string;
	readonly secret: string;
	/** Trading REST origin (and optional path prefix), no trailing slash. */
	readonly baseUrl: string;
	/** Market-data REST origin, no trailing slash. */
	readonly dataUrl: string;
	/** Trade-updates websocket URL. */
	readonly streamUrl: string;
	/** Market-data websocket base; the feed is appended as `/v2/<feed>`. */
	readonly dataStreamBase: string;
	readonly feed: Feed;
	/** True when the operator confirmed live trading (prompt or --yes-live). */
	readonly liveConfirmed?: boolean;
}

/**
 * The resolved settings. The secret lives in a private field: it is readable through the
 * `secret` getter (the SDK needs it) but is not an own enumerable property, so printing,
 * serialising or inspecting the object never shows it.
 */
export class AlpacaConfig {
	readonly mode: AlpacaMode;
	readonly keyId: string;
	readonly baseUrl: string;
	readonly dataUrl: string;
	readonly streamUrl: string;
	readonly feed: Feed;
	readonly liveConfirmed: boolean;
	private readonly dataStreamBase: string;
	readonly #secret: string;

	constructor(fields: AlpacaConfigFields) {
		this.mode = fields.mode;
		this.keyId = fields.keyId;
		this.#secret = fields.secret;
		this.baseUrl = fields.baseUrl;
		this.dataUrl = fields.dataUrl;
		this.streamUrl = fields.streamUrl;
		this.dataStreamBase = fields.dataStreamBase;
		this.feed = fields.feed;
		this.liveConfirmed = fields.liveConfirmed ?? false;
	}

	get secret(): string {
		return this.#secret;
	}

	/** Market-data websocket URL of a feed. */
	dataStreamUrl(feed: Feed = this.feed): string {
		return `${this.dataStreamBase}/v2/${feed}`;
	}

	/** The key id shortened for display ("PKAB…"): enough to tell keys apart. */
	get maskedKeyId(): string {
		return maskKeyId(this.keyId);
	}

	/** Non-secret summary for logs. */
	describe(): string {
		return `Alpaca ${this.mode} (${this.baseUrl}, data ${this.dataUrl}, feed ${this.feed}, key ${this.maskedKeyId})`;
	}

	toString(): string {
		return this.describe();
	}

	toJSON(): Record<string, unknown> {
		return {
			mode: this.mode,
			keyId: this.maskedKeyId,
			baseUrl: this.baseUrl,
			dataUrl: this.dataUrl,
			streamUrl: this.streamUrl,
			dataStreamUrl: this.dataStreamUrl(),
			feed: this.feed,
		};
	}

	[inspect.custom](): string {
		return `AlpacaConfig ${JSON.stringify(this.toJSON())}`;
	}
}

export function maskKeyId(keyId: string): string {
	return keyId.length <= 4 ? '****' : `${keyId.slice(0, 4)}…`;
}

export interface ResolveOptions {
	/** `--mode`; undefined means paper. `sim` is not an Alpaca mode and is refused here. */
	readonly mode?: string;
	/** `--feed`; undefined means iex (the free real-time feed). */
	readonly feed?: string;
	/** The operator confirmed live trading (interactive prompt or `--yes-live`). */
	readonly liveConfirmed?: boolean;
	/** Environment to read; defaults to process.env (which `.env` then fills in). */
	readonly env?: NodeJS.ProcessEnv;
	/**
	 * `.env` file to load when it exists (default `.env` in the working directory); false
	 * skips it. Values already in the environment win, as with `process.loadEnvFile`.
	 */
	readonly envFile?: string | false;
	/** What the keys are for, named in the missing-keys message (default: trading in `mode`). */
	readonly purpose?: string;
}

/** Resolve and validate the adapter settings; throws ConfigError with one clear line. */
export function resolveAlpacaConfig(options: ResolveOptions = {}): AlpacaConfig {
	const env = loadEnv(options.env ?? process.env, options.envFile ?? '.env');
	const mode = parseMode(options.mode);
	const feed = parseFeed(options.feed ?? 'iex');

	const keyId = nonEmpty(env.APCA_API_KEY_ID);
	const secret = nonEmpty(env.APCA_API_SECRET_KEY);
	if (!keyId || !secret) {
		const missing = [!keyId ? 'APCA_API_KEY_ID' : null, !secret ? 'APCA_API_SECRET_KEY' : null].filter(Boolean).join(' and ');
		const what = options.purpose ?? (mode === 'live' ? '--mode live' : `Alpaca ${mode} trading`);
		throw new ConfigError(`${what} needs API keys: set ${missing} (environment or .env)`);
	}
	if (/\s/.test(keyId)) throw new ConfigError('APCA_API_KEY_ID contains whitespace: check the value (no quotes or spaces)');
	if (/\s/.test(secret)) throw new ConfigError('APCA_API_SECRET_KEY contains whitespace: check the value (no quotes or spaces)');

	const baseOverride = nonEmpty(env.APCA_API_BASE_URL);
	const dataOverride = nonEmpty(env.APCA_API_DATA_URL);
	const baseUrl = baseOverride ? parseHttpUrl('APCA_API_BASE_URL', baseOverride) : mode === 'live' ? LIVE_BASE_URL : PAPER_BASE_URL;
	const dataUrl = dataOverride ? parseHttpUrl('APCA_API_DATA_URL', dataOverride) : DATA_URL;

	// Paper is never silently upgraded to live, and live never silently goes to paper.
	const host = new URL(baseUrl).hostname;
	if (mode === 'paper' && host === 'api.alpaca.markets') {
		throw new ConfigError(`APCA_API_BASE_URL points at live trading (${baseUrl}) but the mode is paper: use --mode live to trade real money`);
	}
	if (mode === 'live' && host === 'paper-api.alpaca.markets') {
		throw new ConfigError(`--mode live but APCA_API_BASE_URL points at paper trading (${baseUrl}): unset it or use --mode paper`);
	}
	if (mode === 'live' && !options.liveConfirmed) {
		throw new ConfigError('--mode live trades real money and needs confirmation: answer the prompt, or pass --yes-live when there is no terminal');
	}

	const streamUrl = `${toWs(baseUrl)}/stream`;
	const dataStreamBase = dataOverride ? toWs(dataUrl) : DATA_STREAM_HOST;
	return new AlpacaConfig({mode, keyId, secret, baseUrl, dataUrl, streamUrl, dataStreamBase, feed, liveConfirmed: options.liveConfirmed ?? false});
}

function parseMode(mode: string | undefined): AlpacaMode {
	if (mode === undefined || mode === 'paper') return 'paper';
	if (mode === 'live') return 'live';
	throw new ConfigError(`--mode must be paper or live for Alpaca, got "${mode}"`);
}

function parseFeed(feed: string): Feed {
	if (feed === 'iex' || feed === 'sip') return feed;
	throw new ConfigError(`--feed must be iex or sip, got "${feed}"`);
}

function nonEmpty(value: string | undefined): string | undefined {
	const v = value?.trim();
	return v ? v : undefined;
}

/** Validate an endpoint override; returns it without a trailing slash. */
function parseHttpUrl(name: string, value: string): string {
	let url: URL;
	try {
		url = new URL(value);
	} catch {
		throw new ConfigError(`${name} is not a URL: "${value}"`);
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		throw new ConfigError(`${name} must be an http(s) URL, got "${url.protocol}"`);
	}
	if (url.username || url.password) {
		// Never echo what might be a credential.
		throw new ConfigError(`${name} must not contain a user name or password: put keys in APCA_API_KEY_ID / APCA_API_SECRET_KEY`);
	}
	if (url.search || url.hash) throw new ConfigError(`${name} must not have a query or fragment: "${url.origin}${url.pathname}"`);
	return `${url.origin}${url.pathname}`.replace(/\/+$/, '');
}

function toWs(httpUrl: string): string {
	return httpUrl.replace(/^http(s?):/, (_m, s: string) => `ws${s}:`);
}

/**
 * The environment with `.env` underneath it. For process.env this is exactly
 * `process.loadEnvFile` (which fills in only unset variables); for an injected environment
 * (tests) the same rule is applied to a copy, so nothing global changes.
 */
function loadEnv(env: NodeJS.ProcessEnv, envFile: string | false): NodeJS.ProcessEnv {
	if (envFile === false) return env;
	const path = resolvePath(envFile);
	try {
		if (env === process.env) {
			applyEnvFile(path);
			return process.env;
		}
		return {...readEnvFile(path), ...env};
	} catch (error) {
		throw new ConfigError((error as Error).message);
	}
}
