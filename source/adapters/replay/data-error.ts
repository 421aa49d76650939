/** A problem with an input file, reported to the user as one line (exit status 2). */
export class DataError extends Error {
	override readonly name = 'DataError';
}
