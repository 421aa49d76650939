/**
 * The console's log lines outside the screen: which lines of a snapshot are new since the last
 * one (`createLogFollower`) and appending them to a file (`openLogFile`) in the same
 * "HH:MM:SS SYMBOL text" format the headless mode prints.
 */
import {createWriteStream} from 'node:fs';
import type {LogLine} from '../engine/snapshot.js';
import {formatLogLine} from './format.js';

export interface LogFollower {
	/** Lines of `log` (a snapshot's bounded window, oldest first) not returned before. */
	take(log: readonly LogLine[]): readonly LogLine[];
}

function sameLine(a: LogLine | undefined, b: LogLine | undefined): boolean {
	return a !== undefined && b !== undefined && a.ms === b.ms && a.symbol === b.symbol && a.level === b.level && a.text === b.text;
}

/** Lines compared to confirm a content match when line objects were rebuilt. */
const OVERLAP_CHECK = 8;

export function createLogFollower(): LogFollower {
	let previous: readonly LogLine[] = [];
	return {
		take(log) {
			if (log === previous) return [];
			const before = previous;
			previous = log;
			const last = before.at(-1);
			if (last === undefined) return log;
			// Fast path: the engine keeps its (immutable) line objects between snapshots.
			const byIdentity = log.lastIndexOf(last);
			if (byIdentity >= 0) return log.slice(byIdentity + 1);
			// Rebuilt objects: find the newest position where the old window's tail matches.
			for (let index = log.length - 1; index >= 0; index--) {
				if (!sameLine(log[index], last)) continue;
				const depth = Math.min(index, before.length - 1, OVERLAP_CHECK);
				let matches = true;
				for (let back = 1; back <= depth && matches; back++) {
					matches = sameLine(log[index - back], before[before.length - 1 - back]);
				}
				if (matches) return log.slice(index + 1);
			}
			// Everything rotated out between two looks: all of it is new (older lines were lost).
			return log;
		},
	};
}

export interface LogFile {
	append(lines: readonly LogLine[]): void;
	/** Flush and close; resolves even when the file could not be written. */
	close(): Promise<void>;
	/** The first write error, if any (writing stops after it). */
	error(): Error | null;
}

/** The one line a console prints at exit when its log file stopped taking lines. */
export function logFileFailure(path: string, file: LogFile | null): string | null {
	const error = file?.error() as NodeJS.ErrnoException | null | undefined;
	if (!error) return null;
	return `log file ${path} could not be written (${error.code ?? error.message}): lines after that are missing from it (the journal has every event)`;
}

export function openLogFile(path: string): LogFile {
	const stream = createWriteStream(path, {flags: 'a', encoding: 'utf8'});
	let failure: Error | null = null;
	let closed = false;
	stream.on('error', (error: Error) => {
		failure ??= error;
	});
	return {
		append(lines) {
			if (closed || failure || lines.length === 0) return;
			let text = '';
			for (const line of lines) text += `${formatLogLine(line)}\n`;
			stream.write(text);
		},
		close() {
			if (closed) return Promise.resolve();
			closed = true;
			return new Promise(resolve => {
				if (stream.destroyed) {
					resolve();
					return;
				}
				// 'close' comes last, after 'finish' or after 'error': a failed last write is known by then.
				stream.once('close', () => resolve());
				stream.end();
			});
		},
		error: () => failure,
	};
}
