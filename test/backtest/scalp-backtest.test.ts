/**
 * Backtests over the bundled real 2019 minute bars: the journal's orders equal the original
 * algorithm's (reference fixtures), and the run keeps the
 * scalper's invariants (one entry at a time per symbol, none while holding or at or after 15:55
 * New York, flat at the close, cash + positions = start + P&L).
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {join} from 'node:path';
import {loadMinuteData, toSessions} from '../../source/adapters/replay/minute-csv.js';
import {runScalpBacktest} from '../../source/backtest/scalp-backtest.js';
import {sessionTimes} from '../../source/core/time.js';
import {MemoryJournal} from '../../source/journal/records.js';
import {bundledMinuteData} from '../../source/paths.js';
import {micros} from '../../source/core/money.js';

const fixtures = join(import.meta.dirname ?? new URL('.', import.meta.url).pathname, '../fixtures/scalp');

function run(symbols: string[], dates?: string[]) {
	const data = loadMinuteData([bundledMinuteData()], symbols);
	let sessions = toSessions(data.bars);
	if (dates) sessions = sessions.filter(s => dates.includes(s.date));
	const journal = new MemoryJournal();
	const result = runScalpBacktest({sessions, symbols, lot: micros(2000e6), cash: micros(100_000e6), exitAfterMs: null, signal: null, journal});
	return {journal, result};
}

const orderKey = (o: {ts: string | number; symbol: string; side: string; order_type: string; qty: number; limit_price: number | null}) =>
	`${typeof o.ts === 'number' ? new Date(o.ts).toISOString() : o.ts}|${o.symbol}|${o.side}|${o.order_type}|${o.qty}|${o.limit_price}`;

function compareWithReference(file: string, symbols: string[], dates?: string[]) {
	const reference = JSON.parse(readFileSync(join(fixtures, file), 'utf8'));
	const {journal, result} = run(symbols, dates);
	const mine = journal.ofType('order_submitted').map(orderKey).sort();
	const theirs = (reference.orders as Parameters<typeof orderKey>[0][]).map(orderKey).sort();
	assert.deepEqual(mine, theirs);
	assert.equal(result.total.realizedPnl.toFixed(4), reference.summary.total_realized_pnl.toFixed(4));
	assert.equal(result.total.finalCash.toFixed(4), reference.summary.final_cash.toFixed(4));
}

test('one session, one symbol: orders equal the original (incl. half-cent take-profits)', () => {
	compareWithReference('AAPL_2019-02-12.json', ['AAPL'], ['2019-02-12']);
	compareWithReference('SPY_2019-02-14.json', ['SPY'], ['2019-02-14']);
});

test('five sessions of one symbol on one account: orders equal the original', () => {
	compareWithReference('by-symbol_TSLA.json', ['TSLA']);
});

test('six symbols at once, five sessions, one account: orders equal the original', () => {
	compareWithReference('fleet_2019-02-11_2019-02-15.json', ['AAPL', 'AMZN', 'MSFT', 'QQQ', 'SPY', 'TSLA']);
});

test('invariants over the whole bundled sample', () => {
	const symbols = ['AAPL', 'AMZN', 'MSFT', 'QQQ', 'SPY', 'TSLA'];
	const {journal, result} = run(symbols);
	// never two entries open on one symbol; no entry at or after 15:55 New York
	const openBuys = new Map<string, number>();
	const position = new Map<string, number>();
	const updates = new Map<string, string>();
	for (const r of journal.records) {
		if (r.type === 'order_submitted' && r.side === 'buy') {
			const liquidation = sessionTimes(new Date(r.ts - 5 * 3600_000).toISOString().slice(0, 10)).liquidation;
			assert.ok(r.ts < liquidation, `entry at ${new Date(r.ts).toISOString()}`);
			assert.equal(openBuys.get(r.symbol) ?? 0, 0, `second entry on ${r.symbol}`);
			assert.equal(position.get(r.symbol) ?? 0, 0, `entry while holding ${r.symbol}`);
			openBuys.set(r.symbol, 1);
			updates.set(r.client_order_id, r.symbol);
		}
		if (r.type === 'order_update') {
			position.set(r.symbol, r.position_qty);
			if (updates.has(r.client_order_id) && ['fill', 'canceled', 'rejected', 'expired'].includes(r.event)) openBuys.set(r.symbol, 0);
		}
	}
	// the data reaches 15:56 every day: every position is flat at the end
	for (const s of result.symbols) assert.equal(s.finalPosition, 0, s.symbol);
	assert.equal(result.total.unrealizedPnl, 0);
	// cash + position value = start + realized + unrealized
	assert.equal(Math.round(result.total.finalEquity * 1e6), Math.round((result.total.startCash + result.total.realizedPnl + result.total.unrealizedPnl) * 1e6));
	assert.ok(result.total.roundTrips > 100);
});

test('cash + positions = start + realized + unrealized at every session end, even with positions held overnight', () => {
	// Cut every session at 15:50: positions stay open overnight and carry to the next session.
	const data = loadMinuteData([bundledMinuteData()], ['TSLA', 'AAPL']);
	const sessions = toSessions(data.bars).map(s => ({
		date: s.date,
		bars: s.bars.filter(b => b.start < sessionTimes(s.date).midnight + (15 * 60 + 50) * 60_000),
	}));
	const journal = new MemoryJournal();
	const result = runScalpBacktest({
		sessions,
		symbols: ['AAPL', 'TSLA'],
		lot: micros(2000e6),
		cash: micros(100_000e6),
		exitAfterMs: null,
		signal: null,
		journal,
	});
	const equity = result.total.finalEquity;
	assert.equal(Math.round(equity * 1e6), Math.round((result.total.startCash + result.total.realizedPnl + result.total.unrealizedPnl) * 1e6));
	assert.ok(
		journal.ofType('order_update').some(u => u.event === 'expired'),
		'some order expired at a session end',
	);
});
