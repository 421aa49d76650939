/**
 * Every command-line default in one table: the commands apply these and the help texts print
 * them. Dollar amounts are in dollars, as typed on the command line. (The strategies' own
 * parameters, --sma and the like, default to the originals' values in strategies/params.ts.)
 */
export const DEFAULTS = {
	/** --lot: dollars per scalp entry. */
	lotUsd: 2000,
	/** --cash of the simulated account (console, scalp and tick backtests, emulate). */
	cashUsd: 100_000,
	/** --hft-qty: most shares the tick-taker may hold. */
	hftQty: 500,
	/** --speed: 60 = one market minute per wall second. */
	speed: 60,
	journal: 'scalp-tui-journal.jsonl',
	logFile: 'scalp-tui.log',
	feed: 'iex',
	/** --max-daily-loss: this share of the starting cash. */
	maxDailyLossShare: 0.02,
	maxOrdersPerMinute: 200,
	/** The rebalancer (`rebalance` and `backtest --strategy rebalance`). */
	rebalance: {
		cashUsd: 500,
		positionSizeUsd: 100,
		maxPositions: 5,
		bench: 'SPY',
		/** Trading days a backtest trades (the last ones of the data). */
		days: 10,
		stateFile: '.scalp-tui-rebalance.json',
		/** Daily bars asked per symbol: the EMA weight of older closes is below 1e-17. */
		lookbackDays: 200,
		/** Seconds to wait for the sells to fill before buying, as the original. */
		fillTimeoutSeconds: 30,
		/** Longest sleep between market clock reads while waiting for the open. */
		pollSeconds: 60,
	},
} as const;
