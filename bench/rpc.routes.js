// @ts-check
'use strict';
// The message handlers of the microservice benchmark's server (plain
// JavaScript: Nest's decorators applied by hand), the counterparts of the
// HTTP routes (bench/http.routes.js):
//   { cmd: 'quiet' }      logs nothing (the scope alone)
//   { cmd: 'order' }      trivial: 5 debug lines, synchronous
//   { cmd: 'checkout' }   realistic: 20 debug lines around ~1 ms of awaited I/O (the HTTP route's 16, and 4
//                         for its guard, interceptor and pipe)
//   { cmd: 'check' }      the scope the handler runs in (checked before counting, never counted)
// Every message is built per call (ids interpolated), as real code does.
const { Controller, Logger } = require('@nestjs/common');
const { MessagePattern } = require('@nestjs/microservices');
const { CHECKOUT_BODY, ORDER_ID, checkout, loadOrder } = require('./orders');

/** @typedef {{ id: string } & import('./orders').CheckoutBody} CheckoutMessage */

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
    return loadOrder(this.logger, id, `order ${id}: checking the cache`);
  }

  /** @param {CheckoutMessage} data */
  checkout(data) {
    state.served++;
    // Not async itself: the promise is checkout()'s, as many ticks as when its body stood here.
    return checkout(this.logger, data.id, data, true);
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
    payload: { id: ORDER_ID },
    answer: (reply) => reply?.status === 'shipped',
  },
  trivial: {
    name: 'trivial',
    label: "{ cmd: 'order' }, 5 debug lines",
    pattern: { cmd: 'order' },
    payload: { id: ORDER_ID },
    answer: (reply) => reply?.status === 'shipped',
  },
  realistic: {
    name: 'realistic',
    label: "{ cmd: 'checkout' }, async, 1 ms awaited I/O, 20 debug lines",
    pattern: { cmd: 'checkout' },
    payload: { id: ORDER_ID, ...CHECKOUT_BODY },
    answer: (reply) => reply?.status === 'confirmed',
  },
};

module.exports = { OrderMessages, RPC_ROUTES, state };
