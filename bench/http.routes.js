// @ts-check
'use strict';
// The routes of the HTTP benchmark's server (plain JavaScript: Nest's
// decorators applied by hand).
//   GET  /orders/:id            trivial: 5 debug lines
//   GET  /orders/quiet/:id      the same, logging nothing (the scope alone)
//   POST /orders/:id/checkout   realistic: a guard, an interceptor, body validation
//                               with a pipe, ~1 ms of awaited I/O, 20 debug lines
// Every message is built per call (ids interpolated), as real code does.
const { BadRequestException, Body, Controller, Get, Logger, Param, Post, UseGuards, UseInterceptors } = require('@nestjs/common');
const { tap } = require('rxjs');

/** The request the realistic route expects (sent by the load generators). */
const CHECKOUT = {
  path: '/orders/42/checkout',
  headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token-7f3a' },
  body: JSON.stringify({
    customerId: 'c-1009',
    currency: 'EUR',
    items: [
      { sku: 'SKU-100', quantity: 2 },
      { sku: 'SKU-204', quantity: 1 },
      { sku: 'SKU-377', quantity: 5 },
    ],
  }),
};

/** Requests served since start (the server's CPU figures are per request). */
const counter = { served: 0 };

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Checks the bearer token (a constant: the route is about logging, not crypto). */
class AuthGuard {
  constructor() {
    this.logger = new Logger('AuthGuard');
  }

  /** @param {import('@nestjs/common').ExecutionContext} context */
  canActivate(context) {
    const req = context.switchToHttp().getRequest();
    const ok = req.headers.authorization === CHECKOUT.headers.authorization;
    this.logger.debug(`${req.method} ${req.url}: bearer token ${ok ? 'accepted' : 'rejected'}`);
    return ok;
  }
}

/** Logs entry and exit of the handler with its duration. */
class TimingInterceptor {
  constructor() {
    this.logger = new Logger('TimingInterceptor');
  }

  /** @param {import('@nestjs/common').ExecutionContext} context @param {import('@nestjs/common').CallHandler} next */
  intercept(context, next) {
    const started = Date.now();
    const name = `${context.getClass().name}.${context.getHandler().name}`;
    this.logger.debug(`${name}: started`);
    return next.handle().pipe(tap(() => this.logger.debug(`${name}: finished in ${Date.now() - started} ms`)));
  }
}

/**
 * Validates the checkout body by hand, as a class-validator DTO would.
 * @typedef {{ customerId: string, currency: string, items: Array<{ sku: string, quantity: number }> }} CheckoutBody
 */
class CheckoutPipe {
  constructor() {
    this.logger = new Logger('CheckoutPipe');
  }

  /** @param {any} value @returns {CheckoutBody} */
  transform(value) {
    const problems = [];
    if (!value || typeof value !== 'object') throw new BadRequestException('body must be an object');
    if (typeof value.customerId !== 'string' || !/^c-\d+$/.test(value.customerId)) problems.push('customerId');
    if (!['EUR', 'USD', 'GBP'].includes(value.currency)) problems.push('currency');
    if (!Array.isArray(value.items) || value.items.length === 0 || value.items.length > 50) problems.push('items');
    else
      value.items.forEach((/** @type {any} */ item, /** @type {number} */ i) => {
        if (!item || typeof item.sku !== 'string' || !/^SKU-\d+$/.test(item.sku)) problems.push(`items[${i}].sku`);
        if (!Number.isInteger(item?.quantity) || item.quantity < 1 || item.quantity > 99) problems.push(`items[${i}].quantity`);
      });
    if (problems.length > 0) throw new BadRequestException(`invalid: ${problems.join(', ')}`);
    this.logger.debug(`checkout body of ${value.customerId} valid: ${value.items.length} items`);
    return value;
  }
}

class OrdersController {
  constructor() {
    this.logger = new Logger('OrdersController');
  }

