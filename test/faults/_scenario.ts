/**
 * Shared by the fault scenarios: two symbols trade scheduled round trips (`cycleBars`: the buy
 * is placed at step 22 of a cycle, fills at step 23, its take-profit at step 24) on an
 * in-process paper session against `emulate`; each scenario ends with a shutdown and the four
 * invariants (no duplicate orders, no orphan orders, positions equal the broker's, journal
 * intact).
 */
import assert from 'node:assert/strict';
import {assertInvariants, cycleBars, journalOf, startRig, type InvariantOptions, type Rig, type RigOptions} from './_rig.js';

export const A = 'AAPL';
export const M = 'MSFT';
/** Steps of a cycle: the signal bar arrives (buy placed), the buy fills, the take-profit fills. */
export const SIGNAL = 22;
export const BUY_FILL = 23;
export const TP_FILL = 24;

export interface Scenario extends Partial<RigOptions> {
	readonly cycles?: number;
}

export async function withRig(options: Scenario, body: (rig: Rig) => Promise<void>, invariants: InvariantOptions = {}): Promise<Rig> {
	const cycles = options.cycles ?? 2;
	const bars =
		options.bars ??
		new Map([
			[A, cycleBars(A, 100, cycles)],
			[M, cycleBars(M, 50, cycles)],
		]);
	const rig = await startRig({symbols: [A, M], ...options, bars});
	try {
		await body(rig);
		await rig.shutdown();
		assertInvariants(rig, invariants);
	} catch (error) {
		if (process.env.RIG_DEBUG) {
			for (const r of journalOf(rig)) if (r.type !== 'signal') console.error(JSON.stringify(r));
			console.error(rig.logs.join('\n'));
		}
		throw error;
	} finally {
		await rig.close();
	}
	return rig;
}

export const fillsOf = (rig: Rig, symbol: string, intent: 'buy' | 'tp' | 'exit') =>
	journalOf(rig, 'order_update').filter(r => r.symbol === symbol && r.event === 'fill' && String(r.client_order_id).includes(`-${intent}-`)).length;

/** The run's own orders at the exchange (client order ids carry the run tag `rig`). */
export const exchangeOrders = (rig: Rig, symbol: string, side: 'buy' | 'sell') =>
	rig.emulator.exchange.allOrders().filter(o => o.symbol === symbol && o.side === side && o.clientOrderId.startsWith('rig-'));

export function assertRoundTrips(rig: Rig, expected: Record<string, number>): void {
	for (const [symbol, count] of Object.entries(expected)) {
		assert.equal(rig.scalper(symbol).roundTrips, count, `${symbol} round trips`);
		assert.equal(fillsOf(rig, symbol, 'buy'), count, `${symbol} buy fills`);
		assert.equal(exchangeOrders(rig, symbol, 'buy').filter(o => o.status === 'filled').length, count, `${symbol} buys filled at the exchange`);
	}
}

export const TIMEOUT = {timeout: 90_000};
