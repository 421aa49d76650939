/**
 * The websocket lifecycle both Alpaca clients share, against a scripted SDK socket: ready only
 * once the subscription is confirmed, reconnected only after the re-sent subscription is
 * confirmed, a stuck handshake replaced, a socket the SDK closes for good reported in one line.
 */
import assert from 'node:assert/strict';
import {test} from 'node:test';
import {StreamLifecycle, type LifecycleSocket} from '../../source/adapters/alpaca/stream-lifecycle.js';
import type {ConnectionState} from '../../source/ports/market-data.js';

/** The SDK's states are an enum of these strings. */
type SdkState = 'connecting' | 'connected' | 'authenticated' | 'waiting to reconnect' | 'disconnected';

class ScriptedSocket {
	state: SdkState = 'disconnected';
	connects = 0;
	disconnects = 0;
	private stateFns: ((s: SdkState) => void)[] = [];
	private errorFns: ((m: string) => void)[] = [];
	onStateChange(fn: (s: SdkState) => void): void {
		this.stateFns.push(fn);
	}
	onError(fn: (m: string) => void): void {
		this.errorFns.push(fn);
	}
	getState(): SdkState {
		return this.state;
	}
	connect(): void {
		this.connects += 1;
		this.set('connecting');
	}
	disconnect(): void {
		this.disconnects += 1;
		this.set('disconnected');
	}
	set(state: SdkState): void {
		this.state = state;
		for (const fn of this.stateFns) fn(state);
	}
	error(message: string): void {
		for (const fn of this.errorFns) fn(message);
	}
}

function rig(options: {stuckMs?: number} = {}) {
	let now = 0;
	const socket = new ScriptedSocket();
	const logs: string[] = [];
	const states: ConnectionState[] = [];
	let reconnects = 0;
	const lifecycle = new StreamLifecycle(
		socket as unknown as LifecycleSocket,
		{
			name: 'test stream',
			log: (level, message) => void logs.push(`${level}: ${message}`),
			startTimeoutMessage: 'test stream did not confirm in time',
			startTimeoutMs: 5000,
			closedMessage: reason => `test stream closed: ${reason}`,
			checkEveryMs: 0,
			now: () => now,
			...options,
		},
		{onState: s => void states.push(s), onReconnected: () => void (reconnects += 1)},
	);
	return {socket, lifecycle, logs, states, reconnects: () => reconnects, setNow: (ms: number) => void (now = ms)};
}

test('start resolves on the confirmed subscription, not on authentication; a reconnect is reported after its confirmation', async () => {
	const r = rig();
	let resolved = false;
	const started = r.lifecycle.start().then(() => void (resolved = true));
	r.socket.set('authenticated');
	await Promise.resolve();
	assert.equal(resolved, false, 'authenticated is not subscribed');
	assert.equal(r.lifecycle.state, 'connected');
	r.lifecycle.confirmed();
	await started;
	// The server drops the socket; the SDK reconnects by itself.
	r.socket.set('disconnected');
	r.socket.set('waiting to reconnect');
	assert.equal(r.lifecycle.state, 'reconnecting');
	r.socket.set('connecting');
	r.socket.set('authenticated');
	assert.equal(r.reconnects(), 0, 'not before the re-sent subscription is confirmed');
	r.lifecycle.confirmed();
	r.lifecycle.confirmed(); // a later subscription change is no reconnect
	assert.equal(r.reconnects(), 1);
	assert.ok(r.logs.includes('info: test stream reconnected'));
	assert.deepEqual(r.states, ['connecting', 'connected', 'reconnecting', 'connected']);
	r.lifecycle.stop();
	assert.equal(r.lifecycle.state, 'disconnected');
});

test('a handshake stuck past stuckMs gets a new socket; a connected one is left alone', async () => {
	const r = rig({stuckMs: 10_000});
	const started = r.lifecycle.start();
	r.setNow(9_000);
	assert.equal(r.lifecycle.checkHandshake(), false);
	r.setNow(10_500);
	assert.equal(r.lifecycle.checkHandshake(), true);
	assert.equal(r.socket.connects, 2);
	assert.equal(r.lifecycle.restarts, 1);
	assert.match(r.logs.at(-1)!, /^warn: test stream not connected after 11 s: opening a new socket$/);
	r.socket.set('authenticated');
	r.lifecycle.confirmed();
	await started;
	r.setNow(100_000);
	assert.equal(r.lifecycle.checkHandshake(), false);
	r.lifecycle.stop();
});

test('the SDK closing for good (refused keys) rejects start with one line and logs it', async () => {
	const r = rig();
	const started = r.lifecycle.start();
	r.socket.error('auth failed');
	r.socket.set('disconnected'); // no reconnect follows: the state stays disconnected
	await assert.rejects(started, /^Error: test stream closed: auth failed$/);
	assert.equal(r.lifecycle.state, 'disconnected');
	assert.deepEqual(
		r.logs.filter(l => l.startsWith('error')),
		['error: test stream closed: auth failed'],
	);
	r.lifecycle.stop();
});
