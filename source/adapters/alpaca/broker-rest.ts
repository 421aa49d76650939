/** The REST calls the Alpaca broker uses (AlpacaRest, or a fake in unit tests). */
import type {trading} from '@alpacahq/alpaca-trade-api';
import type {AccountInfo, AlpacaOrderInput, MarketClock} from './mapping.js';

export interface BrokerRest {
	submitOrder(order: AlpacaOrderInput): Promise<trading.Order>;
	orderByClientId(clientOrderId: string): Promise<trading.Order | null>;
	orderById(orderId: string): Promise<trading.Order | null>;
	openOrders(): Promise<trading.Order[]>;
	cancelOrder(orderId: string): Promise<void>;
	positions(): Promise<trading.Position[]>;
	account(): Promise<AccountInfo>;
	clock(): Promise<MarketClock>;
}
