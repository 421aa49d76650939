import type {Command} from '../command.js';

export const reportCommand: Command = {
	name: 'report',
	where: 'report',
	summary: 'trades and P&L read back from journals, modes kept apart',
	flags: ['journal', 'from', 'to', 'by', 'json'],
	help: `
  Usage
    $ scalp-tui report [JOURNAL...] [--journal PATH] [--from DATE] [--to DATE] [--by day|symbol|strategy|mode] [--json]

  Reads one or many journals (default scalp-tui-journal.jsonl) across restarts and prints trades
  (round trips), realized P&L, win rate, profit factor, average win and loss, max drawdown and
  fees, one table per mode: sim, paper, live and backtest figures are never added together.

    --journal PATH          a journal to read (more may follow as arguments)
    --by day|symbol|strategy|mode   rows of each table (default mode: totals only)
    --from DATE, --to DATE  New York dates of the closing fills (YYYY-MM-DD)
    --json                  print the report as JSON on stdout

  Examples
    $ scalp-tui report --by day
    $ scalp-tui report monday.jsonl tuesday.jsonl --by symbol --from 2026-03-02
`,
	run: async (args, flags, io) => {
		const {runReportCommand} = await import('../../commands/report.js');
		return runReportCommand(args, flags, io);
	},
};
