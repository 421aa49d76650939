/**
 * One page of GET /v2/stocks/bars through the SDK (`marketData.stocks.stockBars`, many symbols
 * per request), under the adapter's shared token bucket: 429s wait out Retry-After, 5xx and
 * network failures are retried (a read is harmless to repeat). Used by `data fetch`.
 */
import type {Alpaca} from '@alpacahq/alpaca-trade-api';
import type {BarsPage, BarsPageRequest, BarsPageSource} from '../cache/fetch.js';
import {retryIdempotent, type RateLimiter} from './rate-limit.js';

export function alpacaBarsPages(sdk: Alpaca, limiter: RateLimiter): BarsPageSource {
	return async (request: BarsPageRequest): Promise<BarsPage> => {
		const page = await limiter.run(
			'GET /v2/stocks/bars',
			() =>
				sdk.marketData.stocks.stockBars({
					symbols: request.symbols.join(','),
					timeframe: request.timeframe,
					start: new Date(request.start),
					end: new Date(request.end),
					limit: request.limit,
					feed: request.feed,
					adjustment: request.adjustment,
					sort: 'asc',
					...(request.pageToken ? {pageToken: request.pageToken} : {}),
				}),
			retryIdempotent,
		);
		return {bars: (page.bars ?? {}) as BarsPage['bars'], next: page.nextPageToken || null};
	};
}
