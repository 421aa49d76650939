import type {Command} from '../command.js';
import {DEFAULTS} from '../defaults.js';

export const backtestCommand: Command = {
	name: 'backtest',
	where: 'backtest',
	summary: 'replay recorded data headless and print a report',
	flags: [
		'strategy',
		'mode',
		'data',
		'json',
		'journal',
		'lot',
		'cash',
		'exitAfter',
		'signal',
		'hft',
		'hftQty',
		'hftRatio',
		'hftSize',
		'sma',
		'takeProfit',
		'staleBuy',
		'eod',
		'days',
		'positionSize',
		'maxPositions',
		'bench',
		'universe',
		'from',
		'to',
		'date',
		'feed',
		'adjustment',
		'cacheDir',
	],
	help: `
  Usage
    $ scalp-tui backtest [SYMBOL...] [--strategy scalp|hft|rebalance] [flags]

  Replays recorded data on the simulated exchange (never a broker) and prints a report.

  All strategies
    --strategy scalp|hft|rebalance   (default scalp)
    --data PATH             file or folder of data (default: the bundled sample for the strategy)
    --json                  print the report as JSON on stdout
    --journal PATH          JSONL journal of the run (default: none)
    --cash USD              starting cash (default ${DEFAULTS.cashUsd}; rebalance ${DEFAULTS.rebalance.cashUsd})
    --mode sim              accepted for symmetry; backtests always run simulated

  Cached market data (scalp; see scalp-tui data --help)
    --from DATE --to DATE   replay these New York dates from the cache instead of --data
    --date DATE             one day
    --feed iex|sip          the cached feed (default iex)
    --adjustment raw|split|all   the cached adjustment (default raw)
    --cache-dir DIR         the cache folder (default ~/.cache/scalp-tui)

  scalp and hft
    --lot USD               dollars per scalp entry (default ${DEFAULTS.lotUsd})
    --exit-after DURATION   market-exit a scalp position held this long (e.g. 2m)
    --sma N                 scalper SMA window in bars (default 20)
    --take-profit USD       take-profit above the average cost (default 0.01)
    --stale-buy DURATION    cancel a scalp buy still open after this (default 120s)
    --eod HH:MM             New York time of the end-of-day exit (default 15:55)
    --signal MODULE         JS/TS module exporting a custom scalp buy signal
    --hft SYMBOL            (hft) the symbol the tick-taker trades; others are scalped
    --hft-qty N             (hft) most shares the tick-taker may hold, >= 100 (default ${DEFAULTS.hftQty})
    --hft-ratio X           (hft) size imbalance that triggers the tick-taker (default 1.8)
    --hft-size N            (hft) shares per tick-taker order (default 100)

  rebalance
    --days N                trading days to trade, the last of the data (default ${DEFAULTS.rebalance.days})
    --position-size USD     dollars per new position (default ${DEFAULTS.rebalance.positionSizeUsd})
    --max-positions N       most positions held (default ${DEFAULTS.rebalance.maxPositions})
    --bench SYMBOL          benchmark for the report (default ${DEFAULTS.rebalance.bench}; none for no benchmark)
    --universe FILE         symbols to rank (default: bundled S&P 500 list)

  Examples
    $ scalp-tui backtest TSLA --json
    $ scalp-tui backtest NVDA AMD --from 2024-03-04 --to 2024-03-08
    $ scalp-tui backtest --strategy hft
    $ scalp-tui backtest --strategy rebalance --days 60
`,
	run: async (args, flags, io) => {
		const {runBacktestCommand} = await import('../../commands/backtest.js');
		return runBacktestCommand(args, flags, io);
	},
};
