/**
 * Composition root for SIM mode: simulated exchange + engine + strategies + paced replay.
 * The only place (with compose-alpaca.ts) that knows which adapters a mode uses.
 */
import {SimBroker} from '../adapters/sim/broker.js';
import {SimExchange} from '../adapters/sim/exchange.js';
import type {ConsoleConfig} from '../commands/console.js';
import {UsageError} from '../config.js';
import {Engine} from '../engine/engine.js';
import {runTagFromTime} from '../engine/order-ids.js';
import {FileJournal} from '../journal/writer.js';
import {packageVersion} from '../paths.js';
import {ScalpStrategy} from '../strategies/scalp.js';
import {LogBuffer} from './log-buffer.js';
import {loadSimData} from './sim-data.js';
import {SimSession, type Scheduler} from './sim-session.js';

export function composeSimSession(config: ConsoleConfig, deps: {dataPaths: readonly string[]; scheduler?: Scheduler}): SimSession {
	// Load and validate the data before anything is written.
	const data = loadSimData(config.symbols, deps.dataPaths);
	let journal: FileJournal;
	try {
		journal = new FileJournal(config.journalPath, {mode: 'sync'});
	} catch (error) {
		throw new UsageError(`cannot open journal ${config.journalPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
	}
	const log = new LogBuffer();
	const exchange = new SimExchange({cash: config.cash});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: runTagFromTime(Date.now()), logSink: log.push});
	for (const symbol of config.symbols) {
		engine.add('scalp', (ctx, book) => new ScalpStrategy(symbol, ctx, {lot: config.lot, exitAfterMs: config.exitAfterMs, signal: config.signal, keepHistory: true}, book(symbol)));
	}
	const session = new SimSession({
		engine,
		exchange,
		sessions: data.sessions,
		journal,
		log,
		speed: config.speed,
		version: packageVersion(),
		symbols: config.symbols,
		...(deps.scheduler ? {scheduler: deps.scheduler} : {}),
	});
	engine.setTime(data.sessions.find(s => s.bars.length > 0)?.bars[0]?.start ?? 0);
	if (data.recorded.length > 0) engine.log(null, 'info', `recorded minute bars: ${data.recorded.join(', ')} (${data.sessions.length} sessions)`);
	if (data.synthetic.length > 0) engine.log(null, 'warn', `no recorded data for ${data.synthetic.join(', ')}: using seeded synthetic bars`);
	return session;
}
