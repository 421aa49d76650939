/**
 * The operator commands every session answers the same way, whatever the mode: they go
 * straight to the engine, which journals them.
 */
import type {Engine} from '../engine/engine.js';

export abstract class EngineCommands {
	abstract readonly engine: Engine;
	private readonly fatalListeners = new Set<(message: string) => void>();
	private fatalMessage: string | null = null;

	/** A failure that must end the session (the journal cannot be written). */
	onFatal(listener: (message: string) => void): () => void {
		this.fatalListeners.add(listener);
		const message = this.fatalMessage;
		if (message !== null) queueMicrotask(() => listener(message));
		return () => this.fatalListeners.delete(listener);
	}

	/**
	 * Stop sending orders at once and ask the front end to shut down (cancel orders, exit
	 * non-zero): trading on without a journal would lose track of money.
	 */
	fail(message: string): void {
		if (this.fatalMessage !== null) return;
		this.fatalMessage = message;
		this.engine.halt(message);
		this.engine.log(null, 'error', message);
		for (const listener of [...this.fatalListeners]) listener(message);
	}

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

	liquidateAll(): string[] {
		return this.engine.liquidateAll();
	}

	killSwitch(): void {
		this.engine.killSwitch();
	}

	hasExposure(): boolean {
		return this.engine.hasExposure();
	}
}
