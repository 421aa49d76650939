/**
 * The emulator's key check. With a configured pair only that pair passes (unknown key id or a
 * missing header: 401; right key id, wrong secret: 403). With none configured any non-empty
 * pair passes, so any client can connect without setup. Comparison is constant-time.
 */
import {timingSafeEqual} from 'node:crypto';
import type {IncomingHttpHeaders} from 'node:http';

export interface KeyPair {
	readonly keyId: string;
	readonly secret: string;
}

export type AuthOutcome = {readonly ok: true; readonly keyId: string} | {readonly ok: false; readonly status: 401 | 403};

/** The pair in APCA_API_KEY_ID / APCA_API_SECRET_KEY, or null unless both are set. */
export function keysFromEnv(env: NodeJS.ProcessEnv = process.env): KeyPair | null {
	const keyId = env['APCA_API_KEY_ID'] ?? '';
	const secret = env['APCA_API_SECRET_KEY'] ?? '';
	return keyId !== '' && secret !== '' ? {keyId, secret} : null;
}

function sameText(a: string, b: string): boolean {
	const x = Buffer.from(a, 'utf8');
	const y = Buffer.from(b, 'utf8');
	if (x.length !== y.length) {
		// Same work on a length mismatch, so timing does not reveal the length.
		timingSafeEqual(x, x);
		return false;
	}
	return timingSafeEqual(x, y);
}

export class KeyCheck {
	constructor(private readonly keys: KeyPair | null) {}

	/** True when any non-empty pair is accepted. */
	get open(): boolean {
		return this.keys === null;
	}

	check(keyId: unknown, secret: unknown): AuthOutcome {
		if (typeof keyId !== 'string' || typeof secret !== 'string' || keyId === '' || secret === '') return {ok: false, status: 401};
		if (this.keys === null) return {ok: true, keyId};
		if (!sameText(keyId, this.keys.keyId)) return {ok: false, status: 401};
		if (!sameText(secret, this.keys.secret)) return {ok: false, status: 403};
		return {ok: true, keyId};
	}

	/** REST: the two APCA headers (or, with no configured keys, any OAuth bearer token). */
	fromHeaders(headers: IncomingHttpHeaders): AuthOutcome {
		const keyId = headers['apca-api-key-id'];
		const secret = headers['apca-api-secret-key'];
		if (keyId !== undefined || secret !== undefined) return this.check(keyId, secret);
		const authorization = headers['authorization'];
		if (this.keys === null && typeof authorization === 'string') {
			const token = /^Bearer\s+(\S+)$/i.exec(authorization)?.[1];
			if (token) return {ok: true, keyId: `oauth:${token.slice(0, 8)}`};
		}
		return {ok: false, status: 401};
	}
}
