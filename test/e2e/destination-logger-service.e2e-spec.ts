import { ConsoleLogger, Controller, Get, Logger as NestLogger, LoggerService, Module, Type } from '@nestjs/common';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Logger as PinoNestLogger, LoggerModule } from 'nestjs-pino';
import { WINSTON_MODULE_NEST_PROVIDER, WinstonModule } from 'nest-winston';
import pino from 'pino';
import * as winston from 'winston';
import { IncidentLoggerModule, LoggerServiceTarget } from '../../lib';
import { captureStderr } from '../utils/capture-stderr';
import { readJsonLines, waitForJsonLine } from '../utils/json-lines';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

// LoggerServiceTarget with each real delegate, in real apps over real HTTP:
// nestjs-pino's Logger (pino writing to a file), nest-winston's WinstonLogger
// (a winston File transport), Nest 11's ConsoleLogger({ json: true }) (its
// process.stdout writes captured). What the library wrote is parsed.

let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'incident-delegate-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

@Controller()
class OrdersController {
  private readonly logger = new NestLogger('Orders');

  @Get('fail')
  async fail() {
    this.logger.debug('acquiring a connection');
    await new Promise((resolve) => setTimeout(resolve, 30));
    this.logger.error(new TypeError('pool exhausted'));
    return 'answered';
  }
}

/** The incident module with the delegate the app provides (`inject`), as a user writes it. */
function withDelegate(
  token: unknown,
  imports: Array<Type<unknown> | ReturnType<typeof LoggerModule.forRoot>>,
  memory: MemoryTarget,
  level?: 'trigger',
) {
  @Module({
    imports: [
      ...imports,
      IncidentLoggerModule.forRootAsync({
        inject: [token as Type<LoggerService>],
        useFactory: (delegate: LoggerService) => ({ targets: [new LoggerServiceTarget(delegate, level ? { level } : {}), memory] }),
      }),
    ],
    controllers: [OrdersController],
  })
  class AppModule {}
  return AppModule;
}

