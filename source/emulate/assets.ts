/** The tradable universe: every symbol in the replayed data, as Alpaca asset objects. */
import {assetId} from './ids.js';
import type {Json} from './order-json.js';

export function assetJson(symbol: string): Json {
	return {
		id: assetId(symbol),
		class: 'us_equity',
		exchange: 'NASDAQ',
		symbol,
		name: `${symbol} (replayed by scalp-tui emulate)`,
		status: 'active',
		tradable: true,
		marginable: false,
		maintenance_margin_requirement: 100,
		margin_requirement_long: '100',
		margin_requirement_short: '100',
		shortable: false,
		easy_to_borrow: false,
		fractionable: false,
		attributes: [],
	};
}

export class AssetBook {
	private readonly byId = new Map<string, string>();
	private readonly set: ReadonlySet<string>;

	constructor(readonly symbols: readonly string[]) {
		this.set = new Set(symbols);
		for (const symbol of symbols) this.byId.set(assetId(symbol), symbol);
	}

	/** The symbol for a symbol (any case) or an asset id, or null when not tradable here. */
	resolve(symbolOrId: string): string | null {
		const upper = symbolOrId.trim().toUpperCase();
		if (this.set.has(upper)) return upper;
		return this.byId.get(symbolOrId.trim().toLowerCase()) ?? null;
	}
}
