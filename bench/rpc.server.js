// @ts-check
'use strict';
// The microservice benchmark's server: a Nest TCP microservice with the
// handlers of bench/rpc.routes.js on 127.0.0.1, alone in this process, stdout
// on /dev/null. Usage (started by bench/rpc.callgrind.js, under valgrind or not):
//   node bench/rpc.server.js <mode of bench/rpc.modes.js>
// IPC: sends { type: 'ready', port, pid } (the same as bench/http.server.js); { cmd: 'exit' } closes it.
require('reflect-metadata');
const { Module } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');
const { Transport } = require('@nestjs/microservices');
const { globalInterceptors } = require('./http.server');
const { loadLibrary } = require('./library');
const { rpcMode } = require('./rpc.modes');
const { OrderMessages, state } = require('./rpc.routes');

/** @param {import('./http.server').ServerMessage} message */
function send(message) {
  if (!process.send) throw new Error('not forked with an IPC channel: run it through bench/rpc.callgrind.js');
  process.send(message);
}

async function main() {
  const mode = rpcMode(process.argv[2]);
  const { imports, providers = [], createOptions, useLogger } = mode.setup();
  class AppModule {}
  Module({ imports, providers, controllers: [OrderMessages] })(AppModule);
  /** @type {import('@nestjs/microservices').MicroserviceOptions} */
  const options = { ...createOptions, transport: Transport.TCP, options: { host: '127.0.0.1', port: 0 } };
  const app = await NestFactory.createMicroservice(AppModule, options);
  if (useLogger) {
    app.useLogger(app.get(useLogger));
    app.flushLogs();
  }
  if (mode.scope !== 'none') {
    const buffer = app.get(loadLibrary().IncidentBuffer);
    state.scopeKind = () => buffer.request?.kind ?? 'global';
  }
  await app.listen();
  const { port } = /** @type {import('node:net').AddressInfo} */ (app.unwrap().address());
  process.on('message', (/** @type {import('./http.server').ServerCommand} */ message) => {
    if (message.cmd === 'exit') app.close().finally(() => process.exit(0));
  });
  send({ type: 'ready', port, pid: process.pid, interceptors: globalInterceptors(app) });
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
