/**
 * `.env` reading shared by the CLI and the Alpaca config. Node's own `process.loadEnvFile`
 * keeps a UTF-8 byte-order mark as part of the first key (a BOM-saved `.env` then silently
 * lost APCA_API_KEY_ID and the console ran SIM), and it blocks for ever on a FIFO. Here the
 * file must be a regular file, a leading BOM is dropped, and values already set win.
 */
import {readFileSync} from 'node:fs';
import {parseEnv} from 'node:util';
import {UsageError} from './core/errors.js';
import {checkRegularFile} from './regular-file.js';

/** The file's variables, or null when there is no file. Problems are one line (UsageError). */
export function readEnvFile(path: string): Record<string, string> | null {
	if (!checkRegularFile(path, 'a .env file')) return null;
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		throw new UsageError(`cannot read ${path} (${(error as NodeJS.ErrnoException).code ?? 'error'}): check that it is a readable KEY=value file`);
	}
	if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
	try {
		return parseEnv(text) as Record<string, string>;
	} catch {
		// The parser's message could quote a line of the file (a secret): do not pass it on.
		throw new UsageError(`cannot read ${path}: check that it is a KEY=value file`);
	}
}

/** Fill the unset variables of `env` (process.env by default) from the file, as loadEnvFile does. */
export function applyEnvFile(path: string, env: NodeJS.ProcessEnv = process.env): void {
	const parsed = readEnvFile(path);
	if (parsed === null) return;
	for (const [key, value] of Object.entries(parsed)) if (env[key] === undefined) env[key] = value;
}
