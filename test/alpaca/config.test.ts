import assert from 'node:assert/strict';
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {test} from 'node:test';
import {inspect} from 'node:util';
import {ConfigError, resolveAlpacaConfig} from '../../source/adapters/alpaca/config.js';

const SECRET = 'sEcReT-9f8e7d6c5b4a39281706';
const KEY = 'PKTESTKEY1234567';
const keys = {APCA_API_KEY_ID: KEY, APCA_API_SECRET_KEY: SECRET};

function refuses(env: NodeJS.ProcessEnv, options: Parameters<typeof resolveAlpacaConfig>[0] = {}): string {
	try {
		resolveAlpacaConfig({env, envFile: false, ...options});
	} catch (error) {
		assert.ok(error instanceof ConfigError, `expected a ConfigError, got ${String(error)}`);
		assert.doesNotMatch(error.message, /\n/);
		assert.ok(!error.message.includes(SECRET), 'the secret must not be in the message');
		return error.message;
	}
	assert.fail('expected a ConfigError');
}

test('paper by default, Alpaca endpoints, iex feed', () => {
	const config = resolveAlpacaConfig({env: {...keys}, envFile: false});
	assert.equal(config.mode, 'paper');
	assert.equal(config.baseUrl, 'https://paper-api.alpaca.markets');
	assert.equal(config.dataUrl, 'https://data.alpaca.markets');
	assert.equal(config.streamUrl, 'wss://paper-api.alpaca.markets/stream');
	assert.equal(config.dataStreamUrl('iex'), 'wss://stream.data.alpaca.markets/v2/iex');
	assert.equal(config.dataStreamUrl('sip'), 'wss://stream.data.alpaca.markets/v2/sip');
	assert.equal(config.feed, 'iex');
	assert.equal(config.keyId, KEY);
	assert.equal(config.secret, SECRET);
});

test('APCA_API_BASE_URL / APCA_API_DATA_URL point everything elsewhere, streams derived', () => {
	const config = resolveAlpacaConfig({
		env: {...keys, APCA_API_BASE_URL: 'http://127.0.0.1:4567/', APCA_API_DATA_URL: 'http://127.0.0.1:4567'},
		envFile: false,
		feed: 'sip',
	});
	assert.equal(config.baseUrl, 'http://127.0.0.1:4567');
	assert.equal(config.dataUrl, 'http://127.0.0.1:4567');
	assert.equal(config.streamUrl, 'ws://127.0.0.1:4567/stream');
	assert.equal(config.dataStreamUrl(), 'ws://127.0.0.1:4567/v2/sip');
	const https = resolveAlpacaConfig({
		env: {...keys, APCA_API_BASE_URL: 'https://proxy.example/alpaca', APCA_API_DATA_URL: 'https://proxy.example/data'},
		envFile: false,
	});
	assert.equal(https.streamUrl, 'wss://proxy.example/alpaca/stream');
	assert.equal(https.dataStreamUrl('iex'), 'wss://proxy.example/data/v2/iex');
});

test('live needs confirmation and goes to the live host', () => {
	assert.match(refuses({...keys}, {mode: 'live'}), /--mode live .*confirm/);
	const config = resolveAlpacaConfig({env: {...keys}, envFile: false, mode: 'live', liveConfirmed: true});
	assert.equal(config.mode, 'live');
	assert.equal(config.baseUrl, 'https://api.alpaca.markets');
	assert.equal(config.streamUrl, 'wss://api.alpaca.markets/stream');
});

test('paper is never silently upgraded to live (nor live sent to paper)', () => {
	assert.match(refuses({...keys, APCA_API_BASE_URL: 'https://api.alpaca.markets'}), /points at live trading .* mode is paper/);
	assert.match(
		refuses({...keys, APCA_API_BASE_URL: 'https://paper-api.alpaca.markets'}, {mode: 'live', liveConfirmed: true}),
		/--mode live but APCA_API_BASE_URL points at paper/,
	);
});

