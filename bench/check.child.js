'use strict';
// Checks that nothing is formatted, stringified or date-formatted on the hot
// path: counts calls of the usual suspects during buffered debug calls through
// the facade (in a request scope and outside one). Forked by bench/hot.js.
const util = require('node:util');
const { childMain, sendResult } = require('./common');
const { createIncidentContext } = require('./incident-context');

const CALLS = 10_000;

function countCalls(owner, name, counts, label = name) {
  const original = owner[name];
  counts[label] = 0;
  owner[name] = function counted(...args) {
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
  counts['Intl.DateTimeFormat#format'] = 0;
  Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', {
    configurable: true,
    get() {
      counts['Intl.DateTimeFormat#format']++;
      return formatDescriptor.get.call(this);
    },
  });
  for (let i = 0; i < CALLS / 2; i += 5) {
    buffer.run(() => {
      for (let j = 0; j < 5; j++) log.debug('cache miss for user:42, loading the profile from the database');
    });
  }
  for (let i = 0; i < CALLS / 2; i++) log.debug('cache miss for user:42, loading the profile from the database');
  restore.forEach((fn) => fn());
  Object.defineProperty(Intl.DateTimeFormat.prototype, 'format', formatDescriptor);
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  await sendResult({ calls: CALLS, counts, total });
}

childMain(main);
