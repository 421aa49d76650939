import type {Command} from '../command.js';

export const emulateCommand: Command = {
	name: 'emulate',
	where: 'emulate',
	summary: 'local Alpaca-compatible exchange on 127.0.0.1',
	flags: ['port', 'data', 'speed', 'cash'],
	help: `
  Usage
    $ scalp-tui emulate [--port N] [--data PATH] [--speed X] [--cash USD]

  Serves the Alpaca REST and stream APIs on 127.0.0.1 from recorded minute bars, until Ctrl+C.
  It prints the APCA_API_BASE_URL / APCA_API_DATA_URL a client needs.

    --port N                port on 127.0.0.1 (0 picks a free one; default 0)
    --data PATH             minute bars file or folder (default: bundled 2019 sample)
    --speed X               market clock speed (default 60)
    --cash USD              starting cash of the emulated account (default 100000)

  Example
    $ scalp-tui emulate --port 8765
`,
	run: async (args, flags, io) => {
		const {runEmulateFromCli} = await import('../../commands/emulate-cli.js');
		return runEmulateFromCli(args, flags, io);
	},
};
