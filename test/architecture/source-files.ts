/** Every TypeScript file under a folder, for the architecture tests that read the code itself. */
import {readdirSync, statSync} from 'node:fs';
import {join} from 'node:path';

export function typeScriptFiles(dir: string): string[] {
	const out: string[] = [];
	for (const name of readdirSync(dir)) {
		const path = join(dir, name);
		if (statSync(path).isDirectory()) out.push(...typeScriptFiles(path));
		else if (/\.tsx?$/.test(name)) out.push(path);
	}
	return out;
}
