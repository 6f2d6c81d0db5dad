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

let served = 0;

class OrdersController {
  constructor() {
    this.logger = new Logger('OrdersController');
  }

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
  getQuiet(id) {
    served++;
    return { id, status: 'shipped', lines: 3 };
  }
}
Controller('orders')(OrdersController);
Get(':id')(OrdersController.prototype, 'getOrder', Object.getOwnPropertyDescriptor(OrdersController.prototype, 'getOrder'));
Param('id')(OrdersController.prototype, 'getOrder', 0);
Get('quiet/:id')(OrdersController.prototype, 'getQuiet', Object.getOwnPropertyDescriptor(OrdersController.prototype, 'getQuiet'));
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
  const { port } = app.getHttpServer().address();

  let start;
  process.on('message', (message) => {
    if (message.cmd === 'cpu-start') {
      start = { cpu: process.cpuUsage(), served, time: process.hrtime.bigint() };
      process.send({ type: 'cpu-started' });
    } else if (message.cmd === 'cpu-stop') {
      const cpu = process.cpuUsage(start.cpu);
      process.send({
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
  process.send({ type: 'ready', port });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
