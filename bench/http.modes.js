// @ts-check
'use strict';
// The logging set-ups of the HTTP benchmark, each as a Nest user writes it.
const { loadLibrary } = require('./library');

/**
 * What a set-up adds to the app: modules to import, NestFactory.create options,
 * the logger to pass to app.useLogger(app.get(...)), and extra middleware.
 * @typedef {{
 *   imports: Array<import('@nestjs/common').DynamicModule>,
 *   createOptions: import('@nestjs/common').NestApplicationOptions,
 *   useLogger?: import('@nestjs/common').Type<import('@nestjs/common').LoggerService>,
 *   setup?: (app: import('@nestjs/common').INestApplication) => void,
 * }} LoggingSetup
 */

/** @type {import('@nestjs/common').LogLevel[]} */
const ALL_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/** @type {Record<string, () => LoggingSetup>} */
const MODES = {
  // This module: debug records buffered per request; nothing written unless a warn/error happens.
  incident: () => {
    const { IncidentLoggerModule, IncidentLogger } = loadLibrary();
    return {
      imports: [IncidentLoggerModule.forRoot({ bufferSize: 30 })],
      createOptions: { bufferLogs: true },
      useLogger: IncidentLogger,
    };
  },
  // Diagnostic: the same with redaction off (what deferring redaction to flush time would give).
  'incident-noredact': () => {
    const { IncidentLoggerModule, IncidentLogger } = loadLibrary();
    return {
      imports: [IncidentLoggerModule.forRoot({ bufferSize: 30, redact: false })],
      createOptions: { bufferLogs: true },
      useLogger: IncidentLogger,
    };
  },
  // No logging at all: the floor.
  disabled: () => ({ imports: [], createOptions: { logger: false } }),
  // Nest's ConsoleLogger at debug; the server's stdout is /dev/null.
  console: () => ({ imports: [], createOptions: { logger: ALL_LEVELS } }),
  // nestjs-pino at debug to /dev/null (async destination); no per-request
  // "request completed" line, so every set-up logs the same 5 lines.
  pino: () => {
    const pino = require('pino');
    const { LoggerModule, Logger } = require('nestjs-pino');
    const dest = pino.destination({ dest: '/dev/null', sync: false });
    return {
      imports: [LoggerModule.forRoot({ pinoHttp: [{ level: 'debug', autoLogging: false }, dest] })],
      createOptions: { bufferLogs: true },
      useLogger: Logger,
    };
  },
  // Diagnostic: no logger, only what any request-scoped logger pays on Node 20:
  // an AsyncLocalStorage.run() per request (which also turns on the promise hooks).
  als: () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const storage = new AsyncLocalStorage();
    return {
      imports: [],
      createOptions: { logger: false },
      setup: (app) =>
        app.use(
          (
            /** @type {import('node:http').IncomingMessage} */ req,
            /** @type {import('node:http').ServerResponse} */ _res,
            /** @type {() => void} */ next,
          ) => storage.run({ req }, next),
        ),
    };
  },
};

/** @param {string} mode */
function loggingSetup(mode) {
  if (!MODES[mode]) throw new Error(`unknown mode ${mode}`);
  return MODES[mode]();
}

module.exports = { MODES, loggingSetup };
