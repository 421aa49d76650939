/** The bundled sample minute data: `<package root>/data/minute` (from source/ or dist/ alike). */
import {fileURLToPath} from 'node:url';

export function defaultDataDir(): string {
	// This file is source/emulate/default-data.ts or dist/emulate/default-data.js: two levels
	// below the package root either way.
	return fileURLToPath(new URL('../../data/minute', import.meta.url));
}
