// @ts-check
'use strict';
// Part 2, memory (run with --expose-gc). Three experiments, heapUsed + arrayBuffers
// deltas from a collected heap, messages built per call (an id interpolated) as
// application code logs them, so the figures include the message text;
// everything through the public API:
//
// A. live scopes: N scopes opened with IncidentBuffer.run(), each logging k
//    debug lines through the Logger facade, then returning a pending promise
//    (a scope lives until its promise settles), minus the same loop without
//    the module, where each unit of work is the same promise with a .finally()
//    callback closing over one object (what run() keeps besides the scope)
//    -> bytes of an empty scope, of the ring allocated at the first record, per record.
// B. in flight: N concurrent IncidentBuffer.run(async ...) parked on a gate after
//    logging k lines, minus the same harness without the module
//    -> the heap with thousands of concurrent scopes.
// C. text: what the text of one such message holds once buffered (the library
//    keeps a detached copy of every string), so the record shell can be told
//    from its text.
// In-flight HTTP requests (the middleware's state) are bench/memory.requests.child.js.
const { childMain, sendResult } = require('./common');
const { createIncidentContext } = require('./library');

/** @typedef {{ heapUsed: number, arrayBuffers: number, total: number }} Bytes */
/** @typedef {{ chars: number, bytes: number }} TextBytes */
/** @typedef {import('nestjs-incident-logger').IncidentBufferStats} IncidentBufferStats */
/**
 * What this child sends. perScope[k]: bytes per live scope that logged k records
 * (module minus control); concurrent[k]: whole-heap deltas with N in-flight scopes.
 * @typedef {{
 *   n: number,
 *   bufferSize: number,
 *   perScope: Record<string, Bytes & { module: Bytes, control: Bytes, stats: IncidentBufferStats }>,
 *   concurrent: Record<string, { control: Bytes, module: Bytes, added: Bytes }>,
 *   text: TextBytes,
 * }} MemoryChildResult
 */

/** Built per call, as the hot-path part logs it: 61-63 characters, a fresh string each time. */
const message = (/** @type {number} */ id) => `cache miss for user:${id}, loading the profile from the database`;
let next = 0;
const BUFFER_SIZE = 30;
const LIVE_BATCHES = [0, 1, 5, 30, 60, 120];
const IN_FLIGHT_PHASES = [0, 5, 30];

function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The heap after full collections. */
async function heap() {
  const gc = global.gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 4; i++) {
    gc();
    await settle();
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
}

/**
 * @param {{ heapUsed: number, arrayBuffers: number }} after
 * @param {{ heapUsed: number, arrayBuffers: number }} before
 * @returns {Bytes}
 */
