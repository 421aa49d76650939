/**
 * The rebalancer's state file: a done-for-date marker per mode, so a restart never trades twice
 * in a day. Rewritten atomically.
 */
import {readFileSync} from 'node:fs';
import type {Mode, Side} from '../core/types.js';
import {UsageError} from '../core/errors.js';
import {writeJsonAtomic} from '../journal/atomic-json.js';

export interface DayMarker {
	/** New York trading date. */
	readonly date: string;
	/** `started`: orders may have gone out; `done`: the day is complete, never trade it again. */
	readonly status: 'started' | 'done';
	/** ISO time (market time) of the last update. */
	readonly at: string;
	readonly orders?: ReadonlyArray<{symbol: string; side: Side; qty: number; status: string; filled_qty: number}>;
}

export interface RebalanceStateFile {
	readonly version: 1;
	readonly modes: Partial<Record<Mode, DayMarker>>;
}

/** Read the state file; a missing file is an empty state; an unreadable one is a UsageError. */
export function readRebalanceState(path: string): RebalanceStateFile {
	let text: string;
	try {
		text = readFileSync(path, 'utf8');
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {version: 1, modes: {}};
		throw new UsageError(`cannot read state file ${path}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		throw new UsageError(`state file ${path} is not valid JSON; fix or remove it (it records the days already traded)`);
	}
	const modes = (parsed as {modes?: unknown})?.modes;
	if (typeof parsed !== 'object' || parsed === null || typeof modes !== 'object' || modes === null) {
		throw new UsageError(`state file ${path} is not a scalp-tui rebalance state file`);
	}
	return {version: 1, modes: modes as RebalanceStateFile['modes']};
}

/** Write the state file atomically (fsynced temp file, then rename). */
export function writeRebalanceState(path: string, state: RebalanceStateFile): void {
	writeJsonAtomic(path, state, 2);
}

/** True when `mode` already completed its rebalance for `date`. */
export function isDoneFor(state: RebalanceStateFile, mode: Mode, date: string): boolean {
	const marker = state.modes[mode];
	return marker !== undefined && marker.date === date && marker.status === 'done';
}
