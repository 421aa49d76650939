/** What market data a run used (the cache or CSV files) and the holes found in it; reports print it. */
export interface DataHoles {
	readonly missingMinutes: number;
	readonly daysWithHoles: number;
	/** Trading days in the range without a bar (null when not judged, e.g. CSV files). */
	readonly missingDays: number | null;
	readonly missingDayList: readonly string[];
}

export interface DataSummary {
	readonly source: 'cache' | 'csv';
	/** Cache folder or the CSV paths. */
	readonly location: string;
	readonly timeframe: string;
	readonly feed: string | null;
	readonly adjustment: string | null;
	readonly from: string | null;
	readonly to: string | null;
	readonly bars: number;
	readonly sessions: number;
	readonly holes: DataHoles;
	/** Rows of one symbol and minute that disagreed (the first was kept); CSV files only. */
	readonly conflictingRows?: number;
}
