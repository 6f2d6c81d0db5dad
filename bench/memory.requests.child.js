// @ts-check
'use strict';
// Part 2, memory of in-flight HTTP requests (run with --expose-gc): a real Nest
// (Express) app on 127.0.0.1 and N concurrent keep-alive requests from this
// same process, parked in the handler on a gate after logging k debug lines
// (messages built per call). The heap with N requests parked minus the heap
// before them, in the app with the module (forRoot, its middleware on every
// route) or without it (`logger: false`): the difference between the two,
// per request, is everything the module keeps for a request in flight: the
// scope, its request info and id, the middleware's WeakMap entry, the close
// listener, the response header, the AsyncLocalStorage frames, the records.
// A third app, `als`, is the control plus one bare AsyncLocalStorage.run()
// middleware: it splits what AsyncLocalStorage itself keeps per request (its
// frames on every promise of the request) from the module's own state.
// Forked by bench/memory.js:
//   node --expose-gc bench/memory.requests.child.js <module|control|als> <requests>
const { AsyncLocalStorage } = require('node:async_hooks');
const http = require('node:http');
const { childMain, sendResult } = require('./common');

/** @typedef {import('./memory.child').Bytes} Bytes */
/** @typedef {{ mode: string, n: number, phases: Record<string, Bytes> }} RequestsChildResult */

/** Records logged by a parked request at each phase (cumulative). */
const PHASES = [0, 5];
const BUFFER_SIZE = 30;
const WARM_UP_REQUESTS = 200;

const message = (/** @type {string} */ id, /** @type {number} */ k) => `order ${id}: step ${k}, loading the lines from the database`;

/** @returns {{ promise: Promise<void>, open: () => void }} */
function gate() {
  /** @type {() => void} */
  let open = () => {};
  /** @type {Promise<void>} */
  const promise = new Promise((resolve) => (open = resolve));
  return { promise, open };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

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

/** @param {{ heapUsed: number, arrayBuffers: number }} after @param {{ heapUsed: number, arrayBuffers: number }} before @param {number} n @returns {Bytes} */
function perRequest(after, before, n) {
  const heapUsed = (after.heapUsed - before.heapUsed) / n;
  const arrayBuffers = (after.arrayBuffers - before.arrayBuffers) / n;
  return { heapUsed, arrayBuffers, total: heapUsed + arrayBuffers };
}

/** The app: GET /park/:id logs PHASES' records, waiting at each phase's gate once `parking` is on. */
function parkingApp() {
  require('reflect-metadata');
  const { Controller, Get, Logger, Param } = require('@nestjs/common');
  const state = { parking: false, parked: 0, gates: PHASES.map(gate) };
  class ParkController {
    constructor() {
      this.logger = new Logger('OrdersController');
    }

    /** @param {string} id */
    async park(id) {
      if (!state.parking) {
        for (let k = 0; k < PHASES[PHASES.length - 1]; k++) this.logger.debug(message(id, k));
        return 'ok';
      }
      for (let p = 0; p < PHASES.length; p++) {
        for (let k = p === 0 ? 0 : PHASES[p - 1]; k < PHASES[p]; k++) this.logger.debug(message(id, k));
        state.parked++;
        await state.gates[p].promise;
      }
      return 'ok';
    }
  }
  Controller('park')(ParkController);
  Get(':id')(
    ParkController.prototype,
    'park',
    /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(ParkController.prototype, 'park')),
  );
  Param('id')(ParkController.prototype, 'park', 0);
  return { ParkController, state };
}

/**
 * @param {http.Agent} agent
 * @param {number} port
 * @param {string} id
 * @returns {Promise<void>}
 */
function get(agent, port, id) {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: `/park/${id}`, agent }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`status ${res.statusCode}`))));
    });
    req.on('error', reject);
  });
}

/** @param {() => boolean} done */
async function until(done) {
  while (!done()) await new Promise((resolve) => setTimeout(resolve, 2));
}

async function main() {
  const [mode, nArg] = process.argv.slice(2);
  const n = Number(nArg);
  if (!['module', 'control', 'als'].includes(mode)) throw new Error(`unknown mode ${mode}`);
  const { Module } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { ParkController, state } = parkingApp();
  /** @type {any[]} */
  const imports = [];
  if (mode === 'module') {
    const { discardTarget, loadLibrary } = require('./library');
    const { IncidentLoggerModule } = loadLibrary();
    // A budget well above what the requests hold: this measures structures, not evictions.
    imports.push(IncidentLoggerModule.forRoot({ bufferSize: BUFFER_SIZE, maxTotalBufferBytes: 2 ** 30, targets: [discardTarget] }));
  }
  class AppModule {}
  Module({ imports, controllers: [ParkController] })(AppModule);
  const app = await NestFactory.create(AppModule, mode === 'module' ? { bufferLogs: true } : { logger: false });
  if (mode === 'module') {
    const { IncidentLogger } = require('./library').loadLibrary();
    app.useLogger(app.get(IncidentLogger));
    app.flushLogs();
  }
  if (mode === 'als') {
    const als = new AsyncLocalStorage();
    app.use((/** @type {unknown} */ _req, /** @type {unknown} */ _res, /** @type {() => void} */ next) => als.run({}, next));
  }
  await app.listen(0, '127.0.0.1');
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address());
  const agent = new http.Agent({ keepAlive: true, maxSockets: Infinity });
  try {
    // Warm-up: every code path run (and compiled) before the baseline.
    for (let i = 0; i < WARM_UP_REQUESTS; i += 20) await Promise.all(Array.from({ length: 20 }, (_, j) => get(agent, port, `w${i + j}`)));
    agent.destroy(); // the parked requests open fresh sockets; so does the baseline's absence of them
    const fresh = new http.Agent({ keepAlive: true, maxSockets: Infinity });
    const before = await heap();
    state.parking = true;
    /** @type {Promise<void>[]} */
    const done = [];
    for (let i = 0; i < n; i++) done.push(get(fresh, port, String(100_000 + i)));
    /** @type {Record<string, Bytes>} */
    const phases = {};
    for (let p = 0; p < PHASES.length; p++) {
      await until(() => state.parked >= n * (p + 1));
      phases[PHASES[p]] = perRequest(await heap(), before, n);
      state.gates[p].open();
    }
    await Promise.all(done);
    fresh.destroy();
    /** @type {RequestsChildResult} */
    const result = { mode, n, phases };
    await sendResult(result);
  } finally {
    await app.close();
  }
}

if (require.main === module) childMain(main);

module.exports = {};
