/**
 * What the console (or any other front end) may do to a running session. The UI calls these
 * and renders `snapshot()`; it never trades on its own.
 */
import type {EngineSnapshot} from './snapshot.js';
import type {SessionSummary} from '../report/session-tally.js';

export interface SessionControl {
	/** A fresh picture of the session; cheap enough to call once per frame. */
	snapshot(): EngineSnapshot;
	/** Called (at most once per event batch) when something visible changed. */
	onChange(listener: () => void): () => void;
	pause(symbol: string): void;
	resume(symbol: string): void;
	/** Pause every symbol, or resume all when all are paused. */
	togglePauseAll(): void;
	/** Cancel the symbol's orders, then market-sell its position. */
	forceSell(symbol: string): void;
	/** Cancel the symbol's open orders. */
	cancel(symbol: string): void;
	/** Force-sell every symbol; pauses (and returns, when the session says) the symbols it sold. */
	liquidateAll(): readonly string[] | void;
	/** Kill switch: strategies may send no more orders; open orders are canceled. */
	killSwitch?(): void;
	/**
	 * Sim only: step the replay speed to the next fixed speed up (`factor` > 1) or down
	 * (`factor` < 1); returns the new speed.
	 */
	changeSpeed(factor: number): number | null;
	/**
	 * A failure that ends the session (the journal cannot be written): new orders have
	 * stopped; the front end shuts down (cancel orders), prints the message and exits non-zero.
	 */
	onFatal?(listener: (message: string) => void): () => void;
	/** True when any position or open order exists (quit asks before leaving them). */
	hasExposure(): boolean;
	/**
	 * Stop the session and resolve once the journal is flushed.
	 * - `flatten`: cancel every open order, market-sell every position, wait (bounded) for fills.
	 * - `cancel_orders`: cancel every open order, keep positions (Ctrl+C / SIGTERM default:
	 *   no orphan orders, positions are rebuilt on the next start).
	 * - `leave`: the operator chose to leave orders and positions as they are.
	 */
	shutdown(options: {how: 'flatten' | 'cancel_orders' | 'leave'; reason: string}): Promise<void>;
	/** After shutdown: the session's trades and P&L (printed at quit), when the session keeps them. */
	summary?(): SessionSummary | null;
}
