/**
 * The SIM session as the console drives it: fixed replay speeds and the snapshot fields the
 * panels show (replay date, change since the session open, synthetic data).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import type {ConsoleConfig} from '../../source/commands/console.js';
import {bundledMinuteData} from '../../source/paths.js';
import {composeSimSession} from '../../source/session/compose-sim.js';
import {SPEED_STEPS, stepSpeed, type Scheduler} from '../../source/session/sim-session.js';

function manualScheduler(): Scheduler & {advance(ms: number): void} {
	let now = 0;
	const timers = new Map<number, {at: number; fn: () => void}>();
	let next = 1;
	return {
		now: () => now,
		setTimeout(fn, ms) {
			const id = next++;
			timers.set(id, {at: now + ms, fn});
			return id;
		},
		clearTimeout(handle) {
			timers.delete(handle as number);
		},
		advance(ms) {
			const end = now + ms;
			for (;;) {
				const due = [...timers.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
				if (!due) break;
				timers.delete(due[0]);
				now = due[1].at;
				due[1].fn();
			}
			now = end;
		},
	};
}

function config(dir: string, overrides: Partial<ConsoleConfig> = {}): ConsoleConfig {
	return {
		mode: 'sim',
		symbols: ['AAPL'],
		hft: null,
		hftQty: 500,
		lot: 2000e6,
		cash: 100_000e6,
		speed: 60,
		exitAfterMs: null,
		signal: null,
		dataPaths: null,
		journalPath: join(dir, 'journal.jsonl'),
		logFile: join(dir, 'scalp-tui.log'),
		feed: 'iex',
		yesLive: false,
		risk: {maxDailyLoss: null, flattenOnLoss: false, maxOrdersPerMinute: null, maxPositionUsd: null},
		...overrides,
	} as ConsoleConfig;
}

function withSession(overrides: Partial<ConsoleConfig>, run: (session: ReturnType<typeof composeSimSession>, scheduler: ReturnType<typeof manualScheduler>) => Promise<void> | void) {
	return async () => {
		const dir = mkdtempSync(join(tmpdir(), 'scalp-sim-console-'));
		const scheduler = manualScheduler();
		const session = composeSimSession(config(dir, overrides), {dataPaths: [bundledMinuteData()], scheduler});
		try {
			session.start();
			await run(session, scheduler);
		} finally {
			await session.shutdown({how: 'cancel_orders', reason: 'test'});
			rmSync(dir, {recursive: true, force: true});
		}
	};
}

test('the fixed speeds step up and down and stop at the ends', () => {
	assert.deepEqual(SPEED_STEPS, [1, 10, 30, 60, 120, 300, 600, 1800, 3600]);
	assert.equal(stepSpeed(60, true), 120);
	assert.equal(stepSpeed(60, false), 30);
	assert.equal(stepSpeed(3600, true), 3600);
	assert.equal(stepSpeed(1, false), 1);
	// An odd --speed joins the ladder at the next step.
	assert.equal(stepSpeed(45, true), 60);
	assert.equal(stepSpeed(45, false), 30);
});

test(
	'+ then - comes back to 60x (and every fixed speed is reachable)',
	withSession({}, session => {
		assert.equal(session.speed, 60);
		assert.equal(session.changeSpeed(2), 120);
		assert.equal(session.changeSpeed(0.5), 60);
		assert.equal(session.changeSpeed(0.5), 30);
		assert.equal(session.changeSpeed(2), 60);
		const seen: number[] = [];
		for (let i = 0; i < 12; i++) seen.push(session.changeSpeed(2)!);
		assert.deepEqual(seen, [120, 300, 600, 1800, 3600, 3600, 3600, 3600, 3600, 3600, 3600, 3600]);
		assert.equal(session.snapshot().speed, 3600);
	}),
);
