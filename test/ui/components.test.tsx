import {test} from 'node:test';
import assert from 'node:assert/strict';
import type {ReactElement} from 'react';
import {render} from 'ink-testing-library';
import {ConfirmDialog, dialogText} from '../../source/ui/components/confirm-dialog.js';
import {Header} from '../../source/ui/components/header.js';
import {HelpLine} from '../../source/ui/components/help-line.js';
import {HelpOverlay} from '../../source/ui/components/help-overlay.js';
import {fitSegments, leftRight, safeText, segmentsWidth, styleLine} from '../../source/ui/components/line.js';
import {LogPane} from '../../source/ui/components/log-pane.js';
import {TooSmall} from '../../source/ui/components/too-small.js';
import {createTheme, ThemeContext} from '../../source/ui/hooks/use-theme.js';
import {LIQUIDATION, makeLog, makeSnapshot, T0} from '../_helpers/snapshots.js';

function show(node: ReactElement, color = false): string {
	const {lastFrame, unmount} = render(<ThemeContext.Provider value={createTheme(color)}>{node}</ThemeContext.Provider>);
	const frame = lastFrame() ?? '';
	unmount();
	return frame;
}

test('segments fit a width exactly; the right side wins when short', () => {
	const segments = [{text: 'hello '}, {text: 'world', bold: true}];
	assert.equal(segmentsWidth(fitSegments(segments, 8)), 8);
	assert.equal(
		fitSegments(segments, 8)
			.map(s => s.text)
			.join(''),
		'hello w…',
	);
	assert.equal(
		leftRight([{text: 'ab'}], [{text: 'XY'}], 8)
			.map(s => s.text)
			.join(''),
		'ab    XY',
	);
	assert.equal(
		leftRight([{text: 'abcdef'}], [{text: 'XY'}], 6)
			.map(s => s.text)
			.join(''),
		'ab… XY',
	);
	assert.equal(styleLine([{text: 'a', bold: true}, {text: 'b', bold: true}, {text: 'c'}], 10, true), '\u001B[1mab\u001B[0mc');
	assert.equal(styleLine([{text: 'a', color: 'red'}], 10, false), 'a');
});

test('outside text is made one column per character', () => {
	assert.equal(safeText('ok\ttab\nnew\u0007bell 株 😀 é ─'), 'ok tab new?bell ? ? é ─');
});

test('header: mode badge, New York clock, session, countdown to 15:55, speed, account, day P&L, connection', () => {
	const frame = show(<Header data={makeSnapshot({realizedPnl: 200, unrealizedPnl: -50})} width={100} />);
	const [first, second] = frame.split('\n');
	assert.match(first ?? '', /^ SIM {2}2024-03-14 10:30:00 ET open · 15:55 exit in 5:25:00 · speed 60x +● replay$/);
	assert.match(second ?? '', /^equity \$100,234\.56 {2}cash \$98,000\.00 {2}day P&L \+\$150\.00 \(real \+\$200\.00, unreal -\$50\.00\)/);
});

test('header: SIM names the day being replayed (compact: month-day); paper and live do not', () => {
	assert.match(show(<Header data={makeSnapshot({sessionDate: '2019-02-12'})} width={100} />), /^ SIM {2}2019-02-12 10:30:00 ET/);
	assert.match(show(<Header data={makeSnapshot({sessionDate: '2019-02-12'})} width={50} />), /^ SIM {2}02-12 10:30:00 /);
	assert.doesNotMatch(show(<Header data={makeSnapshot({mode: 'paper', speed: null, connection: 'connected'})} width={100} />), /2024-03-14/);
});

