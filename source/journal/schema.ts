/**
 * Checks a parsed journal line against the journal format: required fields and their types per
 * record type. Returns the problems found (empty when the line is valid).
 */
type Check = 'string' | 'number' | 'string|null' | 'number|null' | 'array' | RegExp | readonly string[];

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const SIDES = ['buy', 'sell'] as const;

const SCHEMA: Record<string, Record<string, Check>> = {
	session: {event: ['start', 'end'], mode: 'string', version: 'string', symbols: 'array'},
	// Beyond the fixed journal types: an added type, the session's figures before its end line.
	session_summary: {
		mode: 'string',
		trades: 'number',
		wins: 'number',
		losses: 'number',
		realized_pnl: 'number',
		fees: 'number',
		net_pnl: 'number',
		max_drawdown: 'number',
		win_rate: 'number|null',
		profit_factor: 'number|null',
	},
	// Also added: a minute's bars evaluated in paper or live mode.
	bars_evaluated: {symbols: 'array'},
	order_submitted: {
		symbol: 'string',
		strategy: ['scalp', 'hft', 'rebalance', 'manual'],
		client_order_id: 'string',
		side: SIDES,
		order_type: ['market', 'limit'],
		qty: 'number',
		limit_price: 'number|null',
		time_in_force: 'string',
		reason: ['signal', 'take_profit', 'bailout', 'eod', 'exit_after', 'manual', 'imbalance', 'rebalance'],
	},
	order_update: {
		symbol: 'string',
		client_order_id: 'string',
		order_id: 'string|null',
		event: ['new', 'fill', 'partial_fill', 'canceled', 'rejected', 'expired', 'replaced'],
		filled_qty: 'number',
		filled_avg_price: 'number|null',
		position_qty: 'number',
	},
	cancel_requested: {symbol: 'string', client_order_id: 'string', reason: ['stale_buy', 'manual', 'eod', 'exit_after', 'pause']},
	state: {symbol: 'string', strategy: 'string', from: 'string', to: 'string'},
	signal: {symbol: 'string', strategy: 'string'},
	command: {command: ['pause', 'resume', 'force_sell', 'cancel', 'liquidate_all', 'quit', 'kill_switch'], symbol: 'string|null'},
	error: {message: 'string', symbol: 'string|null'},
	risk: {guard: 'string', message: 'string', symbol: 'string|null'},
};

function matches(value: unknown, check: Check): boolean {
	if (check instanceof RegExp) return typeof value === 'string' && check.test(value);
	if (Array.isArray(check)) return typeof value === 'string' && check.includes(value);
	switch (check) {
		case 'string':
			return typeof value === 'string';
		case 'number':
			return typeof value === 'number' && Number.isFinite(value);
		case 'string|null':
			return value === null || typeof value === 'string';
		case 'number|null':
			return value === null || (typeof value === 'number' && Number.isFinite(value));
		case 'array':
			return Array.isArray(value);
	}
	return false;
}

export function validateRecord(record: unknown): string[] {
	if (typeof record !== 'object' || record === null) return ['not an object'];
	const r = record as Record<string, unknown>;
	const problems: string[] = [];
	if (!matches(r.ts, ISO_MS)) problems.push(`ts is not ISO-8601 UTC with milliseconds: ${String(r.ts)}`);
	const schema = typeof r.type === 'string' ? SCHEMA[r.type] : undefined;
	if (!schema) return [...problems, `unknown type: ${String(r.type)}`];
	for (const [field, check] of Object.entries(schema)) {
		if (!(field in r)) problems.push(`${r.type}: missing ${field}`);
		else if (!matches(r[field], check)) problems.push(`${r.type}: bad ${field}: ${JSON.stringify(r[field])}`);
	}
	return problems;
}
