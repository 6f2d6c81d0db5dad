// @ts-check
'use strict';
// The message handlers of the microservice benchmark's server (plain
// JavaScript: Nest's decorators applied by hand), the counterparts of the
// HTTP routes (bench/http.routes.js):
//   { cmd: 'quiet' }      logs nothing (the scope alone)
//   { cmd: 'order' }      trivial: 5 debug lines, synchronous
//   { cmd: 'checkout' }   realistic: 20 debug lines around ~1 ms of awaited I/O
//   { cmd: 'check' }      the scope the handler runs in (checked before counting, never counted)
// Every message is built per call (ids interpolated), as real code does.
const { Controller, Logger } = require('@nestjs/common');
const { MessagePattern } = require('@nestjs/microservices');

/** @typedef {{ id: string, customerId: string, currency: string, items: Array<{ sku: string, quantity: number }> }} CheckoutMessage */

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * What the `check` handler reads: the server sets `scopeKind` once the app is up
 * (IncidentBuffer.request?.kind, when the module is there).
 * @type {{ served: number, scopeKind: () => string }}
 */
const state = { served: 0, scopeKind: () => 'none' };

class OrderMessages {
  constructor() {
    this.logger = new Logger('OrderMessages');
  }

  /** @param {{ id: string }} data */
  quiet(data) {
    state.served++;
    return { id: data.id, status: 'shipped', lines: 3 };
  }

  /** @param {{ id: string }} data */
  order(data) {
    state.served++;
    const id = data.id;
    this.logger.debug(`order ${id}: checking the cache`);
    this.logger.debug(`order ${id}: cache miss, querying the database`);
    this.logger.debug(`order ${id}: 3 lines loaded`);
    this.logger.debug(`order ${id}: applying the customer's discounts`);
    this.logger.debug(`order ${id}: done`);
    return { id, status: 'shipped', lines: 3 };
  }

  /** @param {CheckoutMessage} data */
  async checkout(data) {
    state.served++;
    const log = this.logger;
    const id = data.id;
    log.debug(`checkout of order ${id} for ${data.customerId}: ${data.items.length} items`);
    let total = 0;
    for (const item of data.items) {
      const price = 100 + (item.sku.charCodeAt(4) % 7) * 25;
      total += price * item.quantity;
      log.debug(`order ${id}: ${item.sku} x${item.quantity} at ${price} cents`);
    }
    log.debug(`order ${id}: subtotal ${total} ${data.currency}`);
    log.debug(`order ${id}: loading customer ${data.customerId}`);
    await sleep(1); // the awaited I/O (a database or an HTTP call)
    log.debug(`order ${id}: customer ${data.customerId} loaded, tier gold`);
    const discount = Math.round(total * 0.05);
    log.debug(`order ${id}: discount ${discount} (tier gold)`);
    log.debug(`order ${id}: tax computed for ${data.currency}`);
    log.debug(`order ${id}: stock reserved for ${data.items.length} skus`);
    log.debug(`order ${id}: payment intent created for ${total - discount}`);
    log.debug(`order ${id}: status pending -> confirmed`);
    log.debug(`order ${id}: confirmation queued for ${data.customerId}`);
    log.debug(`order ${id}: audit entry written`);
    log.debug(`order ${id}: cache invalidated`);
    log.debug(`order ${id}: stock reservation confirmed`);
    log.debug(`order ${id}: invoice number assigned`);
    log.debug(`order ${id}: loyalty points credited`);
    log.debug(`order ${id}: shipping label requested`);
    log.debug(`order ${id}: checkout done, total ${total - discount} ${data.currency}`);
    return { id, status: 'confirmed', total: total - discount, currency: data.currency };
  }

  check() {
    return { scope: state.scopeKind() };
  }
}

/** @param {'quiet' | 'order' | 'checkout' | 'check'} name */
const descriptor = (name) => /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(OrderMessages.prototype, name));
Controller()(OrderMessages);
for (const name of /** @type {const} */ (['quiet', 'order', 'checkout', 'check'])) {
  MessagePattern({ cmd: name })(OrderMessages.prototype, name, descriptor(name));
}

/**
 * The messages a run measures, by name; `answer` checks a reply.
 * @typedef {{ name: string, label: string, pattern: { cmd: string }, payload: object, answer: (reply: any) => boolean }} RpcRoute
 * @type {Record<'quiet' | 'trivial' | 'realistic', RpcRoute>}
 */
const RPC_ROUTES = {
  quiet: {
    name: 'quiet',
    label: "{ cmd: 'quiet' }, logging nothing",
    pattern: { cmd: 'quiet' },
    payload: { id: '42' },
    answer: (reply) => reply?.status === 'shipped',
  },
  trivial: {
    name: 'trivial',
    label: "{ cmd: 'order' }, 5 debug lines",
    pattern: { cmd: 'order' },
    payload: { id: '42' },
    answer: (reply) => reply?.status === 'shipped',
  },
  realistic: {
    name: 'realistic',
    label: "{ cmd: 'checkout' }, async, 1 ms awaited I/O, 20 debug lines",
    pattern: { cmd: 'checkout' },
    payload: {
      id: '42',
      customerId: 'c-1009',
      currency: 'EUR',
      items: [
        { sku: 'SKU-100', quantity: 2 },
        { sku: 'SKU-204', quantity: 1 },
        { sku: 'SKU-377', quantity: 5 },
      ],
    },
    answer: (reply) => reply?.status === 'confirmed',
  },
};

module.exports = { OrderMessages, RPC_ROUTES, state };
