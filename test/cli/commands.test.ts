/**
 * The command registry: every command answers --help/-h with its own help and does nothing
 * else; a flag outside a command's allowlist is one line; a mistyped command is an error, not a
 * console on a made-up symbol; lowercase symbols still open the console.
 * The command lines run in-process (the CLI's own exit route); a few run as real processes too.
 */
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {type CliResult, runCli, runCliInProcess, ROOT, scratchDir} from '../_helpers/cli.js';
import {commands, defaultCommand} from '../../source/cli/registry.js';
import {kebab} from '../../source/cli/flags.js';
import {unknownCommand} from '../../source/cli/unknown-command.js';

const ALL = [defaultCommand, ...commands];

for (const command of ALL) {
	for (const helpFlag of ['--help', '-h']) {
		const args = command.name ? [command.name, helpFlag] : ['TSLA', helpFlag];
		// One command's help also through a real process (the exit status as the shell sees it).
		const spawned = command.name === 'rebalance' && helpFlag === '--help';
		test(`${args.join(' ')} prints that command's help, exits 0 and writes nothing${spawned ? ' (a real process)' : ''}`, async () => {
			const dir = scratchDir();
			// --dry-run is left out on purpose: before the registry, `rebalance --help` traded.
			const argv = [...args, '--journal', 'j.jsonl', '--mode', 'sim'];
			const result = spawned ? runCli(argv, {cwd: dir, timeoutMs: 20_000}) : await runCliInProcess(argv, {cwd: dir});
			assert.equal(result.status, 0, result.stderr);
			assert.equal(result.stderr, '');
			assert.equal(result.stdout, command.help);
			assert.deepEqual(readdirSync(dir), [], 'no journal, marker or log written');
		});
	}
}

test('scalp-tui --help lists every command with its summary', async () => {
	const result = await runCliInProcess(['--help']);
	assert.equal(result.status, 0);
	for (const command of commands) assert.match(result.stdout, new RegExp(`scalp-tui ${command.name} .*${command.summary.replace(/[()]/g, '.')}`));
	assert.match(result.stdout, /scalp-tui SYMBOL\.\.\./);
});

test("each command's help names exactly the flags it accepts", () => {
	for (const command of ALL) {
		const named = new Set([...command.help.matchAll(/--([a-z][a-z-]*)/g)].map(m => m[1]!));
		named.delete('help');
		const allowed = new Set(command.flags.map(kebab));
		assert.deepEqual(
			[...named].filter(f => !allowed.has(f)),
			[],
			`${command.where}: help names a flag it refuses`,
		);
		assert.deepEqual(
			[...allowed].filter(f => !named.has(f)),
			[],
			`${command.where}: accepts a flag its help does not list`,
		);
	}
});

async function expectOneLineError(args: string[], pattern: RegExp, options: {spawn?: boolean} = {}): Promise<void> {
	const dir = scratchDir();
	const result: CliResult = options.spawn ? runCli(args, {cwd: dir, timeoutMs: 20_000}) : await runCliInProcess(args, {cwd: dir});
	assert.equal(result.status, 2, result.stderr);
	const lines = result.stderr.trim().split('\n');
	assert.equal(lines.length, 1, result.stderr);
	assert.match(lines[0]!, pattern);
	assert.deepEqual(readdirSync(dir), []);
}

test('a flag another command owns is refused by name', async () => {
	await expectOneLineError(['emulate', '--lot', '5'], /^scalp-tui: --lot does not apply to emulate$/, {spawn: true});
	await expectOneLineError(['rebalance', '--speed', '5'], /^scalp-tui: --speed does not apply to rebalance$/);
	await expectOneLineError(['backtest', '--port', '1'], /^scalp-tui: --port does not apply to backtest$/);
});

test("an unknown flag on a command points at that command's help", async () => {
	await expectOneLineError(['rebalance', '--frobnicate'], /^scalp-tui: unknown flag --frobnicate \(see scalp-tui rebalance --help\)$/);
});

test('a mistyped command is an error, not a console on symbol BACKTST', async () => {
	await expectOneLineError(['backtst'], /^scalp-tui: unknown command "backtst" \(did you mean backtest\?/, {spawn: true});
	await expectOneLineError(['rebalnce', '--dry-run'], /unknown command "rebalnce" \(did you mean rebalance\?/);
	await expectOneLineError(['help'], /^scalp-tui: unknown command "help": for help run scalp-tui --help/);
});

test('lowercase symbols still open the console (the console validates its flags)', async () => {
	await expectOneLineError(['tsla', '--mode', 'sim', '--lot', '0'], /^scalp-tui: --lot must be greater than 0/);
	await expectOneLineError(['HELP', '--mode', 'sim', '--lot', '0'], /^scalp-tui: --lot must be greater than 0/);
});

test('which first words count as commands', () => {
	const names = ['backtest', 'rebalance', 'emulate', 'data', 'sweep', 'report'];
	for (const symbol of ['tsla', 'aapl', 'dal', 'brk.b', 'TSLA', 'DATE', 'BACKTST', 'spy', 'qqq', 'f'])
		assert.equal(unknownCommand(symbol, names), null, symbol);
	assert.deepEqual(unknownCommand('backtst', names), {suggestion: 'backtest'});
	assert.deepEqual(unknownCommand('emualte', names), {suggestion: 'emulate'});
	assert.deepEqual(unknownCommand('dat', names), {suggestion: 'data'});
	assert.deepEqual(unknownCommand('help', names), {suggestion: null});
	assert.deepEqual(unknownCommand('foobar', names), {suggestion: null}, 'longer than any ticker');
});

test('help and flag errors load no command implementation (static imports of source/cli stay light)', () => {
	const dir = join(ROOT, 'source/cli');
	const files = [...readdirSync(dir).map(f => join(dir, f)), ...readdirSync(join(dir, 'commands')).map(f => join(dir, 'commands', f))].filter(f =>
		f.endsWith('.ts'),
	);
	const heavy: string[] = [];
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		for (const m of text.matchAll(/^import\s+(?!type\b)[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
			const target = m[1]!;
			if (
				!(
					target === 'meow' ||
					target.startsWith('./') ||
					/^(\.\.\/)+(config|core\/errors|core\/printable)\.js$/.test(target) ||
					/^\.\.\/(command|flags|defaults)\.js$/.test(target)
				)
			)
				heavy.push(`${file}: ${target}`);
		}
	}
	assert.deepEqual(heavy, []);
});