function delta(after, before, n = 1) {
  const heapUsed = (after.heapUsed - before.heapUsed) / n;
  const arrayBuffers = (after.arrayBuffers - before.arrayBuffers) / n;
  return { heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
}

/** @param {Bytes} a @param {Bytes} b @returns {Bytes} */
function minus(a, b) {
  return { heapUsed: a.heapUsed - b.heapUsed, arrayBuffers: a.arrayBuffers - b.arrayBuffers, total: a.total - b.total };
}

/**
 * Opens n units of work through `wrap`, each running `work` and returning one
 * shared pending promise; measures the heap they keep while pending.
 * @param {number} n
 * @param {(fn: () => Promise<void>) => Promise<void>} wrap
 * @param {() => void} work
 */
async function pending(n, wrap, work) {
  /** @type {() => void} */
  let open = () => {};
  /** @type {Promise<void>} */
  const gate = new Promise((resolve) => (open = resolve));
  /** @type {Array<Promise<void> | null>} */
  let keep = new Array(n).fill(null); // allocated before the baseline: not counted
  const before = await heap();
  for (let i = 0; i < n; i++) {
    keep[i] = wrap(() => {
      work();
      return gate;
    });
  }
  const bytes = delta(await heap(), before, n);
  return {
    bytes,
    async release() {
      open();
      await Promise.all(keep);
      keep = [];
    },
  };
}

/**
 * @param {number} n
 * @param {import('nestjs-incident-logger').IncidentBuffer} buffer
 * @param {import('@nestjs/common').Logger} log
 */
async function live(n, buffer, log) {
  /** @type {MemoryChildResult['perScope']} */
  const out = {};
  const noop = () => {};
  for (const k of LIVE_BATCHES) {
    const logK = () => {
      for (let j = 0; j < k; j++) log.debug(message(next++));
    };
    // The control keeps what the module's run() keeps besides the scope: a .finally() whose callback closes over one object.
    const control = await pending(
      n,
      (fn) => {
        const work = fn();
        return work.finally(() => work);
      },
      noop,
    );
    await control.release();
    const module = await pending(n, (fn) => buffer.run(fn), logK);
    const stats = buffer.stats(); // the scopes are alive: liveScopes counts those that hold records
    await module.release();
    // A scope joins the live scopes on its first record: with k = 0 none does.
    if (k > 0 && stats.liveScopes < n) throw new Error(`expected ${n} live scopes, IncidentBuffer#stats() says ${stats.liveScopes}`);
    out[k] = { ...minus(module.bytes, control.bytes), module: module.bytes, control: control.bytes, stats };
  }
  return out;
}

/**
 * N parked "requests"; the heap at each phase minus the baseline.
 * @param {number} n
 * @param {(fn: () => Promise<void>) => Promise<void>} run
 * @param {(message: string) => void} log
 */
async function inFlight(n, run, log) {
  const gates = IN_FLIGHT_PHASES.map(() => {
    /** @type {() => void} */
    let open = () => {};
    /** @type {Promise<void>} */
    const promise = new Promise((resolve) => (open = resolve));
    return { promise, open };
  });
  const base = await heap();
  /** @type {Promise<void>[]} */
  const done = [];
  for (let i = 0; i < n; i++) {
    done.push(
      run(async () => {
        for (let p = 0; p < IN_FLIGHT_PHASES.length; p++) {
          for (let k = p === 0 ? 0 : IN_FLIGHT_PHASES[p - 1]; k < IN_FLIGHT_PHASES[p]; k++) log(message(next++));
          await gates[p].promise;
        }
      }),
    );
  }
  /** @type {Record<string, Bytes>} */
  const phases = {};
  for (let p = 0; p < IN_FLIGHT_PHASES.length; p++) {
    await settle();
    phases[IN_FLIGHT_PHASES[p]] = delta(await heap(), base);
    gates[p].open();
  }
  await Promise.all(done);
  return phases;
}

/**
 * Bytes one buffered message text holds: the library buffers a detached copy of
 * every string (lib/serialize/detach-string.util.ts: a slice of the string plus
 * one character, i.e. a sliced string pointing into a fresh flat copy), made
 * here the same way for `count` messages kept in a preallocated array.
 * @param {number} count
 * @returns {Promise<TextBytes>}
 */
async function textBytes(count) {
  /** @type {string[]} */
  const keep = new Array(count).fill('');
  const before = await heap();
  for (let i = 0; i < count; i++) {
    const text = message(next++);
    keep[i] = (text + ' ').slice(0, -1);
  }
  const bytes = delta(await heap(), before, count).total;
  // Read after the measurement: an array never read again is dead to the GC before it.
  const chars = keep.reduce((sum, text) => sum + text.length, 0);
  return { chars: chars / count, bytes };
}

async function main() {
  const n = Number(process.argv[2] || 10_000);
  // A budget well above what the scopes hold: this part measures structures, not evictions.
  const { buffer, Logger } = await createIncidentContext({ bufferSize: BUFFER_SIZE, maxTotalBufferBytes: 2 ** 30 });
  const log = new Logger('UsersService');

  // Warm up the code paths (and the facade's local instance) before measuring.
  for (let i = 0; i < 200; i++) buffer.run(() => log.debug(message(next++)));
  await buffer.run(async () => log.debug(message(next++)));

  const text = await textBytes(n * 5);
  const perScope = await live(n, buffer, log);
  const control = await inFlight(
    n,
    (fn) => fn(),
    () => {},
  );
  const module = await inFlight(
    n,
    (fn) => buffer.run(fn),
    (text) => log.debug(text),
  );
  /** @type {MemoryChildResult['concurrent']} */
  const concurrent = {};
  for (const k of IN_FLIGHT_PHASES) concurrent[k] = { control: control[k], module: module[k], added: minus(module[k], control[k]) };
  const evictions = buffer.stats().budgetEvictions;
  if (evictions > 0) throw new Error(`${evictions} records evicted by the buffer budget: the figures would not be per record`);
  /** @type {MemoryChildResult} */
  const result = { n, bufferSize: BUFFER_SIZE, perScope, concurrent, text };
  await sendResult(result);
}

if (require.main === module) childMain(main);

module.exports = {};
