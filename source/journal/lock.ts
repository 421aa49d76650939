/**
 * One live writer per journal: `<journal>.lock` holds the writer's pid (see pid-lock.ts; a
 * writer killed with -9 leaves a stale lock that the next run takes over).
 */
import {UsageError} from '../core/errors.js';
import {acquirePidLock, type PidLock} from '../pid-lock.js';

export type JournalLock = PidLock;

export function lockJournal(journalPath: string, run: string): JournalLock {
	return acquirePidLock(
		`${journalPath}.lock`,
		{run},
		{
			busy: pid => new UsageError(`journal ${journalPath} is in use by another scalp-tui (pid ${pid}): stop it or pass another --journal`),
			failed: code => new UsageError(`cannot open journal ${journalPath}: ${code}`),
		},
	);
}
