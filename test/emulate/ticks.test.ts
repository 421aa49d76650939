/**
 * `emulate` in tick mode: recorded ticks (LOBSTER) or SIM's seeded synthetic ticks streamed as
 * `q` / `t` messages at full time resolution, minute bars built from the trades, IOC orders
 * filled against the streamed book (at the displayed opposite price if no worse than the limit, up to the displayed size); `whenIdle()`.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {join} from 'node:path';
import {loadTicks} from '../../source/adapters/replay/ticks.js';
import {seededTicksFor, type TickEvent} from '../../source/adapters/sim/synthetic-ticks.js';
import {runCli} from '../../source/cli/main.js';
import {microsToNumber} from '../../source/core/money.js';
import {MINUTE_MS} from '../../source/core/time.js';
import type {EmulatorHandle} from '../../source/emulate/server.js';
import {ROOT} from '../_helpers/cli.js';
import {DAY1, KEYS, Probe, api, sampleBars, startTestEmulator} from './_support.js';

const TICKS = join(ROOT, 'data/ticks');

async function subscribed(h: EmulatorHandle, symbol: string): Promise<Probe> {
	const p = await Probe.open(h.dataStreamUrl('iex'), 'msgpack');
	p.send({action: 'auth', key: KEYS.keyId, secret: KEYS.secret});
	p.send({action: 'subscribe', quotes: [symbol], trades: [symbol], bars: [symbol]});
	await p.waitFor(m => m.T === 'subscription');
	return p;
}

/** A wire message as the tick it stands for (price in micros, time as ms + ns). */
function asTick(m: any): string {
	const nanos = BigInt(m.t.sec) * 1_000_000_000n + BigInt(m.t.nsec);
	const ms = Number(nanos / 1_000_000n);
	const ns = Number(nanos % 1_000_000n);
	return m.T === 'q' ? `q ${ms}.${ns} ${m.bp}x${m.bs} ${m.ap}x${m.as}` : `t ${ms}.${ns} ${m.p}x${m.s}`;
}

function expected(event: TickEvent): string {
	if (event.kind === 'quote') {
		const q = event.quote;
		return `q ${q.ms}.${q.ns} ${microsToNumber(q.bidPrice)}x${q.bidSize} ${microsToNumber(q.askPrice)}x${q.askSize}`;
	}
	const t = event.trade;
	return `t ${t.ms}.${t.ns} ${microsToNumber(t.price)}x${t.size}`;
}

test('recorded ticks: quotes and trades stream in tape order at nanosecond resolution; bars come from the trades', async () => {
	const tape = loadTicks([TICKS]).tape;
	const h = await startTestEmulator({bars: undefined, tickPaths: [TICKS]});
	const p = await subscribed(h, 'AMZN');
	try {
		assert.deepEqual(h.tickSymbols, ['AMZN']);
		const firstMinuteEnd = tape.ms[0]! - (tape.ms[0]! % MINUTE_MS) + MINUTE_MS;
		let n = 0;
		while (tape.ms[n]! < firstMinuteEnd) n++;
		for (let i = 0; i <= n; i++) assert.ok(h.step()); // the first minute's ticks, then its bar's arrival
		await h.whenIdle();
		const ticks = p.messages.filter(m => m.T === 'q' || m.T === 't').map(asTick);
		const want: string[] = [];
		let volume = 0;
		const prices: number[] = [];
		for (let i = 0; i < n; i++) {
			const quote = tape.kind[i] === 0;
			want.push(
				quote
					? `q ${tape.ms[i]}.${tape.ns[i]} ${microsToNumber(tape.price[i]!)}x${tape.size[i]} ${microsToNumber(tape.askPrice[i]!)}x${tape.askSize[i]}`
					: `t ${tape.ms[i]}.${tape.ns[i]} ${microsToNumber(tape.price[i]!)}x${tape.size[i]}`,
			);
			if (!quote) {
				volume += tape.size[i]!;
				prices.push(tape.price[i]!);
			}
		}
		assert.deepEqual(ticks, want, 'every tick of the minute, nothing else (no bar-close trade)');
		const bars = p.messages.filter(m => m.T === 'b');
		assert.equal(bars.length, 1);
		assert.deepEqual(
			[bars[0].o, bars[0].h, bars[0].l, bars[0].c, bars[0].v],
			[prices[0]!, Math.max(...prices), Math.min(...prices), prices.at(-1)!, volume].map((x, i) => (i < 4 ? microsToNumber(x) : x)),
		);
		assert.ok(
			p.messages.filter(m => m.T === 't').every((m, i) => m.i === i + 1),
			'trade ids count the trades',
		);
	} finally {
		p.close();
		await h.close();
	}
});

