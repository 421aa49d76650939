/**
 * What the operator set that must outlive the process: the paused symbols. Kept in a small
 * JSON file next to the journal (`<journal>.state.json`), rewritten atomically (temp file,
 * fsync, rename) whenever the set changes, and applied at start before any bar arrives, so
 * a pause survives a crash, a `kill -9` or a restart. The journal's `command` lines record
 * the same pauses for the audit trail; this file is what a restart reads.
 *
 * Symbols of the file that this run does not trade are kept as they are.
 *
 * Also kept: a kill switch or daily-loss trip, with the trading day it happened on. A restart
 * the same trading day re-applies it (journaled as a `risk` line with `restored: true`); a
 * later day ignores it, as the guards start over each day.
 */
import {readFileSync} from 'node:fs';
import {writeJsonAtomic} from '../journal/atomic-json.js';
import {UsageError} from '../core/errors.js';
import {isSymbol} from '../core/symbol.js';
import {checkRegularFile} from '../regular-file.js';
import type {Engine} from '../engine/engine.js';

export interface OperatorState {
	readonly version: 1;
	/** Paused symbols, sorted. */
	readonly paused: readonly string[];
	/** A guard trip that must outlive a restart within its trading day (New York date). */
	readonly risk?: PersistedRisk;
}

export interface PersistedRisk {
	readonly date: string;
	readonly killed: boolean;
	readonly dailyLoss: boolean;
}

function parseRisk(value: unknown): PersistedRisk | null | undefined {
	if (value === undefined) return undefined;
	const r = value as {date?: unknown; killed?: unknown; daily_loss?: unknown};
	if (
		typeof r !== 'object' ||
		r === null ||
		typeof r.date !== 'string' ||
		!/^\d{4}-\d{2}-\d{2}$/.test(r.date) ||
		typeof r.killed !== 'boolean' ||
		typeof r.daily_loss !== 'boolean'
	)
		return null;
	return {date: r.date, killed: r.killed, dailyLoss: r.daily_loss};
}

export function operatorStatePath(journalPath: string): string {
	return `${journalPath}.state.json`;
}

/** Read the file; null when there is none. A file that is there but unreadable is a UsageError. */
export function readOperatorState(path: string): OperatorState | null {
	if (!checkRegularFile(path, 'the operator state file')) return null;
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		if (code === 'ENOENT') return null;
		throw new UsageError(`cannot read operator state ${path}: ${code ?? (error as Error).message}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UsageError(`operator state ${path} is not valid JSON (fix or delete it; it holds the paused symbols)`);
	}
	const paused = (parsed as {paused?: unknown})?.paused;
	if (
		typeof parsed !== 'object' ||
		parsed === null ||
		(parsed as {version?: unknown}).version !== 1 ||
		!Array.isArray(paused) ||
		!paused.every(s => typeof s === 'string' && isSymbol(s))
	) {
		throw new UsageError(`operator state ${path} is not a version 1 state file with a "paused" list of symbols (fix or delete it)`);
	}
	const risk = parseRisk((parsed as {risk?: unknown}).risk);
	if (risk === null) throw new UsageError(`operator state ${path} has a "risk" entry that is not {date, killed, daily_loss} (fix or delete it)`);
	return {version: 1, paused: [...new Set(paused as string[])].sort(), ...(risk ? {risk} : {})};
}

/** Write the file atomically: a crash leaves the old file or the new one, never half of one. */
export function writeOperatorState(path: string, state: OperatorState): void {
	const risk = state.risk ? {risk: {date: state.risk.date, killed: state.risk.killed, daily_loss: state.risk.dailyLoss}} : {};
	writeJsonAtomic(path, {version: 1, paused: [...state.paused].sort(), ...risk});
}

/** Symbols with any strategy paused. */
export function pausedSymbols(engine: Engine): string[] {
	const out = new Set<string>();
	for (const s of engine.strategies) if (s.paused) out.add(s.symbol);
	return [...out].sort();
}

/**
 * Pause the symbols of a state read at start (`readOperatorState`, before anything was
 * written) that this run trades, journaled as `command` lines with `restored: true`, and keep
 * the file up to date from then on. Call once the strategies are added, before the session
 * starts, so no bar is ever evaluated for a symbol the operator paused.
 */
export function attachOperatorState(engine: Engine, path: string, loaded: OperatorState | null): {readonly restored: readonly string[]; detach(): void} {
	const traded = new Set(engine.strategies.map(s => s.symbol));
	const others = (loaded?.paused ?? []).filter(symbol => !traded.has(symbol));
	const restored = (loaded?.paused ?? []).filter(symbol => traded.has(symbol));
	for (const symbol of restored) {
		// Before the session starts there is no market time yet: the wall clock stands in.
		engine.journal.write({ts: engine.now > 0 ? engine.now : Date.now(), type: 'command', command: 'pause', symbol, restored: true});
		for (const s of engine.strategiesFor(symbol)) s.pause();
		engine.log(symbol, 'info', `paused (a pause set before the restart, from ${path})`);
	}
	// Re-applied when the session of its date begins (engine.restoreRisk); kept until then.
	if (loaded?.risk) engine.restoreRisk(loaded.risk);
	const riskNow = (): PersistedRisk | null => engine.riskPersisted() ?? (engine.session === null ? (loaded?.risk ?? null) : null);
	const keyOf = (paused: readonly string[], risk: PersistedRisk | null): string =>
		`${paused.join(',')}|${risk ? `${risk.date},${risk.killed},${risk.dailyLoss}` : ''}`;
	let last = keyOf(pausedSymbols(engine), riskNow());
	let failed = false;
	const save = (): void => {
		const now = pausedSymbols(engine);
		const risk = riskNow();
		const key = keyOf(now, risk);
		if (key === last) return;
		try {
			writeOperatorState(path, {version: 1, paused: [...others, ...now], ...(risk ? {risk} : {})});
			last = key;
			failed = false;
		} catch (error) {
			if (!failed)
				engine.log(
					null,
					'error',
					`cannot save the paused symbols and guard trips to ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
				);
			failed = true;
		}
	};
	const detach = engine.onChange(save);
	return {restored, detach};
}
