// @ts-check
'use strict';
// Part 3, the server: a Nest (Express) app with the routes of bench/http.routes.js,
// alone in this process, stdout on /dev/null. Usage (forked by bench/http.js,
// or run under valgrind by bench/http.callgrind.js):
//   node bench/http.server.js <mode of bench/http.modes.js>
// IPC: sends { type: 'ready', port }; answers { cmd: 'cpu-start' } and
// { cmd: 'cpu-stop' } with the CPU time and the requests served in between.
require('reflect-metadata');
const { Module, RequestMethod } = require('@nestjs/common');
const { ApplicationConfig, NestFactory } = require('@nestjs/core');
const { ExpressAdapter } = require('@nestjs/platform-express');
const { loggingSetup } = require('./http.modes');
const { OrdersController, counter } = require('./http.routes');

/**
 * Messages to the parent (bench/http.js).
 * `interceptors`: the constructors of the app's global interceptors, as Nest registered them (the set-up is what it is named for).
 * @typedef {{ type: 'ready', port: number, pid: number, interceptors?: string[] }
 *   | { type: 'cpu-started' }
 *   | { type: 'cpu', userUs: number, systemUs: number, requests: number, wallMs: number }} ServerMessage
 */
/** @typedef {{ cmd: 'cpu-start' | 'cpu-stop' | 'exit' }} ServerCommand */

/** @param {ServerMessage} message */
function send(message) {
  if (!process.send) throw new Error('not forked with an IPC channel: run it through bench/http.js');
  process.send(message);
}

/**
 * The class names of the app's global interceptors (APP_INTERCEPTOR providers, useGlobalInterceptors).
 * @param {import('@nestjs/common').INestApplicationContext} app
 */
function globalInterceptors(app) {
  return app
    .get(ApplicationConfig)
    .getGlobalInterceptors()
    .map((interceptor) => interceptor.constructor.name);
}

/** Nest 11 (path-to-regexp 8) wants a named wildcard, as the module itself uses. */
const CATCH_ALL = { path: '{*path}', method: RequestMethod.ALL };

async function main() {
  const mode = process.argv[2];
  const { imports, providers = [], createOptions, useLogger, setup, nestMiddleware } = loggingSetup(mode);
  class AppModule {
    /** @param {import('@nestjs/common').MiddlewareConsumer} consumer */
    configure(consumer) {
      if (nestMiddleware) consumer.apply(...nestMiddleware).forRoutes(CATCH_ALL);
    }
  }
  Module({ imports, providers, controllers: [OrdersController] })(AppModule);
  const app = await NestFactory.create(AppModule, new ExpressAdapter(), createOptions);
  if (setup) setup(app);
  if (useLogger) {
    app.useLogger(app.get(useLogger));
    app.flushLogs();
  }
  await app.listen(0, '127.0.0.1');
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.getHttpServer().address());

  /** @type {{ cpu: NodeJS.CpuUsage, served: number, time: bigint }} */
  let start = { cpu: process.cpuUsage(), served: counter.served, time: process.hrtime.bigint() };
  process.on('message', (/** @type {ServerCommand} */ message) => {
    if (message.cmd === 'cpu-start') {
      start = { cpu: process.cpuUsage(), served: counter.served, time: process.hrtime.bigint() };
      send({ type: 'cpu-started' });
    } else if (message.cmd === 'cpu-stop') {
      const cpu = process.cpuUsage(start.cpu);
      send({
        type: 'cpu',
        userUs: cpu.user,
        systemUs: cpu.system,
        requests: counter.served - start.served,
        wallMs: Number(process.hrtime.bigint() - start.time) / 1e6,
      });
    } else if (message.cmd === 'exit') {
      app.close().finally(() => process.exit(0));
    }
  });
  send({ type: 'ready', port, pid: process.pid, interceptors: globalInterceptors(app) });
}

if (require.main === module) {
  main().catch((error) => {
    process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = { globalInterceptors };
