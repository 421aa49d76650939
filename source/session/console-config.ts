/** The console's validated settings: what the composition roots in session/ build a session from. */
import type {CacheSelection} from '../adapters/cache/load.js';
import type {Micros} from '../core/money.js';
import type {Mode} from '../core/types.js';
import type {RiskLimits} from '../engine/risk.js';
import type {HftParams, ScalpParams} from '../strategies/params.js';
import type {CustomSignal} from '../strategies/signal.js';

export interface ConsoleConfig {
	readonly mode: Mode;
	readonly symbols: readonly string[];
	readonly hft: string | null;
	readonly hftQty: number;
	readonly lot: Micros;
	readonly cash: Micros;
	readonly speed: number;
	readonly exitAfterMs: number | null;
	readonly signal: CustomSignal | null;
	/** The custom signal's name for the panels (its function name, else the module's file name). */
	readonly signalName?: string | null;
	readonly dataPaths: readonly string[] | null;
	/** --from/--to/--date (with --feed/--adjustment/--cache-dir): replay the bar cache; null: CSV. */
	readonly cacheData?: CacheSelection | null;
	readonly journalPath: string;
	readonly logFile: string;
	readonly feed: 'iex' | 'sip';
	readonly yesLive: boolean;
	readonly risk: RiskLimits;
	/** --sma, --take-profit, --stale-buy, --eod (the originals' values by default). */
	readonly scalpParams: ScalpParams;
	/** --hft-ratio, --hft-size. */
	readonly hftParams: HftParams;
}
