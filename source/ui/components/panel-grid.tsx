/**
 * The page of panels in rows; a tick-taker symbol with a book gets the hft panel.
 * Fixed height so a short last page does not shrink the frame.
 */
import {Box} from 'ink';
import type {SymbolView} from '../../engine/snapshot.js';
import type {GridLayout} from '../layout.js';
import {HftPanel} from './hft-panel.js';
import {Line} from './line.js';
import {SymbolPanel} from './symbol-panel.js';

export interface PanelGridProps {
	readonly symbols: readonly SymbolView[];
	readonly layout: GridLayout;
	/** Index (in `symbols`) of the first panel on the page. */
	readonly start: number;
	readonly selected: number;
	/** Bars in the scalpers' SMA and the custom signal's name (legend lines). */
	readonly smaLength?: number;
	readonly signalName?: string | null;
}

export function PanelGrid({symbols, layout, start, selected, smaLength = 20, signalName = null}: PanelGridProps) {
	const rows: SymbolView[][] = [];
	const end = Math.min(symbols.length, start + layout.perPage);
	for (let index = start; index < end; index += layout.gridColumns) {
		rows.push(symbols.slice(index, Math.min(end, index + layout.gridColumns)));
	}
	return (
		<Box flexDirection="column" width={layout.columns} height={layout.gridHeight} flexShrink={0}>
			{symbols.length === 0 ? <Line segments={[{text: 'No symbols in this session.'}]} width={layout.columns} /> : null}
			{rows.map((row, rowIndex) => (
				<Box key={row[0]?.symbol ?? rowIndex} flexDirection="row" height={layout.panelHeight} flexShrink={0}>
					{row.map((view, column) => {
						const index = start + rowIndex * layout.gridColumns + column;
						const Panel = view.strategy === 'hft' && view.hft ? HftPanel : SymbolPanel;
						return (
							<Panel
								key={view.symbol}
								view={view}
								width={layout.panelWidth}
								chartLines={layout.chartLines}
								selected={index === selected}
								smaLength={smaLength}
								signalName={signalName}
							/>
						);
					})}
				</Box>
			))}
		</Box>
	);
}
