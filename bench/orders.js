// @ts-check
'use strict';
// The work behind the benchmark's handlers, the same whichever transport brings
// the request (bench/http.routes.js, bench/rpc.routes.js), so that HTTP and
// microservice figures compare like with like: the order looked up (5 debug
// lines) and the checkout (debug lines around ~1 ms of awaited I/O). Every
// message is built per call (ids interpolated), as real code does.

/** @typedef {{ customerId: string, currency: string, items: Array<{ sku: string, quantity: number }> }} CheckoutBody */
/** @typedef {{ debug(message: string): void }} DebugLogger */

/** The order every request names. */
const ORDER_ID = '42';

/** The checkout both load generators send (HTTP as its JSON body, the microservice client as its payload). @type {CheckoutBody} */
const CHECKOUT_BODY = {
  customerId: 'c-1009',
  currency: 'EUR',
  items: [
    { sku: 'SKU-100', quantity: 2 },
    { sku: 'SKU-204', quantity: 1 },
    { sku: 'SKU-377', quantity: 5 },
  ],
};

const sleep = (/** @type {number} */ ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The trivial handler: 5 debug lines, synchronous. The first line is the caller's (HTTP names its verb).
 * @param {DebugLogger} log @param {string} id @param {string} first
 */
function loadOrder(log, id, first) {
  log.debug(first);
  log.debug(`order ${id}: cache miss, querying the database`);
  log.debug(`order ${id}: 3 lines loaded`);
  log.debug(`order ${id}: applying the customer's discounts`);
  log.debug(`order ${id}: done`);
  return { id, status: 'shipped', lines: 3 };
}

/**
 * The realistic handler: 16 debug lines around ~1 ms of awaited I/O, 20 with `standIns`, which a transport
 * without the HTTP route's guard, interceptor and pipe (4 lines between them) logs instead.
 * @param {DebugLogger} log @param {string} id @param {CheckoutBody} body @param {boolean} standIns
 */
async function checkout(log, id, body, standIns) {
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
  if (standIns) {
    log.debug(`order ${id}: stock reservation confirmed`);
    log.debug(`order ${id}: invoice number assigned`);
    log.debug(`order ${id}: loyalty points credited`);
    log.debug(`order ${id}: shipping label requested`);
  }
  log.debug(`order ${id}: checkout done, total ${total - discount} ${body.currency}`);
  return { id, status: 'confirmed', total: total - discount, currency: body.currency };
}

module.exports = { CHECKOUT_BODY, ORDER_ID, checkout, loadOrder };
