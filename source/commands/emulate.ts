/**
 * `scalp-tui emulate [--port N] [--data PATH] [--speed X] [--cash USD]`: run the local
 * Alpaca-compatible exchange until SIGINT/SIGTERM. Prints where it listens and the two
 * variables a client needs; never prints a secret. Bad input: one line on stderr, status 2.
 */
import {DataError} from '../core/errors.js';
import type {Bar} from '../core/types.js';
import {keysFromEnv} from '../emulate/auth.js';
import {startEmulator, type EmulatorHandle} from '../emulate/server.js';
import {nameSymbols} from '../core/symbol.js';

export interface EmulateOptions {
	readonly port: number;
	readonly dataPaths: string[] | null;
	/** Tick files or folders (tick mode); null: minute data. */
	readonly tickPaths?: string[] | null;
	/** Symbols that get SIM's synthetic quotes and trades (tick mode on minute data). */
	readonly syntheticTicks?: readonly string[];
	readonly speed: number;
	readonly cash: number;
	/** Minute bars to replay instead of files (from the cache). */
	readonly bars?: ReadonlyMap<string, readonly Bar[]> | null;
	/** Bar cache served as history by the market-data REST routes. */
	readonly archiveDir?: string | null;
}

export interface EmulateIo {
	readonly stdout: {write(text: string): unknown};
	readonly stderr: {write(text: string): unknown};
	/** Stops the emulator like SIGINT (tests); SIGINT/SIGTERM always do. */
	readonly signal?: AbortSignal;
	/** Called once the server listens (tests). */
	readonly onReady?: (handle: EmulatorHandle) => void;
}

/** Enough of a key id to recognise it; the secret is never printed. */
function maskKey(keyId: string): string {
	return keyId.length <= 4 ? '****' : `${keyId.slice(0, 4)}****`;
}

function problem(options: EmulateOptions): string | null {
	if (!(Number.isInteger(options.port) && options.port >= 0 && options.port <= 65_535))
		return `--port must be a whole number from 0 to 65535, got ${options.port}`;
	if (!(Number.isFinite(options.speed) && options.speed > 0)) return `--speed must be a number > 0, got ${options.speed}`;
	if (!(Number.isFinite(options.cash) && options.cash > 0)) return `--cash must be a number of dollars > 0, got ${options.cash}`;
	return null;
}

export async function runEmulate(options: EmulateOptions, io: EmulateIo): Promise<number> {
	const bad = problem(options);
	if (bad) {
		io.stderr.write(`scalp-tui emulate: ${bad}\n`);
		return 2;
	}
	const env = process.env;
	const keys = keysFromEnv(env);
	if (!keys && ((env['APCA_API_KEY_ID'] ?? '') !== '' || (env['APCA_API_SECRET_KEY'] ?? '') !== '')) {
		io.stderr.write('scalp-tui emulate: only one of APCA_API_KEY_ID / APCA_API_SECRET_KEY is set; accepting any non-empty key pair\n');
	}

	let handle: EmulatorHandle;
	try {
		handle = await startEmulator({
			port: options.port,
			dataPaths: options.dataPaths,
			...(options.bars ? {bars: options.bars} : {}),
			archiveDir: options.archiveDir ?? null,
			tickPaths: options.tickPaths ?? null,
			syntheticTickSymbols: options.syntheticTicks ?? [],
			speed: options.speed,
			cash: options.cash,
			keys,
			onError: error => io.stderr.write(`scalp-tui emulate: internal error: ${error instanceof Error ? error.message : String(error)}\n`),
		});
	} catch (error) {
		const code = (error as NodeJS.ErrnoException).code;
		let message: string;
		if (error instanceof DataError) message = error.message;
		else if (code === 'EADDRINUSE') message = `port ${options.port} is already in use`;
		else if (code === 'EACCES') message = `no permission to listen on port ${options.port}`;
		else if (error instanceof RangeError) message = error.message;
		else throw error;
		io.stderr.write(`scalp-tui emulate: ${message}\n`);
		return 2;
	}

	const dates = handle.sessionDates;
	const span = dates.length === 1 ? dates[0] : `${dates[0]} .. ${dates[dates.length - 1]}`;
	io.stdout.write(`Alpaca emulator listening on ${handle.baseUrl}\n`);
	io.stdout.write(`replaying ${handle.symbols.length} symbol(s) (${nameSymbols(handle.symbols)}), sessions ${span}, speed ${options.speed}\n`);
	if (options.archiveDir) io.stdout.write(`history: bars in the cache ${options.archiveDir} (scalp-tui data list) on other days\n`);
	io.stdout.write(`streams: ${handle.streamUrl} (trade updates), ${handle.dataStreamUrl('iex')} (market data)\n`);
	if (handle.tickSymbols.length > 0) {
		const from = options.tickPaths ? 'recorded ticks' : 'seeded synthetic ticks along the minute bars';
		io.stdout.write(`tick mode: quotes and trades of ${handle.tickSymbols.join(', ')} from ${from}; IOC orders fill against the streamed quotes\n`);
	}
	io.stdout.write(
		keys ? `keys: accepting only the pair in APCA_API_KEY_ID (${maskKey(keys.keyId)}) / APCA_API_SECRET_KEY\n` : 'keys: accepting any non-empty key pair\n',
	);
	io.stdout.write(`export APCA_API_BASE_URL=${handle.baseUrl} APCA_API_DATA_URL=${handle.dataUrl}\n`);
	handle.onStep(report => {
		if (report.kind === 'session_end')
			io.stdout.write(`session ${report.date} closed${handle.finished ? '; replay finished, still serving until stopped' : ''}\n`);
	});
	io.onReady?.(handle);

	await new Promise<void>(resolve => {
		const stop = (): void => {
			process.off('SIGINT', stop);
			process.off('SIGTERM', stop);
			io.signal?.removeEventListener('abort', stop);
			resolve();
		};
		process.on('SIGINT', stop);
		process.on('SIGTERM', stop);
		if (io.signal?.aborted) stop();
		else io.signal?.addEventListener('abort', stop);
	});
	await handle.close();
	io.stdout.write('emulator stopped\n');
	return 0;
}
