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
const { CHECKOUT_BODY, ORDER_ID, checkout, loadOrder } = require('./orders');

/** The request the realistic route expects (sent by the load generators). */
const CHECKOUT = {
  path: `/orders/${ORDER_ID}/checkout`,
  headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token-7f3a' },
  body: JSON.stringify(CHECKOUT_BODY),
};

/** Requests served since start (the server's CPU figures are per request). */
const counter = { served: 0 };

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
 * @typedef {import('./orders').CheckoutBody} CheckoutBody
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
    return loadOrder(this.logger, id, `GET order ${id}: checking the cache`);
  }

  // Same route without logging: what opening the request scope alone costs.
  /** @param {string} id */
  getQuiet(id) {
    counter.served++;
    return { id, status: 'shipped', lines: 3 };
  }

  /** 16 lines here (bench/orders.js), 4 in the guard, interceptor and pipe. @param {string} id @param {CheckoutBody} body */
  checkout(id, body) {
    counter.served++;
    // Not async itself: the promise is checkout()'s, as many ticks as when its body stood here.
    return checkout(this.logger, id, body, false);
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
  trivial: { name: 'trivial', label: 'GET /orders/:id, 5 debug lines', method: 'GET', path: `/orders/${ORDER_ID}` },
  quiet: { name: 'quiet', label: 'GET /orders/quiet/:id, logging nothing', method: 'GET', path: `/orders/quiet/${ORDER_ID}` },
  realistic: {
    name: 'realistic',
    label: 'POST /orders/:id/checkout: guard, interceptor, validation pipe, 1 ms awaited I/O, 20 debug lines',
    method: 'POST',
    ...CHECKOUT,
  },
};

module.exports = { OrdersController, ROUTES, counter };
