import type {Command} from '../command.js';

export const dataCommand: Command = {
	name: 'data',
	where: 'data',
	summary: 'market-data cache: fetch bars from Alpaca, list, delete',
	flags: ['from', 'to', 'date', 'timeframe', 'feed', 'adjustment', 'cacheDir', 'json'],
	help: `
  Usage
    $ scalp-tui data fetch SYMBOL... --from DATE --to DATE [--timeframe 1Min|1Day] [--feed iex|sip] [--adjustment raw|split|all]
    $ scalp-tui data list [SYMBOL...] [--json]
    $ scalp-tui data rm SYMBOL... [--timeframe T] [--feed F] [--adjustment A]

  fetch downloads bars from the Alpaca Market Data API (keys from APCA_API_KEY_ID /
  APCA_API_SECRET_KEY; APCA_API_DATA_URL points at another server, e.g. scalp-tui emulate) into
  the local cache, only the dates not already there. Many symbols per request, 10,000 bars a
  page, at most 200 requests a minute; killed half-way, the next run resumes. Minute bars are
  kept for the regular session (09:30-16:00 New York). SIP ends 15 minutes ago (free plan).
  list shows each cached series: covered dates, bars, size, and holes (minutes or trading days
  without a bar; reported, never filled in). rm deletes series.

    --from DATE --to DATE   New York dates, inclusive (YYYY-MM-DD)
    --date DATE             one day
    --timeframe 1Min|1Day   bar size (default 1Min)
    --feed iex|sip          Alpaca feed (default iex, the free one)
    --adjustment raw|split|all   corporate-action adjustment (default raw)
    --cache-dir DIR         the cache folder (default $SCALP_TUI_CACHE_DIR, else
                            $XDG_CACHE_HOME/scalp-tui, else ~/.cache/scalp-tui)
    --json                  list: JSON on stdout

  Then backtest, the SIM console and emulate replay it with --from/--to or --date.

  Examples
    $ scalp-tui data fetch NVDA AMD --from 2024-03-04 --to 2024-03-08
    $ scalp-tui backtest NVDA AMD --from 2024-03-04 --to 2024-03-08
    $ scalp-tui data list
`,
	run: async (args, flags, io) => {
		const {runDataCommand} = await import('../../commands/data.js');
		return runDataCommand(args, flags, io);
	},
};
