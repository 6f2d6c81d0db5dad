// @ts-check
'use strict';
// Part 3, the server: a Nest (Express) app whose route logs 5 debug lines,
// alone in this process, stdout on /dev/null. Usage (forked by bench/http.js):
//   node bench/http.server.js <incident|disabled|console|pino|als>
// Routes: GET /orders/:id logs 5 debug lines; GET /orders/quiet/:id logs nothing.
// IPC: sends { type: 'ready', port }; answers { cmd: 'cpu-start' } and
// { cmd: 'cpu-stop' } with the CPU time and the requests served in between.
require('reflect-metadata');
const { Controller, Get, Logger, Module, Param } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { loggingSetup } = require('./http.modes');

/**
 * Messages to the parent (bench/http.js).
 * @typedef {{ type: 'ready', port: number }
 *   | { type: 'cpu-started' }
 *   | { type: 'cpu', userUs: number, systemUs: number, requests: number, wallMs: number }} ServerMessage
 */
/** @typedef {{ cmd: 'cpu-start' | 'cpu-stop' | 'exit' }} ServerCommand */

/** @param {ServerMessage} message */
function send(message) {
  if (!process.send) throw new Error('not forked with an IPC channel: run it through bench/http.js');
  process.send(message);
}

let served = 0;

class OrdersController {
  constructor() {
    this.logger = new Logger('OrdersController');
  }

  /** @param {string} id */
  getOrder(id) {
    served++;
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
    served++;
    return { id, status: 'shipped', lines: 3 };
  }
}
// The decorators, applied by hand (plain JavaScript).
/** @param {'getOrder' | 'getQuiet'} name */
const descriptor = (name) => /** @type {PropertyDescriptor} */ (Object.getOwnPropertyDescriptor(OrdersController.prototype, name));
Controller('orders')(OrdersController);
Get(':id')(OrdersController.prototype, 'getOrder', descriptor('getOrder'));
Param('id')(OrdersController.prototype, 'getOrder', 0);
Get('quiet/:id')(OrdersController.prototype, 'getQuiet', descriptor('getQuiet'));
Param('id')(OrdersController.prototype, 'getQuiet', 0);

async function main() {
  const mode = process.argv[2];
  const { imports, createOptions, useLogger, setup } = loggingSetup(mode);
  class AppModule {}
  Module({ imports, controllers: [OrdersController] })(AppModule);
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), createOptions);
  if (setup) setup(app);
  if (useLogger) {
    app.useLogger(app.get(useLogger));
    app.flushLogs();
  }
  await app.listen(0, '127.0.0.1');
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address());

  /** @type {{ cpu: NodeJS.CpuUsage, served: number, time: bigint }} */
  let start = { cpu: process.cpuUsage(), served, time: process.hrtime.bigint() };
  process.on('message', (/** @type {ServerCommand} */ message) => {
    if (message.cmd === 'cpu-start') {
      start = { cpu: process.cpuUsage(), served, time: process.hrtime.bigint() };
      send({ type: 'cpu-started' });
    } else if (message.cmd === 'cpu-stop') {
      const cpu = process.cpuUsage(start.cpu);
      send({
        type: 'cpu',
        userUs: cpu.user,
        systemUs: cpu.system,
        requests: served - start.served,
        wallMs: Number(process.hrtime.bigint() - start.time) / 1e6,
      });
    } else if (message.cmd === 'exit') {
      app.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', port });
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = {};
