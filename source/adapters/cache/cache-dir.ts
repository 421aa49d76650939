/**
 * Where the cache lives: `--cache-dir`, else SCALP_TUI_CACHE_DIR, else
 * $XDG_CACHE_HOME/scalp-tui, else ~/.cache/scalp-tui (the XDG default).
 */
import {homedir} from 'node:os';
import {join, resolve} from 'node:path';

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
	const explicit = env.SCALP_TUI_CACHE_DIR?.trim();
	if (explicit) return resolve(explicit);
	const xdg = env.XDG_CACHE_HOME?.trim();
	// The XDG spec ignores a relative XDG_CACHE_HOME.
	if (xdg?.startsWith('/')) return join(xdg, 'scalp-tui');
	return join(homedir(), '.cache', 'scalp-tui');
}

export function cacheDirFrom(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
	return flag !== undefined && flag.trim() !== '' ? resolve(flag) : defaultCacheDir(env);
}
