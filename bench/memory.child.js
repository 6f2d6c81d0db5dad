'use strict';
// Part 2, memory (run with --expose-gc). Two experiments, heapUsed + arrayBuffers
// deltas from a collected heap, message payload excluded (one constant string):
//
// A. retained scopes: N scopes opened with IncidentBuffer.run(), each logging k
//    debug lines through the Logger facade, then kept alive (and nothing else)
//    -> bytes of an empty scope, of the lazily allocated ring, per record.
// B. in flight: N concurrent IncidentBuffer.run(async ...) parked on a gate after
//    logging k lines, minus the same harness without the module
//    -> the heap with thousands of concurrent scopes.
const { childMain, sendResult } = require('./common');
const { createIncidentContext } = require('./incident-context');

const MESSAGE = 'cache miss for user:42, loading the profile from the database';
const RETAINED_BATCHES = [0, 1, 5, 30, 60];
const IN_FLIGHT_PHASES = [0, 5, 30];

function settle() {
  return new Promise((resolve) => setImmediate(resolve));
}

async function heap() {
  for (let i = 0; i < 4; i++) {
    global.gc();
    await settle();
  }
  const usage = process.memoryUsage();
  return { heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers };
}

function delta(after, before, n = 1) {
  const heapUsed = (after.heapUsed - before.heapUsed) / n;
  const arrayBuffers = (after.arrayBuffers - before.arrayBuffers) / n;
  return { heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
}

async function retained(n, buffer, logger, log) {
  const out = {};
  for (const k of RETAINED_BATCHES) {
    let keep = new Array(n).fill(null); // allocated before the baseline: not counted
    const before = await heap();
    for (let i = 0; i < n; i++) {
      buffer.run(() => {
        for (let j = 0; j < k; j++) log.debug(MESSAGE);
        keep[i] = logger.currentScope();
      });
    }
    out[k] = delta(await heap(), before, n);
    keep = undefined;
  }
  return out;
}

/** N parked "requests"; the heap at each phase minus the baseline. */
async function inFlight(n, run, log) {
  const gates = IN_FLIGHT_PHASES.map(() => {
    let open;
    const promise = new Promise((resolve) => (open = resolve));
    return { promise, open };
  });
  const base = await heap();
  const done = [];
  for (let i = 0; i < n; i++) {
    done.push(
      run(async () => {
        for (let p = 0; p < IN_FLIGHT_PHASES.length; p++) {
          for (let k = p === 0 ? 0 : IN_FLIGHT_PHASES[p - 1]; k < IN_FLIGHT_PHASES[p]; k++) log(MESSAGE);
          await gates[p].promise;
        }
      }),
    );
  }
  const phases = {};
  for (let p = 0; p < IN_FLIGHT_PHASES.length; p++) {
    await settle();
    phases[IN_FLIGHT_PHASES[p]] = delta(await heap(), base);
    gates[p].open();
  }
  await Promise.all(done);
  return phases;
}

async function main() {
  const n = Number(process.argv[2] || 10_000);
  if (typeof global.gc !== 'function') throw new Error('run with --expose-gc');
  const { buffer, logger, Logger } = await createIncidentContext({ bufferSize: 30 });
  if (typeof logger.currentScope !== 'function') throw new Error('IncidentLogger#currentScope() is gone: update bench/memory.child.js');
  const log = new Logger('UsersService');

  // Is the ring allocated lazily? Look at the scope (internal field, when present).
  let lazyRing = 'unknown';
  buffer.run(() => {
    const scope = logger.currentScope();
    const before = scope.ring;
    log.debug(MESSAGE);
    if (scope.ring !== undefined) lazyRing = before === undefined;
  });
  // Warm up the code paths (and the facade's local instance) before measuring.
  for (let i = 0; i < 200; i++) buffer.run(() => log.debug(MESSAGE));

  const perScope = await retained(n, buffer, logger, log);
  const control = await inFlight(n, (fn) => fn(), () => {});
  const module = await inFlight(n, (fn) => buffer.run(fn), (message) => log.debug(message));
  const concurrent = {};
  for (const k of IN_FLIGHT_PHASES) {
    concurrent[k] = {
      control: control[k],
      module: module[k],
      added: { heapUsed: module[k].heapUsed - control[k].heapUsed, arrayBuffers: module[k].arrayBuffers - control[k].arrayBuffers, total: module[k].total - control[k].total },
    };
  }
  await sendResult({ n, perScope, concurrent, lazyRing });
}

childMain(main);
