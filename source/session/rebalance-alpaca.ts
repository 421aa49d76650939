import {UsageError} from '../config.js';
import type {Mode} from '../core/types.js';
import type {RebalanceVenue} from '../strategies/rebalance/venue.js';

// The Alpaca implementation of the rebalancer's venue lands with the Alpaca adapter.
export async function createAlpacaRebalanceVenue(mode: Mode): Promise<RebalanceVenue> {
	throw new UsageError(`rebalance --mode ${mode} is not available in this build yet`);
}