describe.each(PLATFORMS)('LoggerServiceTarget with real delegates (%s)', (platform) => {
  let app: TestApp | undefined;
  afterEach(async () => {
    await app?.close();
    app = undefined;
    require('nestjs-pino/PinoLogger').__resetOutOfContextForTests();
  });

  it("nestjs-pino's Logger: pino lines at the records' levels with the ids as fields, msg as pino's message", async () => {
    const file = path.join(dir, `${platform}-nestjs-pino.log`);
    const memory = new MemoryTarget();
    const logger = pino({ level: 'trace' }, pino.destination({ dest: file, sync: true }));
    app = await startApp(withDelegate(PinoNestLogger, [LoggerModule.forRoot({ pinoHttp: { logger } })], memory), platform);
    await (await fetch(`${app.url}/fail`)).text();
    const lines = await waitForJsonLine(file, (line) => line.incidentId !== undefined && line.trigger === true);
    const incident = memory.incidents[0];
    const replayed = lines.filter((line) => line.incidentId !== undefined);
    expect(replayed.map((line) => [line.level, line.msg, line.context])).toEqual([
      [20, 'acquiring a connection', 'Orders'],
      [50, 'pool exhausted', 'Orders'],
    ]);
    for (const line of replayed) {
      expect(line).toMatchObject({ incidentId: incident.id, requestId: incident.request!.id, reason: 'level' });
    }
    // pino stamps the time of writing; the record's own time is loggedAt.
    expect(replayed.map((line) => Date.parse(line.loggedAt))).toEqual(incident.records.map((record) => record.timestamp));
    expect(replayed[1].stack).toMatch(/^TypeError: pool exhausted\n\s+at /);
    expect(replayed[1].data).toEqual({ name: 'TypeError' });
    // Written inside nestjs-pino's request context: its request binding rides along.
    expect(replayed[0].req?.url).toBe('/fail');
  });

  it("nest-winston's WinstonLogger: winston entries with the ids in the meta", async () => {
    const file = path.join(dir, `${platform}-winston.log`);
    const memory = new MemoryTarget();
    const winstonModule = WinstonModule.forRoot({
      level: 'silly',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [new winston.transports.File({ filename: file })],
    });
    app = await startApp(withDelegate(WINSTON_MODULE_NEST_PROVIDER, [winstonModule as any], memory), platform);
    await (await fetch(`${app.url}/fail`)).text();
    const lines = await waitForJsonLine(file, (line) => line.trigger === true);
    const incident = memory.incidents[0];
    const replayed = lines.filter((line) => line.incidentId !== undefined);
    expect(replayed.map((line) => [line.level, line.message, line.context])).toEqual([
      ['debug', 'acquiring a connection', 'Orders'],
      ['error', 'pool exhausted', 'Orders'],
    ]);
    for (const line of replayed) {
      expect(line).toMatchObject({ incidentId: incident.id, requestId: incident.request!.id, reason: 'level' });
    }
    expect(replayed.map((line) => Date.parse(line.loggedAt))).toEqual(incident.records.map((record) => record.timestamp));
    expect(replayed[1].stack).toMatch(/^TypeError: pool exhausted\n\s+at /);
    expect(replayed[0].stack).toBeUndefined(); // not nest-winston's `[context]` from a misread argument
  });

  it('ConsoleLogger({ json: true }): one JSON line per record, the fields in its message object', async () => {
    const memory = new MemoryTarget();
    const delegate = new ConsoleLogger({ json: true });
    @Module({
      imports: [IncidentLoggerModule.forRoot({ targets: [new LoggerServiceTarget(delegate), memory] })],
      controllers: [OrdersController],
    })
    class AppModule {}
    app = await startApp(AppModule, platform);
    const chunks: string[] = [];
    const stdout = process.stdout.write.bind(process.stdout);
    const stderr = process.stderr.write.bind(process.stderr);
    process.stdout.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stdout.write;
    process.stderr.write = ((chunk: string) => (chunks.push(String(chunk)), true)) as typeof process.stderr.write;
    try {
      await (await fetch(`${app.url}/fail`)).text();
    } finally {
      process.stdout.write = stdout;
      process.stderr.write = stderr;
    }
    const incident = memory.incidents[0];
    const replayed = chunks
      .join('')
      .split('\n')
      .filter((line) => line.includes('"incidentId"'))
      .map((line) => JSON.parse(line));
    expect(replayed.map((line) => [line.level, line.context, line.message.message])).toEqual([
      ['debug', 'Orders', 'acquiring a connection'],
      ['error', 'Orders', 'pool exhausted'],
    ]);
    for (const line of replayed) {
      expect(line.message).toMatchObject({ incidentId: incident.id, requestId: incident.request!.id, reason: 'level' });
    }
    expect(replayed[1].message.stack).toMatch(/^TypeError: pool exhausted\n\s+at /);
  });

  it("level: 'trigger' writes the window at the trigger's level, past a delegate set to info", async () => {
    const file = path.join(dir, `${platform}-trigger.log`);
    const memory = new MemoryTarget();
    const logger = pino({ level: 'info' }, pino.destination({ dest: file, sync: true }));
    app = await startApp(withDelegate(PinoNestLogger, [LoggerModule.forRoot({ pinoHttp: { logger } })], memory, 'trigger'), platform);
    await (await fetch(`${app.url}/fail`)).text();
    const replayed = readJsonLines(file).filter((line) => line.incidentId !== undefined);
    expect(replayed.map((line) => [line.level, line.recordLevel, line.msg])).toEqual([
      [50, 'debug', 'acquiring a connection'],
      [50, undefined, 'pool exhausted'],
    ]);
  });

  it('warns once on stderr when the delegate drops the debug records', async () => {
    const file = path.join(dir, `${platform}-dropped.log`);
    const memory = new MemoryTarget();
    const logger = pino({ level: 'info' }, pino.destination({ dest: file, sync: true }));
    app = await startApp(withDelegate(PinoNestLogger, [LoggerModule.forRoot({ pinoHttp: { logger } })], memory), platform);
    const stderr = captureStderr();
    try {
      await (await fetch(`${app.url}/fail`)).text();
      await (await fetch(`${app.url}/fail`)).text();
    } finally {
      stderr.stop();
    }
    const warnings = stderr.lines().filter((line) => line.includes('LoggerServiceTarget'));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('drops debug lines');
    const replayed = readJsonLines(file).filter((line) => line.incidentId !== undefined);
    expect(replayed.map((line) => line.level)).toEqual([50, 50]); // the debug lines pino dropped
  });
});
