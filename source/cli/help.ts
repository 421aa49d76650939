/** `scalp-tui --help`: the command list, built from the registry so a new command shows up. */
import type {Command} from './command.js';

export function globalHelp(defaultCommand: Command, commands: readonly Command[]): string {
	const rows: [string, string][] = [
		['scalp-tui SYMBOL... [flags]', defaultCommand.summary],
		...commands.map((c): [string, string] => [`scalp-tui ${c.name} [flags]`, c.summary]),
	];
	const width = Math.max(...rows.map(([usage]) => usage.length)) + 2;
	return [
		'',
		'  Usage',
		...rows.map(([usage, summary]) => `    $ ${usage.padEnd(width)}${summary}`),
		'',
		'  Each command has its own help and flags: scalp-tui COMMAND --help',
		'  (scalp-tui SYMBOL --help shows the console flags).',
		'',
		'  Keys come from APCA_API_KEY_ID / APCA_API_SECRET_KEY (environment or ./.env);',
		'  APCA_API_BASE_URL and APCA_API_DATA_URL point everything at another server.',
		'',
		'  Examples',
		'    $ scalp-tui TSLA AAPL',
		'    $ scalp-tui TSLA AAPL --hft AAPL --speed 120',
		'    $ scalp-tui backtest --data data/minute --json',
		'    $ scalp-tui rebalance --help',
		'',
	].join('\n');
}
