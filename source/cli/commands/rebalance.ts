import type {Command} from '../command.js';
import {DEFAULTS} from '../defaults.js';

export const rebalanceCommand: Command = {
	name: 'rebalance',
	where: 'rebalance',
	summary: 'daily mean-reversion rebalance (once a trading day)',
	flags: ['mode', 'yesLive', 'dryRun', 'universe', 'positionSize', 'maxPositions', 'bench', 'data', 'cash', 'journal'],
	help: `
  Usage
    $ scalp-tui rebalance [flags]

  Ranks the universe by mean reversion, sells what dropped out, buys the new picks, once per
  trading day (a done-marker in the working directory stops a second run that day).

    --mode sim|paper|live   where orders go (default: paper with API keys, else sim)
    --yes-live              confirm --mode live without a terminal prompt
    --dry-run               print ranked candidates and orders without sending them
    --universe FILE         symbols to rank (default: bundled S&P 500 list)
    --position-size USD     dollars per new position (default ${DEFAULTS.rebalance.positionSizeUsd})
    --max-positions N       most positions held (default ${DEFAULTS.rebalance.maxPositions})
    --bench SYMBOL          benchmark symbol, never ranked (default ${DEFAULTS.rebalance.bench}; none for no benchmark)
    --data PATH             (sim) daily bars file or folder (default: bundled sample)
    --cash USD              (sim) starting cash (default 500)
    --journal PATH          JSONL journal (default ${DEFAULTS.journal})

  Examples
    $ scalp-tui rebalance --dry-run
    $ scalp-tui rebalance --mode paper
`,
	run: async (args, flags, io) => {
		const {runRebalanceFromCli} = await import('../../commands/rebalance-cli.js');
		return runRebalanceFromCli(args, flags, io);
	},
};
