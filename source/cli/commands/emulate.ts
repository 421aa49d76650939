import type {Command} from '../command.js';
import {DEFAULTS} from '../defaults.js';

export const emulateCommand: Command = {
	name: 'emulate',
	where: 'emulate',
	summary: 'local Alpaca-compatible exchange on 127.0.0.1',
	flags: ['port', 'data', 'ticks', 'hft', 'speed', 'cash', 'from', 'to', 'date', 'feed', 'adjustment', 'cacheDir'],
	help: `
  Usage
    $ scalp-tui emulate [--port N] [--data PATH | --ticks PATH] [--hft SYMBOL] [--speed X] [--cash USD]
    $ scalp-tui emulate [SYMBOL...] --from DATE --to DATE   (replay the bar cache)

  Serves the Alpaca REST and stream APIs on 127.0.0.1 from recorded minute bars (or ticks),
  until Ctrl+C. It prints the APCA_API_BASE_URL / APCA_API_DATA_URL a client needs. Its
  market-data REST routes also serve every bar in the cache (scalp-tui data list) on days it
  does not replay.

    --port N                port on 127.0.0.1 (0 picks a free one; default 0)
    --data PATH             minute bars file or folder (default: bundled 2019 sample)
    --ticks PATH            tick mode: stream the quotes and trades of LOBSTER or Lean tick files
                            (a folder or files; data/ticks is a sample) and fill IOC orders
                            against them; the minute bars are built from the trades
    --hft SYMBOL            tick mode on minute data: stream SIM's seeded synthetic quotes and
                            trades along SYMBOL's bars (what the tick-taker sees in SIM)
    --speed X               market clock speed (default ${DEFAULTS.speed})
    --cash USD              starting cash of the emulated account (default ${DEFAULTS.cashUsd})
    --from DATE --to DATE   replay these dates from the cache (all cached symbols, or those named)
    --date DATE             one day from the cache
    --feed iex|sip, --adjustment raw|split|all   which cached series (default iex, raw)
    --cache-dir DIR         the cache folder (default ~/.cache/scalp-tui)

  Examples
    $ scalp-tui emulate --port 8765
    $ scalp-tui emulate --port 8765 --ticks data/ticks --speed 1
`,
	run: async (args, flags, io) => {
		const {runEmulateFromCli} = await import('../../commands/emulate-cli.js');
		return runEmulateFromCli(args, flags, io);
	},
};
