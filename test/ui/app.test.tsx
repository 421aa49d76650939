import {test} from 'node:test';
import assert from 'node:assert/strict';
import {render} from 'ink-testing-library';
import type {EngineSnapshot, OrderRecord} from '../../source/engine/snapshot.js';
import {App, type SessionPhase} from '../../source/ui/app.js';
import type {ShutdownHow} from '../../source/ui/keymap.js';
import {createSnapshotStore} from '../../source/ui/store.js';
import {createFakeControl, createManualTimer, settle} from '../_helpers/fake-control.js';
import {makeHftSymbol, makeLog, makePosition, makeSnapshot, makeSymbol, manySymbols} from '../_helpers/snapshots.js';

const KEY = {
	right: '\u001B[C',
	down: '\u001B[B',
	pageDown: '\u001B[6~',
	end: '\u001B[F',
	escape: '\u001B',
	tab: '\t',
	shiftTab: '\u001B[Z',
	ctrlC: '\u0003',
};

const threeSymbols = (): EngineSnapshot => makeSnapshot({symbols: [makeSymbol({symbol: 'AAPL'}), makeSymbol({symbol: 'MSFT', paused: true}), makeHftSymbol()]});

async function mount(
	snapshot: EngineSnapshot = threeSymbols(),
	options: {exposure?: boolean; columns?: number; rows?: number; color?: boolean; phase?: SessionPhase | null} = {},
) {
	const control = createFakeControl(snapshot, {exposure: options.exposure ?? false});
	const timer = createManualTimer();
	const store = createSnapshotStore(control, {timer});
	const quits: Array<[ShutdownHow, string]> = [];
	let forced = 0;
	const size = {columns: options.columns ?? 100, rows: options.rows ?? 40};
	const element = (phase: SessionPhase | null = options.phase ?? null) => (
		<App
			control={control}
			store={store}
			size={size}
			color={options.color ?? false}
			phase={phase}
			onQuit={(how, reason) => {
				quits.push([how, reason]);
			}}
			onForceExit={() => {
				forced++;
			}}
		/>
	);
	const ui = render(element());
	// Let the input hook subscribe (effects run after the first commit).
	await settle();
	const press = async (...keys: string[]) => {
		for (const key of keys) {
			ui.stdin.write(key);
			await settle();
		}
	};
	const frame = () => ui.lastFrame() ?? '';
	return {...ui, control, store, timer, quits, forced: () => forced, press, frame, element};
}

test('the screen: header, one panel per symbol (imbalance panel for hft), log, help line, shorter than the terminal', async () => {
	const ui = await mount(threeSymbols(), {rows: 40});
	const lines = ui.frame().split('\n');
	assert.ok(lines.length < 40, `${lines.length} lines`);
	for (const line of lines) assert.ok([...line].length <= 100, `too wide: ${line}`);
	const text = ui.frame();
	assert.match(lines[0] ?? '', /SIM {2}2024-03-14 10:30:00 ET open/);
	assert.match(text, /AAPL 190\.24/);
	assert.match(text, /MSFT 190\.24 .*PAUSED/);
	assert.match(text, /SPY 223\.82 .*ARMED/);
	assert.match(text, /B █+┊/, 'imbalance meter');
	assert.match(text, /── log ─+\n10:30:00 - +session started/);
	assert.match(lines.at(-1) ?? '', /q quit/);
	ui.unmount();
});

test('p pauses the selected symbol and the effect is published at once', async () => {
	const ui = await mount();
	const publishesBefore = ui.store.stats().publishes;
	await ui.press('p');
	assert.deepEqual(ui.control.commands(), ['pause AAPL']);
	assert.equal(ui.store.stats().publishes, publishesBefore + 1, 'store refreshed after the command');
	assert.match(ui.frame(), /AAPL paused$/, 'notice on the help line');
	ui.unmount();
});

