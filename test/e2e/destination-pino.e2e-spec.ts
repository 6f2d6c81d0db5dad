import { Controller, Get, INestApplication, Logger, Module, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { IncomingMessage } from 'node:http';
import { pinoHttp } from 'pino-http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LoggerModule } from 'nestjs-pino';
import pino from 'pino';
import { IncidentBuffer, IncidentLogger, IncidentLoggerModule, incidentRequestId, PinoTarget } from '../../lib';
import { readJsonLines, waitForJsonLine } from '../utils/json-lines';
import { MemoryTarget } from '../utils/memory.target';
import { Platform, PLATFORMS } from '../utils/test-app';

// PinoTarget against the real pino, next to the real nestjs-pino/pino-http, in
// real apps: what pino wrote to a real file is parsed and checked.

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'incident-pino-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Whether genReqId found the request's scope already open (this module's middleware ran first). */
const scopeOpenAtGenReqId: boolean[] = [];
let currentBuffer: IncidentBuffer | undefined;

@Controller()
class OrdersController {
  private readonly logger = new Logger('Orders');

  @Get('fail')
  async fail() {
    this.logger.verbose('loading the order');
    this.logger.debug('acquiring a connection');
    // Records logged well before the incident is written: their pino time must be theirs.
    await new Promise((resolve) => setTimeout(resolve, 40));
    this.logger.error(new TypeError('pool exhausted'));
    return 'answered';
  }

  @Get('ok')
  ok() {
    this.logger.debug('fine');
    return 'ok';
  }
}

/**
 * - `incident-first` / `pino-first`: the import order of the two modules.
 * - `app-use`: pino-http mounted with `app.use()`, before every module middleware
 *   (Express), so pino-http asks for the id before the scope exists.
 */
type Order = 'incident-first' | 'pino-first' | 'app-use';

/** Records whether the incident's scope was open when an id was asked for, then asks. */
function probedRequestId(req: IncomingMessage): string {
  scopeOpenAtGenReqId.push(currentBuffer?.request !== undefined);
  return incidentRequestId(req);
}

function appModule(logger: pino.Logger, order: Order, memory: MemoryTarget): Type<unknown> {
  const incident = IncidentLoggerModule.forRoot({ targets: [new PinoTarget(logger), memory] });
  const pinoModule = LoggerModule.forRoot({ pinoHttp: { logger, genReqId: probedRequestId } });
  const imports = order === 'incident-first' ? [incident, pinoModule] : order === 'pino-first' ? [pinoModule, incident] : [incident];
  @Module({ imports, controllers: [OrdersController] })
  class AppModule {}
  return AppModule;
}

interface Started {
  app: INestApplication;
  url: string;
}

/**
 * The recipe: `incidentRequestId` as pino-http's `genReqId` and, on Fastify,
 * as the adapter's `genReqId` (middie hands pino-http a request whose `id` is
 * Fastify's, and pino-http keeps an existing `req.id`).
 */
async function startWith(platform: Platform, module: Type<unknown>, configure: (app: INestApplication) => void): Promise<Started> {
  const adapter = platform === 'fastify' ? new FastifyAdapter({ genReqId: probedRequestId }) : new ExpressAdapter();
  const app = await NestFactory.create(module, adapter as any, { bufferLogs: true, forceCloseConnections: true });
  app.useLogger(app.get(IncidentLogger));
  configure(app);
  await app.listen(0, '127.0.0.1');
  return { app, url: (await app.getUrl()).replace('[::1]', '127.0.0.1') };
}

describe.each(PLATFORMS)('PinoTarget and incidentRequestId with nestjs-pino (%s)', (platform) => {
  let app: Started | undefined;
  afterEach(async () => {
    await app?.app.close();
    app = undefined;
    currentBuffer = undefined;
    scopeOpenAtGenReqId.length = 0;
    require('nestjs-pino/PinoLogger').__resetOutOfContextForTests();
  });

  async function start(order: Order, name: string) {
    const file = path.join(dir, `${platform}-${order}-${name}.log`);
    const memory = new MemoryTarget();
    const logger = pino({ level: 'info' }, pino.destination({ dest: file, sync: true }));
    app = await startWith(platform, appModule(logger, order, memory), (nest) => {
      if (order === 'app-use') nest.use(pinoHttp({ logger, genReqId: probedRequestId }));
    });
    currentBuffer = app.app.get(IncidentBuffer);
    return { file, memory };
  }

  const orders: Order[] = platform === 'express' ? ['incident-first', 'pino-first', 'app-use'] : ['incident-first', 'pino-first'];

  it.each(orders)(
    'writes the records at their pino levels and times, with the ids, and pino-http logs the same request id (%s)',
    async (order) => {
      const { file, memory } = await start(order, 'fail');
      const res = await fetch(`${app!.url}/fail`);
      expect(await res.text()).toBe('answered');
      const lines = await waitForJsonLine(file, (line) => line.msg === 'request completed' && line.req?.url === '/fail');

      // Which path gave the id: the open scope's (Express, either import order: Nest
      // runs this module's middleware before nestjs-pino's), or one settled before
      // the scope opened (Fastify's genReqId, pino-http mounted with app.use).
      expect(scopeOpenAtGenReqId).toEqual([platform === 'express' && order !== 'app-use']);

      const incident = memory.incidents[0];
      const replayed = lines.filter((line) => line.incidentId !== undefined);
      expect(replayed.map((line) => [line.level, line.msg])).toEqual([
        [10, 'loading the order'],
        [20, 'acquiring a connection'],
        [50, 'pool exhausted'],
      ]);
      // The time each record was logged (the engine's capture), not the time of writing.
      expect(replayed.map((line) => line.time)).toEqual(incident.records.map((record) => record.timestamp));
      expect(replayed[2].time - replayed[1].time).toBeGreaterThanOrEqual(35);
      for (const line of replayed) {
        expect(line).toMatchObject({ incidentId: incident.id, requestId: incident.request!.id, reason: 'level', context: 'Orders' });
      }
      expect(replayed[2].trigger).toBe(true);
      expect(replayed[2].err).toMatchObject({ type: 'TypeError', message: 'pool exhausted' });
      expect(replayed[2].err.stack).toMatch(/^TypeError: pool exhausted\n\s+at /);

      // pino-http's req.id is the incident's request id.
      const completed = lines.find((line) => line.msg === 'request completed')!;
      expect(completed.req.id).toBe(incident.request!.id);
      expect(typeof completed.req.id).toBe('string');
    },
  );

  it.each(orders)('keeps a valid incoming x-request-id for both (%s)', async (order) => {
    const { file, memory } = await start(order, 'header');
    await (await fetch(`${app!.url}/fail`, { headers: { 'x-request-id': 'from-the-gateway-42' } })).text();
    const lines = await waitForJsonLine(file, (line) => line.msg === 'request completed');
    expect(memory.incidents[0].request!.id).toBe('from-the-gateway-42');
    expect(lines.find((line) => line.msg === 'request completed')!.req.id).toBe('from-the-gateway-42');
    expect(lines.filter((line) => line.incidentId !== undefined).every((line) => line.requestId === 'from-the-gateway-42')).toBe(true);
  });

  it.each(orders)('gives concurrent requests distinct ids that match (%s)', async (order) => {
    const { file, memory } = await start(order, 'concurrent');
    await Promise.all(Array.from({ length: 6 }, () => fetch(`${app!.url}/fail`).then((res) => res.text())));
    const lines = await waitForJsonLine(
      file,
      (l) => l.msg === 'request completed' && readJsonLines(file).filter((x) => x.msg === 'request completed').length === 6,
    );
    const pinoIds = lines
      .filter((line) => line.msg === 'request completed')
      .map((line) => line.req.id)
      .sort();
    const incidentIds = memory.incidents.map((incident) => incident.request!.id).sort();
    expect(new Set(pinoIds).size).toBe(6);
    expect(pinoIds).toEqual(incidentIds);
  });

  it('writes nothing for a request without an incident', async () => {
    const { file } = await start('pino-first', 'ok');
    await (await fetch(`${app!.url}/ok`)).text();
    const lines = await waitForJsonLine(file, (line) => line.msg === 'request completed');
    expect(lines.filter((line) => line.incidentId !== undefined)).toEqual([]);
  });
});
