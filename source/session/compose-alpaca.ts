/**
 * Composition root for PAPER and LIVE: the Alpaca adapter (SDK v4) behind the engine's ports.
 * Keys are checked with an account request before anything is written; live needs a typed
 * confirmation (or --yes-live without a terminal).
 */
import type {ConsoleConfig} from './console-config.js';
import {sessionParams} from './session-params.js';
import {UsageError} from '../core/errors.js';
import {Engine} from '../engine/engine.js';
import {runTagFromTime} from '../engine/order-ids.js';
import {journalFailureMessage, openJournal} from '../journal/open.js';
import {SessionTally} from '../report/session-tally.js';
import {packageVersion} from '../paths.js';
import {confirmLive} from './live-confirm.js';
import {LiveSession} from './live-session.js';
import {LogBuffer} from './log-buffer.js';
import {addConsoleStrategies} from './strategies.js';
import {attachOperatorState, operatorStatePath, readOperatorState} from './operator-state.js';

export interface ComposeAlpacaOptions {
	/**
	 * Connection progress while the session starts: each step with its host, then the adapter's
	 * warnings (retries as "retry n of m", sockets) with the step they hold up, then
	 * "connected". The console shows it as one line rewritten in place on a terminal.
	 */
	readonly progress?: (line: string) => void;
}

export async function composeAlpacaSession(config: ConsoleConfig, options: ComposeAlpacaOptions = {}): Promise<LiveSession> {
	const mode = config.mode === 'live' ? 'live' : 'paper';
	const alpacaModule = await import('../adapters/alpaca/index.js');
	let alpacaConfig;
	try {
		alpacaConfig = alpacaModule.resolveAlpacaConfig({mode, feed: config.feed, liveConfirmed: mode === 'live'});
	} catch (error) {
		throw new UsageError((error as Error).message);
	}
	const statePath = operatorStatePath(config.journalPath);
	const operatorState = readOperatorState(statePath);
	if (mode === 'live') await confirmLive({yesLive: config.yesLive, target: alpacaConfig.baseUrl});
	// Start-up waits on back-offs whose timers do not hold the process open (they must not
	// delay a quit): hold it open until the session runs, or an unreachable host ends the
	// process silently with status 0 in the middle of the account check.
	const keepAlive = setInterval(() => {}, 60_000);
	try {
		return await composeStarted(config, {mode, alpacaModule, alpacaConfig, statePath, operatorState, progress: options.progress ?? null});
	} finally {
		clearInterval(keepAlive);
	}
}

async function composeStarted(
	config: ConsoleConfig,
	parts: {
		mode: 'paper' | 'live';
		alpacaModule: typeof import('../adapters/alpaca/index.js');
		alpacaConfig: ReturnType<typeof import('../adapters/alpaca/index.js').resolveAlpacaConfig>;
		statePath: string;
		operatorState: ReturnType<typeof readOperatorState>;
		progress: ((line: string) => void) | null;
	},
): Promise<LiveSession> {
	const {mode, alpacaModule, alpacaConfig, statePath, operatorState} = parts;
	const log = new LogBuffer();
	let engine: Engine | null = null;
	// Until the session runs, each step with its host (and the adapter's warnings on top of it:
	// retries, sockets) goes to `progress`; afterwards the console's log shows them.
	let progress = parts.progress;
	let step = '';
	const report = (text: string): void => {
		step = text;
		progress?.(text);
	};
	const adapter = alpacaModule.createAlpaca(alpacaConfig, {
		log: (level, message) => {
			log.push({ms: engine?.now ?? Date.now(), symbol: null, level, text: message});
			if (level !== 'info') progress?.(`${message} · ${step}`);
		},
		feed: config.feed,
	});
	report(`checking the API keys at ${alpacaConfig.baseUrl} (${mode})`);
	try {
		await adapter.checkCredentials();
	} catch (error) {
		await adapter.close();
		throw new UsageError((error as Error).message);
	}
	let journal: SessionTally;
	try {
		journal = new SessionTally(openJournal(config.journalPath, 'sync'), mode);
	} catch (error) {
		await adapter.close();
		throw error;
	}
	engine = new Engine({mode, broker: adapter.broker, journal, runTag: runTagFromTime(Date.now()), logSink: log.push, risk: config.risk});
	addConsoleStrategies(engine, config);
	attachOperatorState(engine, statePath, operatorState);
	const session = new LiveSession({
		mode,
		engine,
		venue: {
			broker: adapter.broker,
			marketData: adapter.marketData,
			clock: () => adapter.rest.clock(),
			close: () => adapter.close(),
		},
		journal,
		log,
		version: packageVersion(),
		scalpSymbols: config.symbols,
		params: sessionParams(config),
		tally: journal,
		hftSymbol: config.hft,
		signalName: config.signalName ?? null,
		onProgress: next => {
			// Each step with the host it talks to.
			const host = next.includes('market-data')
				? alpacaConfig.dataStreamUrl(config.feed)
				: next.includes('trade-updates')
					? alpacaConfig.streamUrl
					: next.includes('bars')
						? alpacaConfig.dataUrl
						: alpacaConfig.baseUrl;
			report(`${next} at ${host}`);
		},
	});
	journal.onFailure(error => session.fail(journalFailureMessage(config.journalPath, error)));
	try {
		await session.start();
	} catch (error) {
		await adapter.close();
		journal.close();
		throw new UsageError(`could not start ${mode} trading: ${(error as Error).message}`);
	}
	report('connected');
	progress = null;
	return session;
}
