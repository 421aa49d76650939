import {UsageError} from '../core/errors.js';
import {checkRegularFile} from '../regular-file.js';
import {randomBytes} from 'node:crypto';
import {lockJournal, type JournalLock} from './lock.js';
import {FileJournal} from './writer.js';

/** Open (append to) a journal, or fail with one line naming it (exit 2 before any trading). */
export function openJournal(path: string, mode: 'sync' | 'buffered'): FileJournal {
	checkRegularFile(path, 'the journal');
	const run = newRunId();
	// A live writer (console, rebalance) holds the journal alone; a second one is refused
	// before it writes a byte.
	const lock: JournalLock | null = mode === 'sync' ? lockJournal(path, run) : null;
	let journal: FileJournal;
	try {
		journal = new FileJournal(path, {mode, run});
	} catch (error) {
		lock?.release();
		throw new UsageError(`cannot open journal ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	if (lock) {
		const close = journal.close.bind(journal);
		journal.close = () => {
			close();
			lock.release();
		};
	}
	return journal;
}

/** A short id per process run: start time (base 36) and a random tail. */
export function newRunId(now = Date.now()): string {
	return `${now.toString(36)}-${randomBytes(3).toString('hex')}`;
}

/** The one line a session ends with when its journal stops taking writes. */
export function journalFailureMessage(path: string, error: NodeJS.ErrnoException): string {
	return `journal ${path} cannot be written (${error.code ?? error.message}): trading stopped, open orders canceled`;
}
