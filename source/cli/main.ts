/**
 * Parse the command line, pick the command from the registry, enforce its flag allowlist,
 * answer --help, then lazily load and run it. Throws UsageError for bad input (cli.tsx turns
 * that into one line and exit status 2).
 */
import meow from 'meow';
import {UsageError, UserError} from '../core/errors.js';
import {printable} from '../core/printable.js';
import type {Io} from '../commands/shared.js';
import {flagSpec, kebab, knownFlagSpellings, type CliFlags, type FlagName} from './flags.js';
import {globalHelp} from './help.js';
import {commands, defaultCommand, findCommand} from './registry.js';
import {unknownCommand} from './unknown-command.js';

function flagLabel(name: string): string {
	return name.length === 1 ? `-${name}` : `--${kebab(name)}`;
}

export async function runCli(argv: readonly string[], io: Io, importMeta: ImportMeta): Promise<number> {
	const cli = meow({
		argv: [...argv],
		importMeta,
		flags: flagSpec as never,
		allowUnknownFlags: true,
		autoHelp: false,
		autoVersion: true,
		booleanDefault: undefined,
	});
	const [first, ...rest] = cli.input;
	const named = findCommand(first);
	const command = named ?? defaultCommand;
	const args = named ? rest : cli.input;
	const parsed = cli.flags as unknown as CliFlags & {help?: boolean};
	const wantsHelp = parsed.help === true;

	if (!named && first !== undefined) {
		const guess = unknownCommand(
			first,
			commands.map(c => c.name!),
		);
		if (guess) {
			if (first === 'help') throw new UsageError('unknown command "help": for help run scalp-tui --help or scalp-tui COMMAND --help');
			const hint = guess.suggestion ? `did you mean ${guess.suggestion}? ` : '';
			throw new UsageError(`unknown command "${first}" (${hint}see scalp-tui --help); to trade a symbol type it in capitals: ${first.toUpperCase()}`);
		}
	}
	// Help answers before anything is validated or run: `rebalance --help` must never trade.
	if (wantsHelp) {
		io.stdout.write(first === undefined ? globalHelp(defaultCommand, commands) : command.help);
		return 0;
	}

	const unknown = Object.keys(cli.unnormalizedFlags).filter(name => !knownFlagSpellings.has(name));
	const helpHint = `scalp-tui ${command.name ? `${command.name} ` : ''}--help`;
	if (unknown.length > 0) throw new UsageError(`unknown flag ${flagLabel(unknown[0]!)} (see ${helpHint})`);

	const flags = {...parsed};
	delete flags.help;
	// meow gives an empty list for a multiple flag that was not passed: make that "not given".
	if (flags.data && flags.data.length === 0) delete flags.data;
	if (flags.ticks && flags.ticks.length === 0) delete flags.ticks;
	const allowed = new Set<string>(command.flags);
	for (const name of Object.keys(flags) as FlagName[]) {
		if (flags[name] !== undefined && !allowed.has(name)) {
			throw new UsageError(`${flagLabel(name)} does not apply to ${command.where}`);
		}
	}
	return command.run(args, flags, io);
}

/**
 * The whole command line as the binary runs it: the exit status, with bad input as one line on
 * stderr (a UserError's own status) and anything else as one "internal error" line (status 1;
 * the stack only with SCALP_TUI_DEBUG). cli.tsx sets process.exitCode from it; tests call it
 * in-process.
 */
export async function runCliToExit(argv: readonly string[], io: Io, importMeta: ImportMeta): Promise<number> {
	try {
		return await runCli(argv, io, importMeta);
	} catch (error) {
		if (error instanceof UserError) {
			io.stderr.write(`scalp-tui: ${printable(error.message)}\n`);
			return error.exitCode;
		}
		io.stderr.write(`scalp-tui: internal error: ${printable(error instanceof Error ? error.message : String(error))}\n`);
		if (process.env.SCALP_TUI_DEBUG) io.stderr.write(`${(error as Error).stack ?? ''}\n`);
		return 1;
	}
}
