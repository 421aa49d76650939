import {SimBroker} from '../../source/adapters/sim/broker.js';
import {SimExchange} from '../../source/adapters/sim/exchange.js';
import {dollarsToMicros} from '../../source/core/money.js';
import {nyTime} from '../../source/core/time.js';
import {simExchangeDriver, testBroker} from './contract.js';

testBroker('sim', async () => {
	const cash = dollarsToMicros(100_000);
	const exchange = new SimExchange({cash});
	exchange.setTime(nyTime('2019-02-11', 9, 35));
	const broker = new SimBroker(exchange);
	return {broker, driver: simExchangeDriver(exchange, ['AAPL', 'MSFT'], cash), close: async () => {}};
});
