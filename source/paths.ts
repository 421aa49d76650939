import {readFileSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

/** Bundled data lives in data/ at the package root, one level above this module (source/ or dist/). */
export function bundledMinuteData(): string {
	return fileURLToPath(new URL('../data/minute', import.meta.url));
}

export function bundledTickData(): string {
	return fileURLToPath(new URL('../data/ticks', import.meta.url));
}

export function bundledDailyData(): string {
	return fileURLToPath(new URL('../data/daily', import.meta.url));
}

/** The S&P 500 tickers the rebalancer ranks by default. */
export function bundledUniverse(): string {
	return fileURLToPath(new URL('../data/universe/sp500.csv', import.meta.url));
}

let cachedVersion: string | null = null;

export function packageVersion(): string {
	if (cachedVersion === null) {
		try {
			cachedVersion = String(JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version);
		} catch {
			cachedVersion = '0.0.0';
		}
	}
	return cachedVersion;
}
