/**
 * Limits for the emulator's websockets, shared by `/stream` and `/v2/{feed}`: a frame cap for
 * everybody, a much smaller byte budget while a client has not authenticated, and an auth
 * deadline. An unauthenticated client is anyone on the port: without these one socket could
 * make the emulator buffer a 100 MiB frame, or thousands could sit idle forever.
 */
import type {Duplex} from 'node:stream';

/** Largest frame any client may send (a subscribe to thousands of symbols fits). */
export const MAX_FRAME_BYTES = 1 << 20;
/** Bytes a client may send before it is authenticated (an auth message is ~100). */
export const PRE_AUTH_BYTES = 16 << 10;
export const AUTH_TIMEOUT_MS = 10_000;

/**
 * Count the raw bytes a not-yet-authenticated client sends on `socket`; past the budget,
 * `drop()` runs once. The count stops once `authed()` is true. Returns the detach function.
 */
export function guardBeforeAuth(socket: Duplex, authed: () => boolean, drop: () => void, budget = PRE_AUTH_BYTES): () => void {
	let bytes = 0;
	const onData = (chunk: Buffer): void => {
		if (authed()) {
			detach();
			return;
		}
		bytes += chunk.length;
		if (bytes > budget) {
			detach();
			drop();
		}
	};
	const detach = (): void => {
		socket.off('data', onData);
	};
	socket.on('data', onData);
	return detach;
}
