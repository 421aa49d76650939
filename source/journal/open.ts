import {UsageError} from '../core/errors.js';
import {checkRegularFile} from '../regular-file.js';
import {FileJournal} from './writer.js';

/** Open (append to) a journal, or fail with one line naming it (exit 2 before any trading). */
export function openJournal(path: string, mode: 'sync' | 'buffered'): FileJournal {
	checkRegularFile(path, 'the journal');
	try {
		return new FileJournal(path, {mode});
	} catch (error) {
		throw new UsageError(`cannot open journal ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
}

/** The one line a session ends with when its journal stops taking writes. */
export function journalFailureMessage(path: string, error: NodeJS.ErrnoException): string {
	return `journal ${path} cannot be written (${error.code ?? error.message}): trading stopped, open orders canceled`;
}
