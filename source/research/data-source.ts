/**
 * Loads the sessions a backtest replays from a DataRef: minute CSVs (files or folders) or the
 * bar cache; and the tick tape of a tick-taker job. The `backtest` and `sweep` commands and the sweep workers all go through here, so
 * they see the same bars.
 */
import {loadMinuteData, toSessions} from '../adapters/replay/minute-csv.js';
import type {ReplaySession} from '../backtest/bar-runner.js';
import {loadTicks} from '../adapters/replay/ticks.js';
import type {TickTape} from '../adapters/replay/tick-tape.js';
import type {DataRef, TickDataRef} from './job.js';

export interface LoadedSessions {
	/** The cache's columnar sessions (no Bar object per bar), or CSV sessions. */
	readonly sessions: readonly ReplaySession[];
	/** Symbols with bars, sorted. */
	readonly symbols: readonly string[];
}

export async function loadSessions(ref: DataRef): Promise<LoadedSessions> {
	if (ref.kind === 'cache') {
		const {loadBars} = await import('../adapters/cache/load.js');
		const loaded = loadBars({
			symbols: ref.symbols,
			from: ref.from,
			to: ref.to,
			cacheDir: ref.cacheDir,
			feed: ref.feed ?? 'iex',
			adjustment: ref.adjustment ?? 'raw',
		});
		return {sessions: loaded.columns, symbols: [...loaded.symbols]};
	}
	const data = loadMinuteData(ref.paths, ref.symbols);
	return {sessions: toSessions(data.bars), symbols: [...data.bars.keys()].sort()};
}

/** The tick tape of a tick-taker job's data (the same reader as `backtest --strategy hft`). */
export function loadTape(ref: TickDataRef): TickTape {
	return loadTicks(ref.paths, ref.symbols.length > 0 ? ref.symbols : undefined).tape;
}

/** Only the sessions of the given days (ascending); every session when days is null. */
export function sessionsOn<S extends {readonly date: string}>(sessions: readonly S[], days: readonly string[] | null): S[] {
	if (days === null) return [...sessions];
	const wanted = new Set(days);
	return sessions.filter(s => wanted.has(s.date));
}

/** A stable key for caching loaded data in a worker. */
export function dataKey(ref: DataRef | TickDataRef): string {
	return JSON.stringify(ref);
}
