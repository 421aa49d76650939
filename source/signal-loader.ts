/**
 * Loads a user's buy signal module (`--signal ./my-signal.js`). The module exports a function
 * `(bars, symbol) => boolean` as its default export or as `signal`. TypeScript modules load
 * through tsx when it is installed (Node 20), or natively on Node >= 22.6.
 */
import {existsSync} from 'node:fs';
import {resolve} from 'node:path';
import {pathToFileURL} from 'node:url';
import {UsageError} from './core/errors.js';
import type {CustomSignal} from './strategies/signal.js';

export async function loadSignal(path: string): Promise<CustomSignal> {
	const full = resolve(path);
	if (!existsSync(full)) throw new UsageError(`signal module not found: ${path}`);
	if (/\.(c|m)?tsx?$/.test(full)) {
		try {
			const api = (await import('tsx/esm/api')) as {register: () => unknown};
			api.register();
		} catch {
			// No tsx: Node's own type stripping may still load it; the import below says if not.
		}
	}
	let loaded: Record<string, unknown>;
	try {
		loaded = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
	} catch (error) {
		const message = (error as Error).message?.split('\n')[0] ?? String(error);
		throw new UsageError(`cannot load signal module ${path}: ${message}`);
	}
	const candidate = loaded.default ?? loaded.signal ?? loaded.buySignal;
	const fn = typeof candidate === 'object' && candidate !== null && 'default' in candidate ? (candidate as {default: unknown}).default : candidate;
	if (typeof fn !== 'function') {
		throw new UsageError(`signal module ${path} must export a function (default export or "signal")`);
	}
	return fn as CustomSignal;
}