test('arrows and Tab move the highlight; p then acts on the new selection (resume when paused)', async () => {
	const ui = await mount();
	assert.match(ui.frame(), /^╔/m);
	await ui.press(KEY.right, 'p');
	assert.deepEqual(ui.control.commands(), ['resume MSFT']);
	const titleRow =
		ui
			.frame()
			.split('\n')
			.find(line => line.includes('MSFT 190')) ?? '';
	assert.match(titleRow, /║ MSFT/, 'MSFT panel has the double border');
	await ui.press(KEY.tab, 'c', KEY.shiftTab, KEY.shiftTab, 'c');
	assert.deepEqual(ui.control.commands(), ['resume MSFT', 'cancel SPY', 'cancel AAPL']);
	ui.unmount();
});

test('s asks before force-selling; y sells, n and Esc do not', async () => {
	const held = makeSnapshot({symbols: [makeSymbol({symbol: 'AAPL', position: makePosition({qty: 9, avgPrice: 180, unrealizedPnl: 0})}), makeHftSymbol()]});
	const ui = await mount(held, {exposure: true});
	await ui.press('s');
	assert.match(ui.frame(), /Force-sell AAPL: cancel its orders and market-sell its position\?/);
	assert.match(ui.frame(), /Open now: position AAPL 9/);
	assert.deepEqual(ui.control.commands(), []);
	await ui.press('n');
	assert.doesNotMatch(ui.frame(), /Force-sell/);
	await ui.press('s', KEY.escape);
	assert.doesNotMatch(ui.frame(), /Force-sell/);
	assert.deepEqual(ui.control.commands(), []);
	await ui.press('s', 'y');
	assert.deepEqual(ui.control.commands(), ['forceSell AAPL']);
	assert.match(ui.frame(), /── log/, 'log pane back');
	ui.unmount();
});

test('s on a symbol with nothing to sell says so and opens no dialog', async () => {
	const ui = await mount();
	await ui.press('s');
	assert.doesNotMatch(ui.frame(), /Force-sell/);
	assert.match(ui.frame(), /AAPL: nothing to sell/);
	assert.deepEqual(ui.control.commands(), []);
	ui.unmount();
});

test('L liquidates everything after y; P toggles all', async () => {
	const ui = await mount();
	await ui.press('L');
	assert.match(ui.frame(), /Liquidate everything/);
	await ui.press('y', 'P');
	assert.deepEqual(ui.control.commands(), ['liquidateAll', 'togglePauseAll']);
	ui.unmount();
});

test('+ and - change the replay speed in SIM; not in PAPER', async () => {
	const sim = await mount();
	await sim.press('+', '-');
	assert.deepEqual(sim.control.commands(), ['changeSpeed 2', 'changeSpeed 0.5']);
	assert.match(sim.frame(), /speed 60x$/);
	sim.unmount();
	const paper = await mount(makeSnapshot({mode: 'paper', speed: null}));
	await paper.press('+');
	assert.deepEqual(paper.control.commands(), []);
	assert.match(paper.frame(), /only changes in SIM/);
	paper.unmount();
});

test('q with nothing open quits with cancel_orders', async () => {
	const ui = await mount();
	await ui.press('q');
	assert.deepEqual(ui.quits, [['cancel_orders', 'quit']]);
	assert.match(ui.frame(), /Shutting down: cancelling open orders/);
	ui.unmount();
});

test('q with positions or orders open asks: Esc stays, f flattens, l leaves', async () => {
	const ui = await mount(threeSymbols(), {exposure: true});
	await ui.press('q');
	assert.match(ui.frame(), /f flatten and quit · l leave them and quit · Esc stay/);
	await ui.press(KEY.escape);
	assert.doesNotMatch(ui.frame(), /flatten and quit/);
	assert.deepEqual(ui.quits, []);
	await ui.press('q', 'f');
	assert.deepEqual(ui.quits, [['flatten', 'quit']]);
	ui.unmount();
	const leave = await mount(threeSymbols(), {exposure: true});
	await leave.press('q', 'l');
	assert.deepEqual(leave.quits, [['leave', 'quit']]);
	leave.unmount();
});

