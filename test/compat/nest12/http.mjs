// Scenario "http": argv <express|fastify>. Over real HTTP:
// - two concurrent requests, interleaved on purpose: GET /orders/7 logs, waits until GET /orders/1 has
//   logged and finished, then logs an error: its incident holds its own lines only, oldest first;
// - GET /orders/1/invoice throws an Error nobody catches: Nest 12's ExceptionsHandler logs it;
// - after the requests, a warning outside any request writes the global window (Nest's boot lines).
// Prints { nest, statuses, incidents } (incidents as the in-memory target received them).
// Imports in the usual order: @nestjs/common and @nestjs/core (app.mjs) before the library.
import { Controller, Get, Injectable, Logger, Param } from '@nestjs/common';
import { bootstrap, deferred, fail, get, inject, report, route } from './app.mjs';

const order7Started = deferred();
const order1Done = deferred();

class OrdersService {
  logger = new Logger('OrdersService');
  orders = new Map([['1', { id: '1', total: 42 }]]);

  async find(id) {
    if (id === '1') await order7Started.promise; // order 1 logs after order 7's first line
    this.logger.debug(`loading order ${id}`);
    if (id === '7') {
      order7Started.resolve();
      await order1Done.promise; // ... and order 7 goes on after order 1 has ended
      this.logger.debug('order 7 is not cached, querying the database');
    }
    const order = this.orders.get(id);
    if (!order) {
      this.logger.error(`order ${id}: connection pool exhausted`);
      return { id, error: 'unavailable' };
    }
    this.logger.debug(`order ${id} found`);
    order1Done.resolve();
    return order;
  }
}
Injectable()(OrdersService);

class OrdersController {
  logger = new Logger('OrdersController');
  constructor(orders) {
    this.orders = orders;
  }
  find(id) {
    return this.orders.find(id);
  }
  invoice(id) {
    this.logger.debug(`rendering the invoice of order ${id}`);
    throw new Error('invoice template missing');
  }
}
Controller('orders')(OrdersController);
inject(OrdersController, OrdersService);
route(Get(':id'), OrdersController, 'find');
Param('id')(OrdersController.prototype, 'find', 0);
route(Get(':id/invoice'), OrdersController, 'invoice');
Param('id')(OrdersController.prototype, 'invoice', 0);

async function main() {
  const [platform] = process.argv.slice(2);
  const incidents = [];
  const { app, url } = await bootstrap(platform, {
    incidentOptions: { targets: [{ write: (incident) => incidents.push(incident) }] },
    controllers: [OrdersController],
    providers: [OrdersService],
  });
  new Logger('Bootstrap').log(`listening on ${url}`);
  const concurrent = await Promise.all([get(`${url}/orders/7`), get(`${url}/orders/1`)]);
  const unhandled = await get(`${url}/orders/1/invoice`);
  new Logger('Scheduler').warn('nightly sync overdue'); // outside any request: the global scope
  await app.close();
  const { default: core } = await import('@nestjs/core/package.json', { with: { type: 'json' } });
  report({ nest: core.version, statuses: [...concurrent, unhandled].map((res) => res.status), incidents });
}
main().catch(fail);
