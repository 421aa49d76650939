import type {Command} from '../command.js';

export const sweepCommand: Command = {
	name: 'sweep',
	where: 'sweep',
	summary: 'scalping (or tick-taker) backtest over a grid of parameters, ranked (or walk-forward)',
	flags: [
		'strategy',
		'sma',
		'takeProfit',
		'staleBuy',
		'eod',
		'lot',
		'hftRatio',
		'hftSize',
		'hftQty',
		'walkForward',
		'workers',
		'top',
		'from',
		'to',
		'date',
		'feed',
		'adjustment',
		'cacheDir',
		'data',
		'cash',
		'exitAfter',
		'json',
	],
	help: `
  Usage
    $ scalp-tui sweep [SYMBOL...] --sma 10..40:5 --take-profit 0.01,0.02 [flags]
    $ scalp-tui sweep --strategy hft [SYMBOL...] --hft-ratio 1.2..2.4:0.3 --hft-size 100,200 [flags]

  Runs the scalping backtest (or with --strategy hft the tick-taker's tick backtest) for every
  point of a parameter grid on worker threads and ranks them; with --walk-forward, chooses on
  in-sample days and reports out-of-sample days only.

  Grid (comma lists and FROM..TO:STEP ranges; at least one)
    --sma N[,..]            scalper SMA window in bars (default 20)
    --take-profit USD[,..]  take-profit above the average cost (default 0.01)
    --stale-buy DURATION[,..]   cancel a scalp buy still open after this (default 120s)
    --eod HH:MM[,..]        New York time of the end-of-day exit (default 15:55)
    --lot USD[,..]          dollars per scalp entry (default 2000)
    --hft-ratio X[,..]      (hft) size imbalance that triggers the tick-taker (default 1.8)
    --hft-size N[,..]       (hft) shares per tick-taker order (default 100)

  Run
    --strategy scalp|hft    the strategy swept (default scalp)
    --walk-forward IN:OUT   walk-forward by trading days: choose in-sample, report out-of-sample
    --workers N             worker threads (default: one per core)
    --top N                 rows of the ranked table (default 20)
    --data PATH             minute bars file or folder (default: bundled 2019 sample); hft:
                            LOBSTER or Lean tick files (default: bundled LOBSTER sample)
    --from DATE --to DATE   New York dates (YYYY-MM-DD): read from the bar cache, as backtest
                            does; with --data, only these trading days of the files
    --date DATE             one day
    --feed iex|sip, --adjustment raw|split|all, --cache-dir DIR   the cached series (see data --help)
    --cash USD              starting cash (default 100000)
    --exit-after DURATION   market-exit a scalp position held this long (e.g. 2m)
    --hft-qty N             (hft) most shares the tick-taker may hold, >= 100 (default 500)
    --json                  print the results as JSON on stdout

  Examples
    $ scalp-tui sweep TSLA --sma 10..40:5 --take-profit 0.01,0.02
    $ scalp-tui sweep NVDA AMD --from 2024-03-04 --to 2024-03-29 --sma 15,20,30 --walk-forward 10:5
    $ scalp-tui sweep --strategy hft --hft-ratio 1.2..2.4:0.3 --hft-size 100,200
`,
	run: async (args, flags, io) => {
		const {runSweepCommand} = await import('../../commands/sweep.js');
		return runSweepCommand(args, flags, io);
	},
};