test('Ctrl+C quits with cancel_orders even inside a dialog; a second Ctrl+C forces the exit', async () => {
	const ui = await mount(threeSymbols(), {exposure: true});
	await ui.press('s', KEY.ctrlC);
	assert.deepEqual(ui.quits, [['cancel_orders', 'ctrl_c']]);
	await ui.press('p', KEY.ctrlC);
	assert.equal(ui.forced(), 1);
	assert.deepEqual(ui.control.commands(), [], 'no engine command while stopping');
	ui.unmount();
});

test('? shows the help instead of the panels; any key closes it', async () => {
	const ui = await mount();
	const height = ui.frame().split('\n').length;
	await ui.press('?');
	assert.match(ui.frame(), /force-sell the selected symbol \(asks y\/n\)/);
	assert.doesNotMatch(ui.frame(), /AAPL 190/);
	assert.equal(ui.frame().split('\n').length, height, 'same frame height');
	await ui.press('x');
	assert.match(ui.frame(), /AAPL 190/);
	assert.deepEqual(ui.control.commands(), []);
	ui.unmount();
});

test('more symbols than fit: pages follow the selection', async () => {
	const ui = await mount(makeSnapshot({symbols: manySymbols(20)}), {columns: 80, rows: 24});
	assert.match(ui.frame(), /page 1\/\d+$/);
	assert.match(ui.frame(), /S00 /);
	assert.doesNotMatch(ui.frame(), /S19 /);
	await ui.press(KEY.end);
	assert.match(ui.frame(), /S19 /);
	assert.doesNotMatch(ui.frame(), /S00 /);
	const [, , pages] = /page (\d+)\/(\d+)$/.exec(ui.frame()) ?? [];
	assert.match(ui.frame(), new RegExp(`page ${pages}/${pages}$`));
	await ui.press('p');
	assert.deepEqual(ui.control.commands(), ['pause S19']);
	assert.ok(ui.frame().split('\n').length < 24);
	ui.unmount();
});

test('a terminal too small shows a message, and q still quits', async () => {
	const ui = await mount(threeSymbols(), {columns: 30, rows: 10});
	assert.match(ui.frame(), /Terminal too small: 30x10/);
	await ui.press('q');
	assert.deepEqual(ui.quits, [['cancel_orders', 'quit']]);
	ui.unmount();
});

test('new snapshots from the engine show after the next frame', async () => {
	const ui = await mount();
	ui.control.push(s => ({...s, symbols: s.symbols.map(v => (v.symbol === 'AAPL' ? {...v, lastPrice: 199.99} : v))}));
	assert.doesNotMatch(ui.frame(), /199\.99/, 'not before the frame');
	ui.timer.advance(66);
	await settle();
	assert.match(ui.frame(), /AAPL 199\.99/);
	ui.unmount();
});

test('shutdown progress and outcome replace the log pane', async () => {
	const ui = await mount(threeSymbols(), {phase: {kind: 'stopping', how: 'flatten'}});
	assert.match(ui.frame(), /Shutting down: cancelling orders and selling every position/);
	ui.rerender(ui.element({kind: 'stopped', how: 'flatten'}));
	await settle();
	assert.match(ui.frame(), /Stopped: orders cancelled, positions flattened, journal flushed\./);
	ui.unmount();
});

test('NO_COLOR: no escape codes at all; colours otherwise', async () => {
	const plain = await mount(threeSymbols(), {color: false});
	assert.ok(!plain.frame().includes('\u001B['));
	plain.unmount();
	const colored = await mount(threeSymbols(), {color: true});
	assert.ok(colored.frame().includes('\u001B['));
	colored.unmount();
});

