/**
 * Errors the user can fix (a bad flag, an unreadable data file, missing keys). The CLI prints the
 * message as one line and exits with `exitCode`; any other error is a bug and exits 1.
 */
import {printable} from './printable.js';

export class UserError extends Error {
	/** Bad input exits with status 2 before anything is written. */
	readonly exitCode: number = 2;
}

/** A bad command-line flag or argument. */
export class UsageError extends UserError {
	override readonly name: string = 'UsageError';
}

/** A problem with an input file; the message names the file (and line). It quotes the file's
 * own bytes, so it is made printable here (no terminal escapes reach stderr). */
export class DataError extends UserError {
	override readonly name: string = 'DataError';

	constructor(message: string) {
		super(printable(message));
	}
}

/** The first line of an error's message, trimmed: what the user sees of a failure. */
export function oneLine(error: unknown): string {
	const text = error instanceof Error ? error.message : String(error);
	return text.split('\n')[0]!.trim();
}
