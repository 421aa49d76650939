/** Market time source. Sim and backtest advance it by replayed events; live reads the wall. */
export interface Clock {
	/** Epoch milliseconds. */
	now(): number;
}

export const wallClock: Clock = {now: () => Date.now()};
