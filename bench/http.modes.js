// @ts-check
'use strict';
// The logging set-ups of the HTTP benchmark, each as a Nest user writes it,
// and the "piece" set-ups that split the cost of the request scope.
const { Injectable } = require('@nestjs/common');
const { APP_INTERCEPTOR } = require('@nestjs/core');
const { loadInternals, loadLibrary } = require('./library');

/**
 * What a set-up adds to the app: modules to import, providers of the app's module
 * (global enhancers: `APP_INTERCEPTOR`), NestFactory.create options, the logger
 * to pass to app.useLogger(app.get(...)), extra middleware (`setup`, before init)
 * and middleware mounted through Nest (`nestMiddleware`).
 * @typedef {{
 *   imports: Array<import('@nestjs/common').DynamicModule>,
 *   providers?: Array<import('@nestjs/common').Provider>,
 *   createOptions: import('@nestjs/common').NestApplicationOptions,
 *   useLogger?: import('@nestjs/common').Type<import('@nestjs/common').LoggerService>,
 *   setup?: (app: import('@nestjs/common').INestApplication) => void,
 *   nestMiddleware?: Middleware[],
 * }} LoggingSetup
 */
/** @typedef {import('node:http').IncomingMessage} Req */
/** @typedef {import('node:http').ServerResponse} Res */
/** @typedef {(req: Req, res: Res, next: () => void) => void} Middleware */

/** @type {import('@nestjs/common').LogLevel[]} */
const ALL_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
/** A common production set-up: ConsoleLogger without its debug and verbose lines. */
const NO_DEBUG_LEVELS = /** @type {import('@nestjs/common').LogLevel[]} */ (['log', 'warn', 'error', 'fatal']);

/** @param {import('nestjs-incident-logger').IncidentLoggerModuleOptions} options @returns {LoggingSetup} */
function incident(options) {
  const { IncidentLoggerModule, IncidentLogger } = loadLibrary();
  return { imports: [IncidentLoggerModule.forRoot(options)], createOptions: { bufferLogs: true }, useLogger: IncidentLogger };
}

/**
 * A global interceptor that does nothing (`next.handle()`): what an app that has any global interceptor
 * (a metrics or a response-mapping one) already pays. With one, Nest sends every handler's result through
 * its RxJS interceptor chain, where without any it calls the handler directly.
 */
class NoopInterceptor {
  /** @param {import('@nestjs/common').ExecutionContext} _context @param {import('@nestjs/common').CallHandler} next */
  intercept(_context, next) {
    return next.handle();
  }
}
Injectable()(NoopInterceptor);

/** A no-op global interceptor, as the app's module registers one. @returns {import('@nestjs/common').Provider} */
function noopInterceptor() {
  return { provide: APP_INTERCEPTOR, useClass: NoopInterceptor };
}

/** This module's IncidentScopeInterceptor as a global interceptor, as its docs tell a microservice app to. @returns {import('@nestjs/common').Provider} */
function scopeInterceptor() {
  const { IncidentScopeInterceptor } = loadLibrary();
  if (typeof IncidentScopeInterceptor !== 'function') throw new Error('this build has no IncidentScopeInterceptor');
  return { provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor };
}

/** A set-up with providers added to the app's module. @param {LoggingSetup} setup @param {import('@nestjs/common').Provider[]} providers @returns {LoggingSetup} */
function withProviders(setup, ...providers) {
  return { ...setup, providers: [...(setup.providers ?? []), ...providers] };
}

/** nestjs-pino writing to the server's stdout (/dev/null), pino's own default destination. @param {object} pinoHttp @returns {LoggingSetup} */
function nestjsPino(pinoHttp) {
  const { LoggerModule, Logger } = require('nestjs-pino');
  return { imports: [LoggerModule.forRoot({ pinoHttp })], createOptions: { bufferLogs: true }, useLogger: Logger };
}

/** A raw middleware, mounted with app.use() before init (runs before Nest's own middleware). @param {Middleware} fn @returns {LoggingSetup} */
function rawMiddleware(fn) {
  return { imports: [], createOptions: { logger: false }, setup: (app) => app.use(fn) };
}

/**
 * The pieces of the module's per-request work, added one at a time (each set-up
 * is the previous one plus one piece), on a route that logs nothing: the
 * difference between two neighbours is what that piece costs.
 * @type {Record<string, () => LoggingSetup>}
 */
