/**
 * What a subcommand declares: its name, a one-line summary for `scalp-tui --help`, its own help
 * text, the flags it accepts, and a lazy import of its implementation (so help and flag errors
 * never load Ink, React or the Alpaca SDK).
 */
import type {Io} from '../commands/shared.js';
import type {CliFlags, FlagName} from './flags.js';

export interface Command {
	/** The first word on the command line; null for the default (the console). */
	readonly name: string | null;
	/** How errors name it: "--json does not apply to <where>". */
	readonly where: string;
	readonly summary: string;
	/** Printed by `scalp-tui <name> --help`; starts with a Usage line. */
	readonly help: string;
	/** The allowlist: any other flag is one line naming it and exit status 2. */
	readonly flags: readonly FlagName[];
	readonly run: (args: readonly string[], flags: CliFlags, io: Io) => Promise<number>;
}