test('tick mode fills an IOC limit against the streamed top of book: at the displayed price, up to its size, the rest canceled', async () => {
	const h = await startTestEmulator({bars: undefined, tickPaths: [TICKS], cash: 1_000_000});
	const p = await subscribed(h, 'AMZN');
	try {
		// Step to a quote whose ask size is below 500 shares, so the fill is partial.
		let last: any = null;
		for (;;) {
			assert.ok(h.step());
			await h.whenIdle();
			const quotes = p.messages.filter(m => m.T === 'q');
			last = quotes.at(-1) ?? null;
			if (last && last.as < 500 && last.ap > 0) break;
		}
		const order = (side: string, limit: number, qty: number, id: string) => ({
			symbol: 'AMZN',
			qty: String(qty),
			side,
			type: 'limit',
			time_in_force: 'ioc',
			limit_price: limit.toFixed(2),
			client_order_id: id,
		});
		const below = await api(h, 'POST', '/v2/orders', order('buy', last.ap - 0.01, 100, 'ioc-below'));
		assert.equal(below.status, 200, JSON.stringify(below.body));
		assert.equal(below.body.status, 'canceled', JSON.stringify(below.body));
		assert.equal(below.body.filled_qty, '0');
		const taken = await api(h, 'POST', '/v2/orders', order('buy', last.ap, 500, 'ioc-at'));
		assert.equal(taken.body.status, 'canceled', 'the rest past the displayed size is canceled');
		assert.equal(Number(taken.body.filled_qty), last.as);
		assert.equal(Number(taken.body.filled_avg_price), last.ap);
		const position = await api(h, 'GET', '/v2/positions/AMZN');
		assert.equal(Number(position.body.qty), last.as);
	} finally {
		p.close();
		await h.close();
	}
});

test('synthetic ticks (emulate --hft SYMBOL): the quotes and trades SIM’s tick-taker sees, along the symbol’s bars', async () => {
	const bars = sampleBars();
	const h = await startTestEmulator({syntheticTickSymbols: ['AAPL']});
	const p = await subscribed(h, 'AAPL');
	try {
		assert.deepEqual(h.tickSymbols, ['AAPL']);
		const day1 = bars.get('AAPL')!.filter(b => new Date(b.start).toISOString().startsWith(DAY1));
		const want = seededTicksFor('AAPL')(day1).map(expected);
		while (h.step() && !h.finished) {
			// the whole replay
		}
		await h.whenIdle();
		const got = p.messages.filter(m => m.T === 'q' || m.T === 't').map(asTick);
		assert.deepEqual(got.slice(0, want.length), want);
		assert.ok(want.length > 100);
	} finally {
		p.close();
		await h.close();
	}
});

test('emulate --ticks on the command line: tick mode announced; --ticks with --data or --hft is one line, status 2', async () => {
	const out: string[] = [];
	const io = {stdout: {write: (t: string) => out.push(t)}, stderr: {write: (t: string) => out.push(t)}};
	await assert.rejects(runCli(['emulate', '--ticks', TICKS, '--data', TICKS], io as never, import.meta), /--ticks and --data cannot be combined/);
	await assert.rejects(runCli(['emulate', '--ticks', TICKS, '--hft', 'AMZN'], io as never, import.meta), /--hft lays synthetic ticks along minute data/);
	await assert.rejects(runCli(['AAPL', '--ticks', TICKS], io as never, import.meta), /--ticks does not apply/);
	const stop = new AbortController();
	let handle: EmulatorHandle | undefined;
	const status = await runCli(
		['emulate', '--ticks', TICKS, '--speed', '1'],
		{...io, signal: stop.signal, onReady: (h: EmulatorHandle) => ((handle = h), stop.abort())} as never,
		import.meta,
	);
	assert.equal(status, 0);
	assert.deepEqual(handle?.tickSymbols, ['AMZN']);
	assert.match(out.join(''), /tick mode: quotes and trades of AMZN from recorded ticks/);
});
