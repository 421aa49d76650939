import {DataError} from '../../core/errors.js';
import {parseUniverse} from '../../strategies/rebalance/universe.js';
import {readDataFile} from './files.js';

/** The symbols of a universe list file (data/universe/sp500.csv layout), or a DataError. */
export function readUniverseFile(path: string): string[] {
	const text = readDataFile(path);
	try {
		return [...parseUniverse(text, path).symbols];
	} catch (error) {
		throw new DataError((error as Error).message);
	}
}