  /** @param {string} id */
  getOrder(id) {
    counter.served++;
    this.logger.debug(`GET order ${id}: checking the cache`);
    this.logger.debug(`order ${id}: cache miss, querying the database`);
    this.logger.debug(`order ${id}: 3 lines loaded`);
    this.logger.debug(`order ${id}: applying the customer's discounts`);
    this.logger.debug(`order ${id}: done`);
    return { id, status: 'shipped', lines: 3 };
  }

  // Same route without logging: what opening the request scope alone costs.
  /** @param {string} id */
  getQuiet(id) {
    counter.served++;
    return { id, status: 'shipped', lines: 3 };
  }

  /** 16 lines here, 4 in the guard, interceptor and pipe. @param {string} id @param {CheckoutBody} body */
  async checkout(id, body) {
    counter.served++;
    const log = this.logger;
    log.debug(`checkout of order ${id} for ${body.customerId}: ${body.items.length} items`);
    let total = 0;
    for (const item of body.items) {
      const price = 100 + (item.sku.charCodeAt(4) % 7) * 25;
      total += price * item.quantity;
      log.debug(`order ${id}: ${item.sku} x${item.quantity} at ${price} cents`);
    }
    log.debug(`order ${id}: subtotal ${total} ${body.currency}`);
    log.debug(`order ${id}: loading customer ${body.customerId}`);
    await sleep(1); // the awaited I/O (a database or an HTTP call)
    log.debug(`order ${id}: customer ${body.customerId} loaded, tier gold`);
    const discount = Math.round(total * 0.05);
    log.debug(`order ${id}: discount ${discount} (tier gold)`);
    log.debug(`order ${id}: tax computed for ${body.currency}`);
    log.debug(`order ${id}: stock reserved for ${body.items.length} skus`);
    log.debug(`order ${id}: payment intent created for ${total - discount}`);
    log.debug(`order ${id}: status pending -> confirmed`);
    log.debug(`order ${id}: confirmation queued for ${body.customerId}`);
    log.debug(`order ${id}: audit entry written`);
    log.debug(`order ${id}: cache invalidated`);
    log.debug(`order ${id}: checkout done, total ${total - discount} ${body.currency}`);
    return { id, status: 'confirmed', total: total - discount, currency: body.currency };
  }
}

/** @param {'getOrder' | 'getQuiet' | 'checkout'} name */
const descriptor = (name) => /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(OrdersController.prototype, name));
Controller('orders')(OrdersController);
Get(':id')(OrdersController.prototype, 'getOrder', descriptor('getOrder'));
Param('id')(OrdersController.prototype, 'getOrder', 0);
Get('quiet/:id')(OrdersController.prototype, 'getQuiet', descriptor('getQuiet'));
Param('id')(OrdersController.prototype, 'getQuiet', 0);
Post(':id/checkout')(OrdersController.prototype, 'checkout', descriptor('checkout'));
UseGuards(new AuthGuard())(OrdersController.prototype, 'checkout', descriptor('checkout'));
UseInterceptors(new TimingInterceptor())(OrdersController.prototype, 'checkout', descriptor('checkout'));
Param('id')(OrdersController.prototype, 'checkout', 0);
Body(new CheckoutPipe())(OrdersController.prototype, 'checkout', 1);

/**
 * The routes a run measures, by name.
 * @typedef {{ name: string, label: string, method: 'GET' | 'POST', path: string, headers?: Record<string, string>, body?: string }} Route
 * @type {Record<'trivial' | 'quiet' | 'realistic', Route>}
 */
const ROUTES = {
  trivial: { name: 'trivial', label: 'GET /orders/:id, 5 debug lines', method: 'GET', path: '/orders/42' },
  quiet: { name: 'quiet', label: 'GET /orders/quiet/:id, logging nothing', method: 'GET', path: '/orders/quiet/42' },
  realistic: {
    name: 'realistic',
    label: 'POST /orders/:id/checkout: guard, interceptor, validation pipe, 1 ms awaited I/O, 20 debug lines',
    method: 'POST',
    ...CHECKOUT,
  },
};

module.exports = { OrdersController, ROUTES, counter };
