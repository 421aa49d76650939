/** A tiny method + path-pattern router for the REST endpoints. */

export interface RouteRequest {
	readonly method: string;
	readonly path: string;
	readonly query: URLSearchParams;
	readonly body: unknown;
	/** Decoded path captures. */
	readonly params: readonly string[];
	readonly keyId: string;
}

export interface RouteReply {
	readonly status: number;
	/** JSON body; absent for 204. */
	readonly body?: unknown;
}

export interface Route {
	readonly method: string;
	readonly pattern: RegExp;
	readonly handle: (request: RouteRequest) => RouteReply;
}

export function route(method: string, pattern: RegExp, handle: (request: RouteRequest) => RouteReply): Route {
	return {method, pattern, handle};
}

export function ok(body: unknown): RouteReply {
	return {status: 200, body};
}

export type RouteMatch = {readonly route: Route; readonly params: string[]} | 'wrong-method' | null;

export function findRoute(routes: readonly Route[], method: string, path: string): RouteMatch {
	let pathMatched = false;
	for (const candidate of routes) {
		const m = candidate.pattern.exec(path);
		if (!m) continue;
		pathMatched = true;
		if (candidate.method !== method) continue;
		const params = m.slice(1).map(p => {
			try {
				return decodeURIComponent(p ?? '');
			} catch {
				return p ?? '';
			}
		});
		return {route: candidate, params};
	}
	return pathMatched ? 'wrong-method' : null;
}

/** Query helpers. */
export function queryBool(query: URLSearchParams, name: string): boolean {
	return (query.get(name) ?? '').toLowerCase() === 'true';
}

export function queryList(query: URLSearchParams, name: string): string[] {
	const out: string[] = [];
	for (const value of query.getAll(name)) for (const part of value.split(',')) if (part.trim() !== '') out.push(part.trim());
	return out;
}
