import type {Command} from '../command.js';
import {DEFAULTS} from '../defaults.js';

export const consoleCommand: Command = {
	name: null,
	where: 'the console',
	summary: 'the interactive console (default): SMA scalper per symbol',
	flags: [
		'mode',
		'lot',
		'hft',
		'hftQty',
		'exitAfter',
		'signal',
		'journal',
		'logFile',
		'feed',
		'yesLive',
		'data',
		'speed',
		'cash',
		'maxDailyLoss',
		'maxOrdersPerMinute',
		'maxPositionUsd',
		'flattenOnLoss',
		'sma',
		'takeProfit',
		'staleBuy',
		'eod',
		'hftRatio',
		'hftSize',
		'from',
		'to',
		'date',
		'adjustment',
		'cacheDir',
	],
	help: `
  Usage
    $ scalp-tui SYMBOL... [flags]

  The interactive console: one SMA20 scalper per symbol, optionally the order-book-imbalance
  tick-taker. Symbols are case-insensitive (tsla = TSLA); a lowercase word that looks like a
  command (e.g. "backtst") is refused: type it in capitals to mean a symbol.

  Trading
    --mode sim|paper|live   where orders go (default: paper with API keys, else sim)
    --yes-live              confirm --mode live without a terminal prompt
    --lot USD               dollars per scalp entry (default ${DEFAULTS.lotUsd})
    --hft SYMBOL            also run the order-book-imbalance tick-taker on SYMBOL
    --hft-qty N             most shares the tick-taker may hold, >= 100 (default ${DEFAULTS.hftQty})
    --hft-ratio X           size imbalance that triggers the tick-taker (default 1.8)
    --hft-size N            shares per tick-taker order (default 100)
    --exit-after DURATION   market-exit a scalp position held this long (e.g. 2m)
    --sma N                 scalper SMA window in bars (default 20)
    --take-profit USD       take-profit above the average cost (default 0.01)
    --stale-buy DURATION    cancel a scalp buy still open after this (default 120s)
    --eod HH:MM             New York time of the end-of-day exit (default 15:55)
    --signal MODULE         JS/TS module exporting a custom scalp buy signal
    --journal PATH          JSONL journal of every event (default ${DEFAULTS.journal})
    --log-file PATH         console log lines (default ${DEFAULTS.logFile})
    --feed iex|sip          Alpaca market-data feed (default ${DEFAULTS.feed})

  Risk guards (shown in the header; every trip is journaled)
    --max-daily-loss USD    stop new entries when the day loses this (default 2% of cash)
    --flatten-on-loss       also sell everything when the loss limit trips
    --max-orders-per-minute N   refuse strategy orders beyond this rate (default ${DEFAULTS.maxOrdersPerMinute})
    --max-position-usd USD  largest position per symbol (default off)

  Simulation (--mode sim)
    --data PATH             file or folder of minute bars (default: bundled 2019 sample)
    --speed X               sim clock speed, 60 = one market minute per second (default ${DEFAULTS.speed})
    --cash USD              starting cash of the simulated account (default ${DEFAULTS.cashUsd})
    --from DATE --to DATE   replay these New York dates from the bar cache (scalp-tui data fetch)
    --date DATE             one day from the cache
    --adjustment raw|split|all   the cached adjustment (default raw; --feed picks the cached feed)
    --cache-dir DIR         the cache folder (default ~/.cache/scalp-tui)

  Keys come from APCA_API_KEY_ID / APCA_API_SECRET_KEY (environment or ./.env);
  APCA_API_BASE_URL and APCA_API_DATA_URL point everything at another server.

  Examples
    $ scalp-tui TSLA AAPL
    $ scalp-tui TSLA AAPL --hft AAPL --speed 120
    $ scalp-tui NVDA AMD --date 2024-03-05
`,
	run: async (args, flags, io) => {
		const {runConsoleCommand} = await import('../../commands/console.js');
		return runConsoleCommand(args, flags, io);
	},
};