test("o lists the selected symbol's orders and fills in place of the panels; arrows switch symbol; o/Esc close", async () => {
	const order = (overrides: Partial<OrderRecord>): OrderRecord => ({
		clientOrderId: 'r-scalp-AAPL-buy-1',
		side: 'buy',
		type: 'limit',
		qty: 11,
		limitPrice: 170.47,
		reason: 'signal',
		status: 'filled',
		filledQty: 11,
		avgFillPrice: 170.47,
		submittedMs: Date.parse('2024-03-14T14:21:00.000Z'),
		updatedMs: Date.parse('2024-03-14T14:22:00.000Z'),
		message: null,
		...overrides,
	});
	const aaplOrders = [
		order({}),
		order({
			clientOrderId: 'x2',
			side: 'sell',
			limitPrice: 170.52,
			reason: 'take_profit',
			status: 'new',
			filledQty: 0,
			avgFillPrice: null,
			submittedMs: Date.parse('2024-03-14T14:22:00.000Z'),
		}),
	];
	const msftOrders = [
		order({clientOrderId: 'm1', qty: 5, reason: 'signal', status: 'rejected', filledQty: 0, avgFillPrice: null, message: 'insufficient buying power'}),
	];
	const ui = await mount(makeSnapshot({symbols: [makeSymbol({symbol: 'AAPL', orders: aaplOrders}), makeSymbol({symbol: 'MSFT', orders: msftOrders})]}));
	await ui.press('o');
	let frame = ui.frame();
	assert.match(frame, /Orders · AAPL \(newest first, 2 of 2/);
	assert.doesNotMatch(frame, /─ price/, "the list takes the panels' place");
	const rows = frame.split('\n');
	const sell = rows.findIndex(line => /10:22:00 sell +11 lmt 170\.52 +open +take_profit/.test(line));
	const buy = rows.findIndex(line => /10:21:00 buy +11 lmt 170\.47 +filled +11 @ 170\.47 +signal/.test(line));
	assert.ok(sell > 0 && buy > sell, `newest first:\n${frame}`);
	assert.match(frame, /── log/, 'the log stays');
	await ui.press(KEY.right);
	frame = ui.frame();
	assert.match(frame, /Orders · MSFT/);
	assert.match(frame, /rejected .*insufficient buying power/);
	// Commands still work from the list, and act on the symbol shown.
	await ui.press('p');
	assert.deepEqual(ui.control.commands(), ['pause MSFT']);
	assert.match(ui.frame(), /Orders · MSFT/);
	await ui.press(KEY.escape);
	assert.doesNotMatch(ui.frame(), /Orders ·/);
	assert.match(ui.frame(), /─ price/);
	await ui.press('o', 'o');
	assert.doesNotMatch(ui.frame(), /Orders ·/);
	ui.unmount();
});

test('/ filters the log as it is typed; Enter keeps it, Esc clears it; !text hides lines; keys are text meanwhile', async () => {
	const lines = [
		makeLog('level change 223.81/223.82 -> 223.82/223.83', {symbol: 'SPY'}),
		makeLog('fill buy 11 @ 170.47', {symbol: 'AAPL'}),
		makeLog('level change 223.82/223.83 -> 223.81/223.82', {symbol: 'SPY'}),
		makeLog('submit sell 11 @ 170.52 (take_profit)', {symbol: 'AAPL'}),
	];
	const ui = await mount(makeSnapshot({log: lines}));
	await ui.press('/', 'f', 'i', 'l', 'l', 'q', 'p');
	assert.deepEqual(ui.control.commands(), [], 'q and p were text, not commands');
	assert.equal(ui.quits.length, 0);
	assert.match(ui.frame(), /filter log: \/fillqp▏/);
	await ui.press('\u007F', '\u007F');
	let frame = ui.frame();
	assert.match(frame, /filter log: \/fill▏/);
	assert.match(frame, /── log · filter fill ─/);
	assert.match(frame, /AAPL fill buy 11 @ 170\.47/);
	assert.doesNotMatch(frame, /level change|submit sell/);
	await ui.press('\r');
	frame = ui.frame();
	assert.match(frame, /── log · filter fill ─/, 'the filter stays after Enter');
	assert.match(frame.split('\n').at(-1) ?? '', /q quit/, 'the help line is back');
	// A paste (several characters in one read) is text too.
	await ui.press('/', '\u007F', '\u007F', '\u007F', '\u007F', '!level', '\r');
	frame = ui.frame();
	assert.doesNotMatch(frame, /level change/);
	assert.match(frame, /fill buy/);
	assert.match(frame, /submit sell/);
	await ui.press(KEY.escape);
	frame = ui.frame();
	assert.match(frame, /── log ─/);
	assert.match(frame, /level change/);
	ui.unmount();
});
