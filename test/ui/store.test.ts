import {test} from 'node:test';
import assert from 'node:assert/strict';
import {createSnapshotStore} from '../../source/ui/store.js';
import {createFakeControl, createManualTimer} from '../_helpers/fake-control.js';
import {makeSnapshot} from '../_helpers/snapshots.js';

function setup(frameMs = 66, heartbeatMs = 1000) {
	const control = createFakeControl();
	const timer = createManualTimer(0);
	const store = createSnapshotStore(control, {frameMs, heartbeatMs, timer});
	let notified = 0;
	store.subscribe(() => {
		notified++;
	});
	return {control, timer, store, notified: () => notified};
}

test('a burst of engine changes publishes one snapshot', () => {
	const {control, timer, store, notified} = setup();
	for (let i = 0; i < 1000; i++) control.push(s => ({...s, nowMs: s.nowMs + 1}));
	assert.equal(notified(), 0, 'nothing before the frame timer fires');
	// The store published its first snapshot at t=0: the next one waits for the frame.
	timer.advance(65);
	assert.equal(notified(), 0);
	timer.advance(1);
	assert.equal(notified(), 1);
	assert.equal(store.getSnapshot().nowMs, makeSnapshot().nowMs + 1000);
	assert.equal(store.stats().changes, 1000);
});

test('after a quiet spell a change publishes on the next tick', () => {
	const {control, timer, notified} = setup(66, 0);
	timer.advance(500);
	control.notify();
	timer.advance(0);
	assert.equal(notified(), 1);
});

test('at most one publish per frame interval while changes keep coming', () => {
	const {control, timer, notified} = setup(66);
	// 10 changes per ms for one simulated second.
	for (let ms = 0; ms < 1000; ms++) {
		for (let i = 0; i < 10; i++) control.notify();
		timer.advance(1);
	}
	assert.ok(notified() <= Math.ceil(1000 / 66) + 1, `${notified()} publishes in 1 s`);
	assert.ok(notified() >= Math.floor(1000 / 66) - 1, `${notified()} publishes in 1 s`);
});

test('the snapshot object is stable between publishes (useSyncExternalStore needs that)', () => {
	const {control, timer, store} = setup();
	const first = store.getSnapshot();
	control.push(s => ({...s, equity: 1}));
	assert.equal(store.getSnapshot(), first);
	timer.advance(66);
	assert.notEqual(store.getSnapshot(), first);
	assert.equal(store.getSnapshot().equity, 1);
});

test('refresh publishes at once and replaces the pending frame', () => {
	const {control, timer, store, notified} = setup();
	control.push(s => ({...s, equity: 2}));
	store.refresh();
	assert.equal(notified(), 1);
	assert.equal(store.getSnapshot().equity, 2);
	timer.advance(200);
	assert.equal(notified(), 1, 'the cancelled frame does not publish again');
});

test('a heartbeat republishes when the engine is quiet (clocks keep moving)', () => {
	const {timer, notified} = setup(66, 1000);
	timer.advance(999);
	assert.equal(notified(), 0);
	timer.advance(2);
	assert.equal(notified(), 1);
	timer.advance(3000);
	assert.equal(notified(), 4);
});

test('dispose stops listening to the engine and cancels timers', () => {
	const {control, timer, store, notified} = setup();
	assert.equal(control.listenerCount(), 1);
	control.notify();
	store.dispose();
	assert.equal(control.listenerCount(), 0);
	timer.advance(5000);
	assert.equal(notified(), 0);
	assert.equal(timer.pending(), 0);
});

test('a snapshot() that throws keeps the previous snapshot', () => {
	const control = createFakeControl();
	const timer = createManualTimer();
	const store = createSnapshotStore(control, {timer});
	const before = store.getSnapshot();
	control.snapshot = () => {
		throw new Error('boom');
	};
	control.notify();
	timer.advance(100);
	assert.equal(store.getSnapshot(), before);
	assert.equal(store.stats().errors, 1);
});
