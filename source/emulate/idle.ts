/**
 * "Has the client seen it yet?" without sleeping: a websocket peer answers a ping only after
 * it has handled every frame sent before it (frames are processed in order), so a pong to our
 * own ping is an acknowledgement of everything sent so far. Tests and tools await this instead
 * of guessing how long delivery takes.
 */
import {WebSocket} from 'ws';

let pingSeq = 0;

/** Resolves when `ws` answers a fresh ping (or closes); rejects after `timeoutMs`. */
export function pingRoundTrip(ws: WebSocket, timeoutMs: number): Promise<void> {
	if (ws.readyState !== WebSocket.OPEN) return Promise.resolve();
	pingSeq += 1;
	const payload = Buffer.from(`idle-${pingSeq}`);
	return new Promise((resolve, reject) => {
		const finish = (error: Error | null): void => {
			clearTimeout(timer);
			ws.off('pong', onPong);
			ws.off('close', onClose);
			if (error) reject(error);
			else resolve();
		};
		const onPong = (data: Buffer): void => {
			if (payload.equals(data)) finish(null);
		};
		const onClose = (): void => finish(null);
		const timer = setTimeout(() => finish(new Error(`a websocket client did not answer a ping within ${timeoutMs} ms`)), timeoutMs);
		ws.on('pong', onPong);
		ws.on('close', onClose);
		ws.ping(payload);
	});
}

/** Polls `done` every millisecond until it holds; rejects at `deadline` (epoch ms) with `what`. */
export async function until(done: () => boolean, deadline: number, what: () => string): Promise<void> {
	while (!done()) {
		if (Date.now() > deadline) throw new Error(`emulator not idle: ${what()}`);
		await new Promise(resolve => setTimeout(resolve, 1));
	}
}
