// Is dist/ the build of today's source/? Every source/**/*.ts(x) must have its dist/**/*.js
// no older than itself. Tests run the built CLI (node dist/cli.js starts in a fraction of the
// time tsx needs to compile the sources) only when this holds; the test runner rebuilds first.
import {readdirSync, statSync} from 'node:fs';
import {join, relative} from 'node:path';

/** The first source file whose build is missing or older, or null when dist/ is current. */
export function staleDistFile(root) {
	const sourceDir = join(root, 'source');
	const walk = dir => {
		for (const entry of readdirSync(dir, {withFileTypes: true})) {
			const path = join(dir, entry.name);
			if (entry.isDirectory()) {
				const found = walk(path);
				if (found !== null) return found;
			} else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
				const built = join(root, 'dist', relative(sourceDir, path).replace(/\.tsx?$/, '.js'));
				let builtAt;
				try {
					builtAt = statSync(built).mtimeMs;
				} catch {
					return relative(root, path);
				}
				if (builtAt < statSync(path).mtimeMs) return relative(root, path);
			}
		}
		return null;
	};
	return walk(sourceDir);
}
