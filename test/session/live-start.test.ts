/**
 * A paper/live start that fails after the journal's session start line (the trade-updates
 * socket refused, the first REST read failing) closes it with a session end line (issue 14).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {nyTime} from '../../source/core/time.js';
import {Engine} from '../../source/engine/engine.js';
import {MemoryJournal} from '../../source/journal/records.js';
import type {MarketData} from '../../source/ports/market-data.js';
import {LiveSession, type LiveVenue} from '../../source/session/live-session.js';
import {LogBuffer} from '../../source/session/log-buffer.js';
import {ScriptedBroker} from '../_helpers/scripted-broker.js';

test('a failed start leaves a session start matched by a session end (how: start_failed)', async () => {
	const journal = new MemoryJournal();
	const scripted = new ScriptedBroker();
	const engine = new Engine({mode: 'paper', broker: scripted, journal, runTag: 't'});
	const broker = Object.assign(scripted, {
		start: () => Promise.reject(new Error('trade-updates socket: auth refused')),
		onReconnected: () => () => {},
		onConnectionState: () => () => {},
	});
	const venue: LiveVenue = {
		broker,
		marketData: {onReconnected: () => () => {}} as unknown as MarketData & {onReconnected(l: () => void): () => void},
		clock: async () => ({ms: nyTime('2019-02-11', 10, 0), isOpen: true, nextOpenMs: 0, nextCloseMs: 0}),
		close: async () => {},
	};
	const session = new LiveSession({mode: 'paper', engine, venue, journal, log: new LogBuffer(), version: 'test', scalpSymbols: ['AAPL'], hftSymbol: null});
	await assert.rejects(session.start(), /auth refused/);
	const sessions = journal.ofType('session');
	assert.deepEqual(
		sessions.map(r => [r.event, r['how'] ?? null]),
		[
			['start', null],
			['end', 'start_failed'],
		],
	);
	assert.equal(sessions[1]!['error'], 'trade-updates socket: auth refused');
});