test('header: LIVE is red, day P&L coloured, risk kill shown', () => {
	const snapshot = makeSnapshot({
		mode: 'live',
		speed: null,
		realizedPnl: -20,
		unrealizedPnl: 0,
		risk: {dailyLossLimit: 100, maxOrdersPerMinute: null, maxPositionUsd: null, killed: true, tripped: ['daily loss']},
	});
	const frame = show(<Header data={snapshot} width={120} />, true);
	// Ink re-encodes SGR codes one per attribute.
	assert.match(frame, /\u001B\[31m(\u001B\[[0-9;]*m)* LIVE /, 'red badge');
	assert.match(frame, /\u001B\[7m/, 'inverse badge');
	assert.match(frame, /\u001B\[31m(\u001B\[[0-9;]*m)*-\$20\.00/, 'red day P&L');
	assert.match(frame, /RISK KILLED: daily loss/);
	assert.doesNotMatch(frame, /speed/, 'no replay speed outside SIM');
});

test('header: after 15:55, outside a session, finished, narrow', () => {
	assert.match(show(<Header data={makeSnapshot({nowMs: LIQUIDATION + 1000})} width={100} />), /past 15:55 exit/);
	assert.doesNotMatch(show(<Header data={makeSnapshot({liquidationMs: null, sessionState: 'closed'})} width={100} />), /15:55/);
	assert.match(show(<Header data={makeSnapshot({finished: true})} width={100} />), /FINISHED/);
	const narrow = show(<Header data={makeSnapshot()} width={40} />).split('\n');
	assert.equal(narrow.length, 2);
	for (const line of narrow) assert.ok(line.length <= 40);
	// Too narrow for the cash: equity and day P&L stay whole.
	assert.match(narrow[1] ?? '', /^eq \$100,234\.56 P&L \+\$234\.56/);
});

test('header at 80 columns: day P&L is never cut; guards shorten, then give way; a trip always shows', () => {
	const guards = {dailyLossLimit: 2000, maxOrdersPerMinute: 200, maxPositionUsd: null, killed: false, tripped: [] as string[]};
	const at80 = show(<Header data={makeSnapshot({risk: guards})} width={80} />).split('\n')[1] ?? '';
	assert.match(at80, /^eq \$100,234\.56 cash \$98,000\.00 P&L \+\$234\.56 +loss -\$2000 · 200\/min · pos off$/);
	const at60 = show(<Header data={makeSnapshot({risk: guards})} width={60} />).split('\n')[1] ?? '';
	assert.match(at60, /^eq \$100,234\.56 P&L \+\$234\.56 *$/, 'the guards in force give way, the P&L stays');
	const tripped = {...guards, tripped: ['daily loss']};
	const trip48 = show(<Header data={makeSnapshot({risk: tripped})} width={48} />).split('\n')[1] ?? '';
	assert.match(trip48, /^eq \$100,234\.56 P&L \+\$234\.56 +risk: daily loss$/);
	assert.ok(trip48.length <= 48);
});

test('log pane: last lines, symbol prefix, fixed height, engine lines marked "-"', () => {
	const log = Array.from({length: 12}, (_, i) => makeLog(`line ${i}`, {ms: T0 + i * 1000, symbol: i % 2 ? 'SPY' : 'BRK.B'}));
	log.push(makeLog('feed slow', {symbol: null, level: 'warn', ms: T0 + 20_000}));
	const lines = show(<LogPane log={log} lines={4} width={60} />).split('\n');
	assert.equal(lines.length, 5);
	assert.match(lines[0] ?? '', /^── log ─+$/);
	assert.deepEqual(
		lines.slice(1).map(line => line.trimEnd()),
		['10:30:09 SPY   line 9', '10:30:10 BRK.B line 10', '10:30:11 SPY   line 11', '10:30:20 -     WARN feed slow'],
	);
	const empty = show(<LogPane log={[]} lines={3} width={60} />);
	assert.equal(empty.split('\n').length, 4, 'the same height before any line arrived');
});

test('help line lists the keys, SIM adds speed, pages and notices on the right', () => {
	const sim = show(<HelpLine width={120} mode="sim" page={0} pages={1} notice={null} />);
	assert.match(sim, /p pause {2}P all {2}s sell {2}c cancel {2}L liquidate {2}o orders {2}\/ filter log {2}\+\/- speed {2}\? help {2}q quit/);
	const busy = show(<HelpLine width={100} mode="sim" page={1} pages={3} notice="AAPL paused" />);
	assert.match(busy, /^\? help q quit p pause .*AAPL paused {2}page 2\/3$/, 'keys get compact to make room');
	assert.doesNotMatch(show(<HelpLine width={100} mode="paper" page={0} pages={1} notice={null} />), /speed|page/);
	assert.match(show(<HelpLine width={40} mode="sim" page={0} pages={1} notice={null} />), /^\? help q quit/);
});

test('help overlay lists every key within its height', () => {
	const frame = show(<HelpOverlay width={90} height={18} mode="sim" />);
	assert.equal(frame.split('\n').length, 18);
	for (const key of ['p ', 'P ', 's ', 'c ', 'L ', 'o ', '/ ', '+ / -', 'q ', 'Ctrl+C']) assert.ok(frame.includes(key), key);
	const short = show(<HelpOverlay width={90} height={6} mode="sim" />);
	assert.equal(short.split('\n').length, 6);
	assert.match(short, /enlarge the window/);
});

test('dialogs: confirmations, quit choices and shutdown progress fit the log area', () => {
	const confirm = show(<ConfirmDialog dialog={{kind: 'confirm', action: {type: 'force_sell', symbol: 'AAPL'}}} width={80} height={4} />);
	assert.equal(confirm.split('\n').length, 4);
	assert.match(confirm, /Force-sell AAPL: cancel its orders and market-sell its position\?/);
	assert.match(confirm, /y yes · n \/ Esc no/);
	const quit = show(<ConfirmDialog dialog={{kind: 'quit'}} width={80} height={4} />);
	assert.match(quit, /f flatten and quit · l leave them and quit · Esc stay/);
	const cramped = show(<ConfirmDialog dialog={{kind: 'quit'}} width={120} height={3} />);
	assert.equal(cramped.split('\n').length, 3);
	assert.match(cramped, /still open\. — f flatten/, 'one line when only one fits');
	assert.match(dialogText({kind: 'stopping', how: 'cancel_orders'}), /cancelling open orders \(positions are kept\)/);
	assert.match(dialogText({kind: 'stopped', how: 'flatten'}), /positions flattened, journal flushed/);
	assert.match(dialogText({kind: 'confirm', action: {type: 'liquidate_all'}}), /Liquidate everything/);
});

test('too small: says the size and the minimum, keeps a pending prompt, stays under the height', () => {
	const frame = show(<TooSmall columns={30} rows={10} minColumns={40} minRows={13} dialog={null} />);
	assert.deepEqual(
		frame.split('\n').map(line => line.trimEnd()),
		['Terminal too small: 30x10', 'Need at least 40x13.', 'Enlarge it (q quits).'],
	);
	const tiny = show(<TooSmall columns={30} rows={2} minColumns={40} minRows={13} dialog={{kind: 'quit'}} />);
	assert.equal(tiny.split('\n').length, 1);
	assert.match(tiny, /Positions or orders/);
});

test('dialogs name exactly what is open (quit and confirmations)', () => {
	assert.match(dialogText({kind: 'quit', detail: 'position TSLA 4'}), /Still open: position TSLA 4\./);
	assert.match(
		dialogText({kind: 'confirm', action: {type: 'liquidate_all'}, detail: 'positions AAPL 3, TSLA 4'}),
		/pause those symbols\?.*Open now: positions AAPL 3, TSLA 4/,
	);
});
