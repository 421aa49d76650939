/**
 * Every subcommand, in the order `scalp-tui --help` lists them. To add one: write a Command in
 * commands/<name>.ts and add it here.
 */
import type {Command} from './command.js';
import {backtestCommand} from './commands/backtest.js';
import {consoleCommand} from './commands/console.js';
import {dataCommand} from './commands/data.js';
import {emulateCommand} from './commands/emulate.js';
import {rebalanceCommand} from './commands/rebalance.js';
import {sweepCommand} from './commands/sweep.js';
import {reportCommand} from './commands/report.js';

export const defaultCommand: Command = consoleCommand;

export const commands: readonly Command[] = [backtestCommand, sweepCommand, reportCommand, rebalanceCommand, emulateCommand, dataCommand];

export function findCommand(name: string | undefined): Command | undefined {
	return name === undefined ? undefined : commands.find(c => c.name === name);
}
