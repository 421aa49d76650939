import {test} from 'node:test';
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {readDailyData} from '../../source/adapters/replay/daily-csv.js';
import {createSimDailyVenue} from '../../source/backtest/rebalance/sim-venue.js';
import {runRebalanceCommand, readRebalanceState, writeRebalanceState, isDoneFor} from '../../source/commands/rebalance.js';
import {UserError} from '../../source/core/errors.js';
import {parseMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import type {OrderEvent} from '../../source/core/types.js';
import type {RebalanceSnapshot} from '../../source/strategies/rebalance/snapshot.js';
import {SAMPLE, sink} from './helpers.js';

const sample = readDailyData(SAMPLE);
const LAST = sample.dates.at(-1)!;
const io = () => ({stdout: sink(), stderr: sink()});
const tmp = () => mkdtempSync(join(tmpdir(), 'rb-cmd-'));
const readJournal = (path: string) =>
	readFileSync(path, 'utf8')
		.trim()
		.split('\n')
		.map(l => JSON.parse(l) as Record<string, unknown> & {type: string});

test('sells go first; buys are sent only once the sells have filled', async () => {
	const dir = tmp();
	// IBM and GE are held; on the last day neither is a candidate of the sample, so both are sold.
	const queue: Array<() => void> = [];
	const venue = createSimDailyVenue({
		data: sample,
		date: LAST,
		cash: parseMicros('300'),
		positions: [
			{symbol: 'IBM', qty: 1, costBasis: parseMicros('150')},
			{symbol: 'GE', qty: 3, costBasis: parseMicros('50')},
		],
		schedule: task => queue.push(task),
	});
	const log: string[] = [];
	const submit = venue.broker.submitOrder.bind(venue.broker);
	venue.broker.submitOrder = request => {
		log.push(`submit ${request.side} ${request.symbol}`);
		submit(request);
	};
	venue.broker.onOrderEvent((e: OrderEvent) => {
		if (e.event === 'fill') log.push(`fill ${e.order.side} ${e.order.symbol}`);
	});
	let ticks = 0;
	const sleep = async () => {
		ticks++;
		// The sim exchange answers slowly: queued fills run only every third tick.
		if (ticks % 3 === 0) for (const task of queue.splice(0)) task();
	};
	const out = io();
	const code = await runRebalanceCommand({mode: 'sim', state: join(dir, 's.json'), journal: join(dir, 'j.jsonl')}, out, {venue, sleep});
	assert.equal(code, 0, out.stderr.text());
	const firstBuy = log.findIndex(l => l.startsWith('submit buy'));
	assert.ok(firstBuy > 0, log.join('\n'));
	const sells = log.filter(l => l.startsWith('submit sell'));
	assert.deepEqual(sells.sort(), ['submit sell GE', 'submit sell IBM']);
	for (const sym of ['IBM', 'GE']) assert.ok(log.indexOf(`fill sell ${sym}`) < firstBuy, log.join('\n'));
	assert.match(out.stdout.text(), /sells: 0 of 2 filled, 2 pending \(0 s of 30 s\)/);
	assert.match(out.stdout.text(), /sells: 2 of 2 filled, 0 pending/);
	assert.match(out.stdout.text(), /done for 2018-02-07: \d+ filled/);
	const state = venue.state();
	assert.ok(state.positions.length <= 5 && state.cash >= 0);
	assert.ok(!state.positions.some(p => p.symbol === 'IBM' || p.symbol === 'GE'));
	// Journal: market day orders with reason rebalance, then updates.
	const journal = readJournal(join(dir, 'j.jsonl'));
	const submitted = journal.filter(r => r.type === 'order_submitted');
	assert.ok(submitted.every(r => r.strategy === 'rebalance' && r.reason === 'rebalance' && r.order_type === 'market' && r.time_in_force === 'day'));
	assert.ok(submitted.some(r => r.client_order_id === `rb-${LAST}-IBM-sell`));
});

test('the done-for-today marker survives a restart: the second run sends nothing', async () => {
	const dir = tmp();
	const state = join(dir, 'state.json');
	// One account across both runs, as a broker keeps it (a SIM venue built per run does not).
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500')});
	const first = io();
	assert.equal(await runRebalanceCommand({state, journal: join(dir, 'j1.jsonl')}, first, {venue}), 0, first.stderr.text());
	const marker = readRebalanceState(state);
	assert.equal(marker.modes.sim?.date, LAST);
	assert.equal(marker.modes.sim?.status, 'done');
	assert.ok(isDoneFor(marker, 'sim', LAST));
	const firstOrders = readJournal(join(dir, 'j1.jsonl')).filter(r => r.type === 'order_submitted');
	assert.ok(firstOrders.length > 0);

	const second = io();
	assert.equal(await runRebalanceCommand({state, journal: join(dir, 'j2.jsonl')}, second, {venue}), 0);
	assert.match(second.stdout.text(), /already rebalanced for 2018-02-07 \(sim\)/);
	assert.equal(readJournal(join(dir, 'j2.jsonl')).filter(r => r.type === 'order_submitted').length, 0);
	// Another mode keeps its own marker.
	assert.equal(readRebalanceState(state).modes.paper, undefined);
	// Leftover temp files are not left beside the state file.
	assert.ok(!readFileSync(state, 'utf8').includes('tmp'));
});

test("rebalance --mode sim from data rehearses again on every run (regression: marker = the data's last day blocked it forever)", async () => {
	const dir = tmp();
	for (const name of ['j1.jsonl', 'j2.jsonl']) {
		const out = io();
		assert.equal(await runRebalanceCommand({journal: join(dir, name)}, out, {cwd: dir}), 0, out.stderr.text());
		assert.doesNotMatch(out.stdout.text(), /already rebalanced/);
		assert.ok(
			readJournal(join(dir, name)).some(r => r.type === 'order_submitted'),
			`${name}: orders sent`,
		);
	}
	assert.equal(existsSync(join(dir, '.scalp-tui-rebalance.json')), false, 'no marker for a fresh simulated account');
});

test('a marker left as "started" (crash mid-way) trades again without resending an order still open', async () => {
	const dir = tmp();
	const state = join(dir, 'state.json');
	writeRebalanceState(state, {version: 1, modes: {sim: {date: LAST, status: 'started', at: '2018-02-07T14:31:00.000Z'}}});
	const queue: Array<() => void> = [];
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500'), schedule: task => queue.push(task)});
	// Sent by the run that crashed, still open at the broker.
	const id = `rb-${LAST}-ARNC-buy`;
	venue.broker.submitOrder({symbol: 'ARNC', side: 'buy', type: 'market', qty: 3, limitPrice: null, timeInForce: 'day', clientOrderId: id});
	const sent: string[] = [];
	const submit = venue.broker.submitOrder.bind(venue.broker);
	venue.broker.submitOrder = r => {
		sent.push(r.clientOrderId);
		submit(r);
	};
	const out = io();
	const code = await runRebalanceCommand({state, lookbackDays: 1000}, out, {
		venue,
		sleep: async () => {
			for (const task of queue.splice(0)) task();
		},
	});
	assert.equal(code, 0, out.stderr.text());
	assert.ok(sent.length > 0);
	assert.ok(!sent.includes(id), sent.join(' '));
	assert.ok(venue.state().positions.some(p => p.symbol === 'ARNC' && p.qty === 3));
	assert.equal(readRebalanceState(state).modes.sim?.status, 'done');
});

test('--dry-run prints the ranked candidates and the orders, sends nothing and writes no marker', async () => {
	const dir = tmp();
	const state = join(dir, 'state.json');
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500')});
	const sent: string[] = [];
	venue.broker.submitOrder = r => void sent.push(r.symbol);
	const snapshots: RebalanceSnapshot[] = [];
	const out = io();
	const code = await runRebalanceCommand({dryRun: true, state, lookbackDays: 1000}, out, {venue, onSnapshot: s => snapshots.push(s)});
	assert.equal(code, 0, out.stderr.text());
	const text = out.stdout.text();
	assert.match(text, /ranked 105 of 105 symbols with a bar on 2018-02-06; the first 5:/);
	assert.match(text, /orders \(sells first, then buys in rank order\):\n {2}buy {2}/);
	assert.match(text, /dry run: no orders sent/);
	assert.deepEqual(sent, []);
	assert.ok(!existsSync(state));
	const last = snapshots.at(-1)!;
	assert.equal(last.phase, 'dry_run');
	assert.equal(last.candidates.length, 5);
	assert.ok(last.orders.every(o => o.status === 'planned'));
});

test('waiting for sells is bounded: with no fills the wait stops at --fill-timeout and buys still go', async () => {
	const dir = tmp();
	const venue = createSimDailyVenue({
		data: sample,
		date: LAST,
		cash: parseMicros('500'),
		positions: [{symbol: 'IBM', qty: 1, costBasis: parseMicros('150')}],
		schedule: () => {}, // the exchange never fills
	});
	let sleeps = 0;
	const out = io();
	const code = await runRebalanceCommand({state: join(dir, 's.json'), fillTimeout: 3}, out, {
		venue,
		sleep: async () => {
			sleeps++;
		},
	});
	assert.equal(code, 0, out.stderr.text());
	const text = out.stdout.text();
	assert.match(text, /sells: stopped waiting after 3 s with 1 pending/);
	assert.match(text, /buys: stopped waiting after 3 s/);
	assert.match(text, /still open/);
	assert.equal(sleeps, 6);
	assert.equal(readRebalanceState(join(dir, 's.json')).modes.sim?.status, 'done');
});

test('before the open it waits on the market clock, then trades once the market opens', async () => {
	const dir = tmp();
	let now = nyTime(LAST, 8, 0);
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500'), now: () => now});
	const waits: number[] = [];
	const out = io();
	const code = await runRebalanceCommand({state: join(dir, 's.json'), pollSeconds: 7200, journal: join(dir, 'j.jsonl')}, out, {
		venue,
		sleep: async ms => {
			waits.push(ms);
			now += ms;
			await new Promise(r => setImmediate(r));
		},
	});
	assert.equal(code, 0, out.stderr.text());
	assert.match(out.stdout.text(), /^market closed; next open 2018-02-07 09:30 ET$/m);
	assert.equal(waits[0], 90 * 60_000); // until the open, below the poll cap
	const submitted = readJournal(join(dir, 'j.jsonl')).filter(r => r.type === 'order_submitted');
	assert.ok(submitted.length > 0);
	assert.ok(submitted.every(r => Date.parse(String(r.ts)) >= nyTime(LAST, 9, 30)));
});

test('bad input: a one-line UserError (exit 2), nothing printed or written', async () => {
	const dir = tmp();
	const corrupt = join(dir, 'bad.json');
	writeFileSync(corrupt, '{not json');
	const cases: Array<[Parameters<typeof runRebalanceCommand>[0], RegExp]> = [
		[{mode: 'paper'}, /--mode paper needs the Alpaca rebalance venue/],
		[{mode: 'bogus' as never}, /--mode must be sim, paper or live/],
		[{state: corrupt}, /state file .*bad\.json is not valid JSON/],
		[{date: '2018-02-10'}, /--date 2018-02-10 is not a trading day of the data/],
		[{maxPositions: 0}, /--max-positions must be a whole number >= 1/],
		[{data: join(dir, 'nothing')}, /data path does not exist/],
	];
	for (const [options, message] of cases) {
		const out = io();
		await assert.rejects(runRebalanceCommand({state: join(dir, 'ok.json'), ...options}, out), error => {
			assert.ok(error instanceof UserError, JSON.stringify(options));
			assert.equal(error.exitCode, 2);
			assert.match(error.message, message);
			return true;
		});
		assert.equal(out.stdout.text() + out.stderr.text(), '');
	}
	assert.ok(!existsSync(join(dir, 'ok.json')));
});

test('a sim day equals that day of the backtest', async () => {
	const {runRebalanceBacktest} = await import('../../source/backtest/rebalance/runner.js');
	const bt = runRebalanceBacktest(sample, {days: 1, cash: parseMicros('500'), positionSize: parseMicros('100'), maxPositions: 5, bench: 'SPY', universe: null});
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500')});
	const dir = tmp();
	const out = io();
	assert.equal(await runRebalanceCommand({state: join(dir, 's.json'), lookbackDays: 10_000}, out, {venue, sleep: () => new Promise(r => setImmediate(r))}), 0);
	const day = bt.days[0]!;
	assert.deepEqual(
		venue.state().positions.map(p => [p.symbol, p.qty]),
		day.positions.map(p => [p.symbol, p.qty]),
	);
	assert.equal(venue.state().cash, day.cash);
});

test('run day after day (paper/live default): after the day is done it polls the clock until aborted', async () => {
	const dir = tmp();
	let now = nyTime(LAST, 9, 31);
	const venue = createSimDailyVenue({data: sample, date: LAST, cash: parseMicros('500'), now: () => now});
	const stop = new AbortController();
	const waits: number[] = [];
	const out = io();
	const code = await runRebalanceCommand({state: join(dir, 's.json'), once: false}, out, {
		venue,
		signal: stop.signal,
		sleep: async ms => {
			if (now >= nyTime(LAST, 9, 40)) waits.push(ms);
			now += ms;
			if (waits.length === 3) stop.abort();
			await new Promise(r => setImmediate(r));
		},
	});
	assert.equal(code, 0, out.stderr.text());
	assert.deepEqual(waits, [60_000, 60_000, 60_000]); // the poll interval, not a busy loop
	assert.equal(out.stdout.text().match(/^done for /gm)?.length, 1);
	assert.equal(out.stdout.text().match(/already rebalanced for 2018-02-07/gm)?.length, 1);
});
