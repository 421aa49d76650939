/**
 * The progress line of `data fetch` on a terminal: a bar over symbol-periods written, symbols
 * done, bars downloaded, requests and an ETA from the pace so far; redrawn at most 10 times a
 * second with `\r`, cleared at the end. Off when stderr is not a terminal.
 */
import type {FetchProgress} from '../adapters/cache/fetch.js';
import type {TextSink} from './shared.js';

function duration(seconds: number): string {
	if (!Number.isFinite(seconds)) return '--';
	const s = Math.max(0, Math.round(seconds));
	return s >= 3600
		? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`
		: s >= 60
			? `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`
			: `${s}s`;
}

export function progressLine(p: FetchProgress, elapsedMs: number, width = 20): string {
	const share = p.unitsTotal === 0 ? 1 : p.unitsDone / p.unitsTotal;
	const filled = Math.round(share * width);
	const eta = share > 0 && share < 1 ? duration(((elapsedMs / share) * (1 - share)) / 1000) : share >= 1 ? '0s' : '--';
	return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${p.symbolsDone}/${p.symbolsTotal} symbols · ${p.bars.toLocaleString('en-US')} bars · ${p.requests} requests · ETA ${eta}`;
}

export class ProgressBar {
	private lastDraw = 0;
	private drawn = false;
	private readonly started: number;

	constructor(
		private readonly sink: TextSink,
		private readonly now: () => number = Date.now,
	) {
		this.started = now();
	}

	get enabled(): boolean {
		return Boolean(this.sink.isTTY);
	}

	update(p: FetchProgress): void {
		if (!this.enabled) return;
		const t = this.now();
		if (this.drawn && t - this.lastDraw < 100 && p.unitsDone < p.unitsTotal) return;
		this.lastDraw = t;
		this.drawn = true;
		const columns = this.sink.columns ?? 100;
		this.sink.write(`\r\x1b[K${`data fetch ${progressLine(p, t - this.started)}`.slice(0, Math.max(20, columns - 1))}`);
	}

	done(): void {
		if (this.drawn) this.sink.write('\r\x1b[K');
		this.drawn = false;
	}
}