test('one-line errors for missing keys, bad mode, bad feed, bad URLs', () => {
	assert.match(refuses({}), /needs API keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY/);
	assert.match(refuses({APCA_API_KEY_ID: KEY}), /set APCA_API_SECRET_KEY \(/);
	assert.match(refuses({APCA_API_SECRET_KEY: SECRET}), /set APCA_API_KEY_ID \(/);
	assert.match(refuses({...keys}, {mode: 'sim'}), /--mode must be paper or live/);
	assert.match(refuses({...keys}, {feed: 'delayed'}), /--feed must be iex or sip/);
	assert.match(refuses({...keys, APCA_API_BASE_URL: 'not a url'}), /APCA_API_BASE_URL is not a URL/);
	assert.match(refuses({...keys, APCA_API_DATA_URL: 'ftp://x'}), /APCA_API_DATA_URL must be an http\(s\) URL/);
	assert.match(refuses({...keys, APCA_API_SECRET_KEY: 'has space inside'}), /APCA_API_SECRET_KEY contains whitespace/);
});

test('a URL carrying credentials is refused without echoing them', () => {
	const message = refuses({...keys, APCA_API_BASE_URL: `http://user:${SECRET}@127.0.0.1:1`});
	assert.match(message, /must not contain a user name or password/);
	assert.ok(!message.includes('user:'), 'no credentials echoed');
});

test('the secret never shows in String(), JSON, inspect, describe or Object.keys', () => {
	const config = resolveAlpacaConfig({env: {...keys}, envFile: false});
	const printed = [String(config), `${config}`, JSON.stringify(config), inspect(config), inspect(config, {showHidden: true, depth: 5}), config.describe()];
	for (const out of printed) {
		assert.ok(!out.includes(SECRET), `secret leaked in: ${out}`);
		assert.ok(!out.includes(KEY), `full key id printed in: ${out}`);
	}
	// The key id is a public identifier the SDK needs; the secret is not even an own property.
	assert.ok(!JSON.stringify(Object.entries(config)).includes(SECRET), 'not an own property');
	assert.ok(!JSON.stringify({...config}).includes(SECRET), 'not copied by a spread');
	assert.ok(!Object.keys(config).some(k => /secret/i.test(k)), 'no secret key');
	assert.match(String(config), /PKTE…/);
});

test('.env fills in what the environment does not set (injected env: no global change)', () => {
	const dir = mkdtempSync(join(tmpdir(), 'alpaca-env-'));
	try {
		const file = join(dir, '.env');
		writeFileSync(file, `APCA_API_KEY_ID=${KEY}\nAPCA_API_SECRET_KEY="${SECRET}"\nAPCA_API_BASE_URL=http://127.0.0.1:9\n`);
		const config = resolveAlpacaConfig({env: {APCA_API_BASE_URL: 'http://127.0.0.1:7'}, envFile: file});
		assert.equal(config.keyId, KEY);
		assert.equal(config.secret, SECRET);
		assert.equal(config.baseUrl, 'http://127.0.0.1:7', 'the environment wins over .env');
		assert.equal(process.env.APCA_API_SECRET_KEY === SECRET, false);
		assert.match(refuses({}, {envFile: join(dir, 'missing.env')}), /needs API keys/);
	} finally {
		rmSync(dir, {recursive: true, force: true});
	}
});

test('.env through process.loadEnvFile when reading process.env', () => {
	const dir = mkdtempSync(join(tmpdir(), 'alpaca-env-'));
	const saved = {
		id: process.env.APCA_API_KEY_ID,
		secret: process.env.APCA_API_SECRET_KEY,
		base: process.env.APCA_API_BASE_URL,
		data: process.env.APCA_API_DATA_URL,
	};
	try {
		delete process.env.APCA_API_KEY_ID;
		delete process.env.APCA_API_SECRET_KEY;
		delete process.env.APCA_API_BASE_URL;
		delete process.env.APCA_API_DATA_URL;
		const file = join(dir, '.env');
		writeFileSync(file, `APCA_API_KEY_ID=${KEY}\nAPCA_API_SECRET_KEY=${SECRET}\n`);
		const config = resolveAlpacaConfig({envFile: file});
		assert.equal(config.keyId, KEY);
		assert.equal(config.secret, SECRET);
	} finally {
		for (const [name, value] of [
			['APCA_API_KEY_ID', saved.id],
			['APCA_API_SECRET_KEY', saved.secret],
			['APCA_API_BASE_URL', saved.base],
			['APCA_API_DATA_URL', saved.data],
		] as const) {
			if (value === undefined) delete process.env[name];
			else process.env[name] = value;
		}
		rmSync(dir, {recursive: true, force: true});
	}
});
