// A Nest app built from a compatibility folder's own Nest and the packed
// library (plain JS, decorators applied as functions so no compiler is
// needed). argv: <compat dir> <express|fastify>. Prints one JSON line.
const { createRequire } = require('node:module');
const path = require('node:path');

const [dir, platform] = process.argv.slice(2);
const load = createRequire(path.join(path.resolve(dir), 'package.json'));
load('reflect-metadata');
const { Body, Controller, Get, Inject, Injectable, Logger, Module, Post } = load('@nestjs/common');
const { NestFactory } = load('@nestjs/core');
const { IncidentLogger, IncidentLoggerModule } = load('nestjs-incident-logger');

const incidents = [];
const target = { write: (incident) => incidents.push(incident) };
const logger = new Logger('Compat');

class CompatController {
  fail() {
    logger.debug('before failing');
    logger.error('failed on purpose');
    return 'ok';
  }
  throws() {
    logger.debug('before throwing');
    throw new Error('unhandled on purpose');
  }
  async body(body) {
    logger.debug(`body ${body.id}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    logger.warn(`warn ${body.id}`);
    return body;
  }
}
Controller()(CompatController);
const decorate = (decorator, method) =>
  decorator(CompatController.prototype, method, Object.getOwnPropertyDescriptor(CompatController.prototype, method));
decorate(Get('fail'), 'fail');
decorate(Get('throw'), 'throws');
decorate(Post('body'), 'body');
Body()(CompatController.prototype, 'body', 0);
Reflect.defineMetadata('design:paramtypes', [Object], CompatController.prototype, 'body');

// A target class resolved through DI, whose dependency is a provider of the app module.
class Notifier {
  constructor() {
    this.sent = [];
  }
}
Injectable()(Notifier);
class NotifierTarget {
  constructor(notifier) {
    this.notifier = notifier;
  }
  write(incident) {
    this.notifier.sent.push(incident.id);
  }
}
Injectable()(NotifierTarget);
Inject(Notifier)(NotifierTarget, undefined, 0);

class AppModule {}
Module({
  imports: [IncidentLoggerModule.forRoot({ targets: [target, NotifierTarget] })],
  providers: [Notifier],
  controllers: [CompatController],
})(AppModule);

async function main() {
  const adapter =
    platform === 'fastify'
      ? new (load('@nestjs/platform-fastify').FastifyAdapter)()
      : new (load('@nestjs/platform-express').ExpressAdapter)();
  const app = await NestFactory.create(AppModule, adapter, { bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  const statuses = [];
  for (const [method, route, body] of [
    ['GET', '/fail'],
    ['GET', '/throw'],
    ['POST', '/body', { id: 'b1', pad: 'x'.repeat(20000) }],
  ]) {
    const res = await fetch(url + route, {
      method,
      headers: body ? { 'content-type': 'application/json' } : {},
      body: body ? JSON.stringify(body) : undefined,
    });
    await res.text();
    statuses.push(res.status);
  }
  const notified = app.get(Notifier).sent;
  await app.close();
  const nest = load('@nestjs/core/package.json').version;
  process.stdout.write(JSON.stringify({ nest, statuses, incidents, notified }) + '\n');
}
main().catch((error) => {
  process.stderr.write(String(error && error.stack) + '\n');
  process.exit(1);
});
