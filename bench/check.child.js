// @ts-check
'use strict';
// Checks that nothing is formatted, stringified or date-formatted on the hot
// path: counts calls of the usual suspects during buffered debug calls through
// the facade (in a request scope and outside one). Forked by bench/hot.js.
const util = require('node:util');
const { childMain, sendResult } = require('./common');
const { createIncidentContext } = require('./library');

/** @typedef {{ calls: number, counts: Record<string, number>, total: number }} CheckResult */

const CALLS = 10_000;
/** Built per call, as application code does (and as the hot-path part measures). */
const message = (/** @type {number} */ id) => `cache miss for user:${id}, loading the profile from the database`;

/**
 * Replaces owner[name] with a counting wrapper; returns the function that restores it.
 * @param {any} owner
 * @param {string} name
 * @param {Record<string, number>} counts
 * @param {string} label
 */
function countCalls(owner, name, counts, label) {
  const original = owner[name];
  counts[label] = 0;
  owner[name] = function counted(/** @type {unknown[]} */ ...args) {
    counts[label]++;
    return original.apply(this, args);
  };
  return () => {
    owner[name] = original;
  };
}

async function main() {
  const { buffer, Logger } = await createIncidentContext();
  const log = new Logger('UsersService');
  /** @type {Record<string, number>} */
  const counts = {};
  const restore = [
    countCalls(JSON, 'stringify', counts, 'JSON.stringify'),
    countCalls(Date.prototype, 'toISOString', counts, 'Date#toISOString'),
    countCalls(Date.prototype, 'toString', counts, 'Date#toString'),
    countCalls(Date.prototype, 'toLocaleString', counts, 'Date#toLocaleString'),
    countCalls(Intl.DateTimeFormat.prototype, 'formatToParts', counts, 'Intl.DateTimeFormat#formatToParts'),
    countCalls(util, 'format', counts, 'util.format'),
    countCalls(util, 'inspect', counts, 'util.inspect'),
  ];
  // Intl.DateTimeFormat#format is a getter returning a bound function.
  const formatDescriptor = Object.getOwnPropertyDescriptor(Intl.DateTimeFormat.prototype, 'format');
  const formatGetter = formatDescriptor?.get;
  if (!formatDescriptor || !formatGetter) throw new Error('Intl.DateTimeFormat.prototype.format is not a getter here');
  counts['Intl.DateTimeFormat#format'] = 0;
  Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
    configurable: true,
    get() {
      counts['Intl.DateTimeFormat#format']++;
      return formatGetter.call(this);
    },
  });
  for (let i = 0; i < CALLS / 2; i += 5) {
    buffer.run(() => {
      for (let j = 0; j < 5; j++) log.debug(message(i + j));
    });
  }
  for (let i = 0; i < CALLS / 2; i++) log.debug(message(i));
  restore.forEach((fn) => fn());
  Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', formatDescriptor);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  /** @type {CheckResult} */
  const result = { calls: CALLS, counts, total };
  await sendResult(result);
}

if (require.main === module) childMain(main);

module.exports = {};