const PIECES = {
  'piece-raw-mount': () => rawMiddleware((_req, _res, next) => next()),
  'piece-nest-mount': () => ({ imports: [], createOptions: { logger: false }, nestMiddleware: [(_req, _res, next) => next()] }),
  // Ten layers of each kind, so that the cost of one layer stands out of the noise of a whole request (~1%).
  'mount-raw-x10': () => ({
    imports: [],
    createOptions: { logger: false },
    setup: (app) => {
      for (let i = 0; i < 10; i++) app.use((/** @type {Req} */ _req, /** @type {Res} */ _res, /** @type {() => void} */ next) => next());
    },
  }),
  'mount-nest-x10': () => ({
    imports: [],
    createOptions: { logger: false },
    nestMiddleware: Array.from(
      { length: 10 },
      () => (/** @type {Req} */ _req, /** @type {Res} */ _res, /** @type {() => void} */ next) => next(),
    ),
  }),
  'piece-als': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const storage = new AsyncLocalStorage();
    return rawMiddleware((req, _res, next) => storage.run({ req }, next));
  },
  // The same AsyncLocalStorage.run(), around the HTTP server's request listener instead of in an Express layer.
  'piece-server-als': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const storage = new AsyncLocalStorage();
    return {
      imports: [],
      createOptions: { logger: false },
      setup: (app) => {
        const server = app.getHttpServer();
        const [listener] = server.listeners('request');
        server.removeListener('request', listener);
        server.on('request', (/** @type {Req} */ req, /** @type {Res} */ res) => storage.run({ req }, () => listener(req, res)));
      },
    };
  },
  'piece-scope': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const { newScope } = loadInternals();
    const storage = new AsyncLocalStorage();
    return rawMiddleware((req, _res, next) => storage.run(newScope({ id: '', method: req.method ?? '', url: req.url ?? '' }), next));
  },
  'piece-close': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const { newScope } = loadInternals();
    const storage = new AsyncLocalStorage();
    return rawMiddleware((req, res, next) => {
      const scope = newScope({ id: '', method: req.method ?? '', url: req.url ?? '' });
      res.once('close', () => scope.end());
      storage.run(scope, next);
    });
  },
  'piece-registry': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const { newScope, ScopeRegistry } = loadInternals();
    const storage = new AsyncLocalStorage();
    const registry = new ScopeRegistry(64 * 1024 * 1024);
    return rawMiddleware((req, res, next) => {
      const scope = newScope({ id: '', method: req.method ?? '', url: req.url ?? '' });
      registry.register(scope);
      res.once('close', () => registry.unregister(scope));
      storage.run(scope, next);
    });
  },
  'piece-request-id': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const { randomUUID } = require('node:crypto');
    const { newScope, ScopeRegistry } = loadInternals();
    const storage = new AsyncLocalStorage();
    const registry = new ScopeRegistry(64 * 1024 * 1024);
    return rawMiddleware((req, res, next) => {
      const id = randomUUID();
      id.charCodeAt(0); // flattened, as the module does
      const scope = newScope({ id, method: req.method ?? '', url: req.url ?? '' });
      registry.register(scope);
      res.once('close', () => registry.unregister(scope));
      storage.run(scope, next);
    });
  },
  'piece-header': () => {
    const { AsyncLocalStorage } = require('node:async_hooks');
    const { randomUUID } = require('node:crypto');
    const { newScope, ScopeRegistry } = loadInternals();
    const storage = new AsyncLocalStorage();
    const registry = new ScopeRegistry(64 * 1024 * 1024);
    return rawMiddleware((req, res, next) => {
      const id = randomUUID();
      id.charCodeAt(0);
      const scope = newScope({ id, method: req.method ?? '', url: req.url ?? '' });
      registry.register(scope);
      res.setHeader('x-request-id', id);
      res.once('close', () => registry.unregister(scope));
      storage.run(scope, next);
    });
  },
};

/** @type {Record<string, () => LoggingSetup>} */
const MODES = {
  // This module, default options: debug records buffered per request; nothing written unless a warn/error happens.
  incident: () => incident({}),
  // Diagnostic: the same with redaction off.
  'incident-noredact': () => incident({ redact: false }),
  // Diagnostic: the same without the response header.
  'incident-noheader': () => incident({ setResponseHeader: false }),
  // Diagnostics of the outcome policies (builds that have them): no subscriber to the end of every request
  // (outcome.status off, nothing slow or sampled; a rejected run() still writes) ...
  'incident-outcome-nostatus': () => incident({ outcome: { status: false } }),
  // ... and outcome off altogether.
  'incident-outcome-off': () => incident({ outcome: false }),
  // No logging at all: the floor.
  disabled: () => ({ imports: [], createOptions: { logger: false } }),
  // Nest's ConsoleLogger at debug; the server's stdout is /dev/null.
  console: () => ({ imports: [], createOptions: { logger: ALL_LEVELS } }),
  // Nest's ConsoleLogger with debug and verbose filtered out (the messages are still built by the caller).
  'console-nodebug': () => ({ imports: [], createOptions: { logger: NO_DEBUG_LEVELS } }),
  // nestjs-pino as its README sets it up, at debug so the route's lines are written: request logging
  // ("request completed", autoLogging) on, pino's default destination (stdout, here /dev/null).
  pino: () => nestjsPino({ level: 'debug' }),
  // Diagnostic: nestjs-pino without the per-request line, so it writes the same lines as ConsoleLogger.
  'pino-noauto': () => nestjsPino({ level: 'debug', autoLogging: false }),
  // Diagnostic: no logger, only what any request-scoped logger pays: an
  // AsyncLocalStorage.run() per request (which also turns on the promise hooks on Node 20).
  als: () => PIECES['piece-als'](),
  // Global interceptors (bench/http.callgrind.js --interceptors). This module with IncidentScopeInterceptor as
  // APP_INTERCEPTOR, where the docs put it in a microservice, hybrid or GraphQL app (HTTP requests pass through it).
  'incident+interceptor': () => withProviders(incident({}), scopeInterceptor()),
  // No logging, a no-op global interceptor: Nest's interceptor path alone, the floor of any global interceptor.
  'disabled+noop-interceptor': () => withProviders(MODES.disabled(), noopInterceptor()),
  // This module in an app that already has a global interceptor ...
  'incident+noop-interceptor': () => withProviders(incident({}), noopInterceptor()),
  // ... and IncidentScopeInterceptor added to it (registered first, so it is the outermost).
  'incident+interceptor+noop': () => withProviders(incident({}), scopeInterceptor(), noopInterceptor()),
  ...PIECES,
};

/** @param {string} mode */
function loggingSetup(mode) {
  if (!MODES[mode]) throw new Error(`unknown mode ${mode}`);
  return MODES[mode]();
}

module.exports = { ALL_LEVELS, MODES, NO_DEBUG_LEVELS, PIECES, incident, loggingSetup, noopInterceptor, scopeInterceptor, withProviders };
