// Scenario "crash": argv <express|fastify> <file>. A request starts a sync whose timer throws: an
// uncaught exception ends the process. The RotatingFileTarget (asynchronous, batched writes) appends
// JSON lines to <file>: the crash path must have written that request's incident and the global
// buffer synchronously before Node exits. Prints nothing: the process dies, the file is the result.
//
// Import order on purpose: @nestjs/common, then the library, then @nestjs/core (through app.mjs), so
// the library's require('@nestjs/core') meets it linked but not evaluated, as in an app whose main
// file imports its module before NestFactory. Node 22.15-22.16 and 24.0 fail there (docs/compatibility.md).
import { Controller, Get, Logger, Param } from '@nestjs/common';
import { RotatingFileTarget } from 'nestjs-incident-logger';
import { bootstrap, fail, get, route } from './app.mjs';

class SyncController {
  logger = new Logger('SyncController');
  sync(id) {
    this.logger.debug(`sync of order ${id} started`);
    setTimeout(() => {
      this.logger.debug(`sync of order ${id}: in a timer`);
      throw new Error('sync worker exploded');
    }, 1);
    return 'accepted';
  }
}
Controller('orders')(SyncController);
route(Get(':id/sync'), SyncController, 'sync');
Param('id')(SyncController.prototype, 'sync', 0);

async function main() {
  const [platform, file] = process.argv.slice(2);
  const { url } = await bootstrap(platform, {
    incidentOptions: { targets: [new RotatingFileTarget({ filename: file, format: 'json' })] },
    controllers: [SyncController],
  });
  new Logger('Bootstrap').debug('global line before the crash');
  await get(`${url}/orders/1/sync`);
  // The app stays up: the timer's exception ends the process.
}
main().catch(fail);
