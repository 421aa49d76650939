/**
 * Flags -> validated values. Every problem is a UsageError with one line naming it; the CLI
 * prints that line and exits with status 2 before anything is written.
 */
import {existsSync} from 'node:fs';
import {dollarsToMicros, parseMicros, type Micros} from './core/money.js';
import {parseDuration} from './core/time.js';
import type {Mode} from './core/types.js';
import {UsageError} from './core/errors.js';
import {isSymbol} from './core/symbol.js';
import {applyEnvFile} from './env-file.js';

export {UsageError} from './core/errors.js';

/** Upper-case and validate symbols ("brk.b" -> "BRK.B"); duplicates collapse. */
export function parseSymbols(inputs: readonly string[]): string[] {
	const out: string[] = [];
	for (const raw of inputs) {
		const symbol = String(raw).trim().toUpperCase();
		if (!isSymbol(symbol)) throw new UsageError(`not a stock symbol: "${raw}"`);
		if (!out.includes(symbol)) out.push(symbol);
	}
	return out;
}

function numberFlag(name: string, value: unknown): number {
	const n = typeof value === 'number' ? value : Number(value);
	if (value === '' || value === true || !Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got "${String(value)}"`);
	return n;
}

/** A dollar amount that must be > 0 (e.g. --lot, --cash); exact when written as a decimal. */
export function positiveDollars(name: string, value: unknown): Micros {
	const n = numberFlag(name, typeof value === 'string' ? value.trim().replace(/^\$/, '') : value);
	if (n <= 0) throw new UsageError(`--${name} must be greater than 0, got ${String(value)}`);
	if (n > 1e9) throw new UsageError(`--${name} is too large: ${String(value)}`);
	const exact = typeof value === 'string' ? parseMicros(value.trim().replace(/^\$/, '')) : null;
	return exact === null || Number.isNaN(exact) ? dollarsToMicros(n) : exact;
}

/** One symbol flag (e.g. --bench), upper-cased. */
export function symbolFlag(name: string, value: unknown): string {
	const symbol = String(value).trim().toUpperCase();
	if (!isSymbol(symbol)) throw new UsageError(`--${name} must be a symbol, got "${String(value)}"`);
	return symbol;
}

export function positiveNumber(name: string, value: unknown): number {
	const n = numberFlag(name, value);
	if (n <= 0) throw new UsageError(`--${name} must be greater than 0, got ${String(value)}`);
	return n;
}

export function wholeNumber(name: string, value: unknown, min: number): number {
	const n = numberFlag(name, value);
	if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be a whole number >= ${min}, got ${String(value)}`);
	return n;
}

export function durationFlag(name: string, value: unknown): number {
	const ms = parseDuration(String(value));
	if (Number.isNaN(ms)) throw new UsageError(`--${name} needs a duration like 90s, 2m or 1h, got "${String(value)}"`);
	return ms;
}

export function modeFlag(value: unknown, keysPresent: boolean): Mode {
	if (value === undefined || value === null || value === '') return keysPresent ? 'paper' : 'sim';
	const mode = String(value).toLowerCase();
	if (mode !== 'sim' && mode !== 'paper' && mode !== 'live') throw new UsageError(`--mode must be sim, paper or live, got "${String(value)}"`);
	if (mode !== 'sim' && !keysPresent) {
		throw new UsageError(`--mode ${mode} needs API keys: set APCA_API_KEY_ID and APCA_API_SECRET_KEY (environment or .env)`);
	}
	return mode;
}

export function existingPaths(values: readonly string[]): string[] {
	for (const path of values) if (!existsSync(path)) throw new UsageError(`data path does not exist: ${path}`);
	return [...values];
}

/** Load `.env` from the working directory into process.env (never overriding real env). */
export function loadDotEnv(path = '.env'): void {
	applyEnvFile(path);
}

export function keysPresent(env: NodeJS.ProcessEnv = process.env): boolean {
	return Boolean(env.APCA_API_KEY_ID && env.APCA_API_SECRET_KEY);
}
