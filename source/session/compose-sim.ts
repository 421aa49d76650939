/**
 * Composition root for SIM mode: simulated exchange + engine + strategies + paced replay.
 * The only place (with compose-alpaca.ts) that knows which adapters a mode uses.
 */
import {SimBroker} from '../adapters/sim/broker.js';
import {SimExchange} from '../adapters/sim/exchange.js';
import type {ConsoleConfig} from './console-config.js';
import {sessionParams} from './session-params.js';
import {Engine} from '../engine/engine.js';
import {runTagFromTime} from '../engine/order-ids.js';
import {journalFailureMessage, openJournal} from '../journal/open.js';
import {SessionTally} from '../report/session-tally.js';
import {packageVersion} from '../paths.js';
import {seededTicksFor} from '../adapters/sim/synthetic-ticks.js';
import type {TickSource} from '../backtest/bar-runner.js';
import {LogBuffer} from './log-buffer.js';
import {addConsoleStrategies} from './strategies.js';
import {attachOperatorState, operatorStatePath, readOperatorState} from './operator-state.js';
import {loadSimData} from './sim-data.js';
import {SimSession, type Scheduler} from './sim-session.js';

export function composeSimSession(config: ConsoleConfig, deps: {dataPaths: readonly string[]; scheduler?: Scheduler}): SimSession {
	// Load and validate the data before anything is written.
	const dataSymbols = [...new Set([...config.symbols, ...(config.hft ? [config.hft] : [])])];
	const data = loadSimData(dataSymbols, deps.dataPaths, config.cacheData ?? null);
	const statePath = operatorStatePath(config.journalPath);
	const operatorState = readOperatorState(statePath);
	// The tally journals the session's summary before its end line (printed at quit too).
	const journal = new SessionTally(openJournal(config.journalPath, 'sync'), 'sim');
	const log = new LogBuffer();
	// Open buys hold buying power, as at Alpaca: the console never shows negative cash.
	// Backtests keep the original fill model's rule (open buys reserve nothing) for fidelity.
	const exchange = new SimExchange({cash: config.cash, reserveOpenBuys: true});
	const engine = new Engine({mode: 'sim', broker: new SimBroker(exchange), journal, runTag: runTagFromTime(Date.now()), logSink: log.push, risk: config.risk});
	addConsoleStrategies(engine, config);
	let ticks: TickSource | undefined;
	if (config.hft) {
		const ticksOf = seededTicksFor(config.hft);
		ticks = {sessionTicks: session => ticksOf(session.bars)};
	}
	const symbols = dataSymbols;
	const session = new SimSession({
		...(ticks ? {ticks} : {}),
		engine,
		exchange,
		sessions: data.sessions,
		journal,
		log,
		speed: config.speed,
		version: packageVersion(),
		symbols,
		synthetic: {bars: data.synthetic, ticks: config.hft !== null},
		signalName: config.signalName ?? null,
		risk: () => engine.riskView(),
		params: sessionParams(config),
		tally: journal,
		...(deps.scheduler ? {scheduler: deps.scheduler} : {}),
	});
	journal.onFailure(error => session.fail(journalFailureMessage(config.journalPath, error)));
	engine.setTime(data.sessions.find(s => s.bars.length > 0)?.bars[0]?.start ?? 0);
	attachOperatorState(engine, statePath, operatorState);
	if (data.description) engine.log(null, 'info', data.description);
	else if (data.recorded.length > 0) engine.log(null, 'info', `recorded minute bars: ${data.recorded.join(', ')} (${data.sessions.length} sessions)`);
	if (data.synthetic.length > 0) engine.log(null, 'warn', `no recorded data for ${data.synthetic.join(', ')}: using seeded synthetic bars`);
	if (config.hft)
		engine.log(
			config.hft,
			'info',
			`tick-taker on ${config.hft}: seeded synthetic quotes and trades along its minute bars (recorded ticks: backtest --strategy hft)`,
		);
	return session;
}
