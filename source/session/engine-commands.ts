/**
 * The operator commands every session answers the same way, whatever the mode: they go
 * straight to the engine, which journals them.
 */
import type {Engine} from '../engine/engine.js';

export abstract class EngineCommands {
	abstract readonly engine: Engine;

	pause(symbol: string): void {
		this.engine.pause(symbol);
	}

	resume(symbol: string): void {
		this.engine.resume(symbol);
	}

	/** Pause every symbol, or resume all when all are paused. */
	togglePauseAll(): void {
		const allPaused = this.engine.strategies.every(s => s.paused);
		for (const symbol of new Set(this.engine.strategies.map(s => s.symbol))) {
			if (allPaused) this.engine.resume(symbol);
			else if (!this.engine.strategiesFor(symbol).every(s => s.paused)) this.engine.pause(symbol);
		}
	}

	forceSell(symbol: string): void {
		this.engine.forceSell(symbol);
	}

	cancel(symbol: string): void {
		this.engine.cancel(symbol);
	}

	liquidateAll(): void {
		this.engine.liquidateAll();
	}

	killSwitch(): void {
		this.engine.killSwitch();
	}

	hasExposure(): boolean {
		return this.engine.hasExposure();
	}
}
