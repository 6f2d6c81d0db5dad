// What every scenario of the Nest 12 compatibility test shares (test/compat/compat-nest12.e2e-spec.ts):
// a Nest 12 app bootstrapped as users do (`bufferLogs: true`, `app.useLogger(app.get(IncidentLogger))`,
// `listen(0)`), on Express or Fastify. Plain ESM JavaScript run by Node, no compiler: Nest's decorators
// are legacy decorators, applied here as the functions TypeScript would call.
//
// One file per scenario (http.mjs, crash.mjs, identity.mjs, microservice.mjs), each run as `node <scenario>.mjs <platform> ...`
// and printing one JSON line on stdout. A new scenario is a new file that imports this one. Each scenario
// loads the library at a different point of Nest's ESM graph (see their headers): the order of imports
// is part of what they test. typings.mts (type-checked, never run) is the same app in TypeScript.
import { Inject, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentLogger, IncidentLoggerModule } from 'nestjs-incident-logger';

/** Applies a method decorator (`Get('x')`) to `cls.prototype[method]`. */
export function route(decorator, cls, method) {
  decorator(cls.prototype, method, Object.getOwnPropertyDescriptor(cls.prototype, method));
}

/** Constructor injection: `inject(OrdersController, OrdersService)`, as `constructor(private orders: OrdersService)`. */
export function inject(cls, ...tokens) {
  tokens.forEach((token, index) => Inject(token)(cls, undefined, index));
}

/** A promise with its resolve function: lets two requests meet in a given order, without timers. */
export function deferred() {
  let resolve;
  const promise = new Promise((settle) => (resolve = settle));
  return { promise, resolve };
}

/** Creates, installs the logger and starts the app; resolves to the app and its base URL. */
export async function bootstrap(platform, { incidentOptions, controllers = [], providers = [] }) {
  class AppModule {}
  Module({ imports: [IncidentLoggerModule.forRoot(incidentOptions)], controllers, providers })(AppModule);
  const adapter =
    platform === 'fastify'
      ? new (await import('@nestjs/platform-fastify')).FastifyAdapter()
      : new (await import('@nestjs/platform-express')).ExpressAdapter();
  const app = await NestFactory.create(AppModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return { app, url };
}

/** GET url, resolving to { status, body } once the body has been read. */
export async function get(url) {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** Prints the scenario's result, one JSON line on stdout. */
export function report(result) {
  process.stdout.write(JSON.stringify(result) + '\n');
}

/** Ends the scenario on an unexpected error, with its stack on stderr. */
export function fail(error) {
  process.stderr.write(String(error && error.stack) + '\n');
  process.exit(1);
}
