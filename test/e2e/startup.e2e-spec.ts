import { Controller, Get, INestApplication, Logger, Module } from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import {
  ConsoleTarget,
  IncidentBuffer,
  IncidentLogger,
  IncidentLoggerModule,
  IncidentLoggerModuleOptions,
  RotatingFileTarget,
} from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { removeDir, tempDir } from '../utils/rotating-file.helpers';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';
import { until } from '../utils/until';
import { captureStderr, PREFIX } from '../utils/capture-stderr';

@Controller()
class PingController {
  @Get('ping')
  ping() {
    new Logger('Ping').debug('pong');
    return 'ok';
  }
}

describe.each(PLATFORMS)('startup notice on %s', (platform) => {
  let t: TestApp | undefined;
  let stderr: ReturnType<typeof captureStderr>;
  beforeEach(() => (stderr = captureStderr()));
  afterEach(async () => {
    await t?.close();
    t = undefined;
    stderr.stop();
  });

  it('says once, on stderr, that the module is active, what it keeps, its flush level and its targets', async () => {
    const dir = tempDir();
    try {
      const file = new RotatingFileTarget({ filename: `${dir}/incidents.log` });
      @Module({
        imports: [IncidentLoggerModule.forRoot({ bufferSize: 12, targets: [new MemoryTarget(), file] })],
        controllers: [PingController],
      })
      class AppModule {}
      t = await startApp(AppModule, platform);
      expect(stderr.lines()).toEqual([
        `${PREFIX} active: keeps the last 12 verbose/debug/log records of each request, silently; a record at warn or above writes them as one ` +
          `incident to MemoryTarget, RotatingFileTarget (${dir}/incidents.log). (startupNotice: false hides this line)`,
      ]);
    } finally {
      await t?.close();
      t = undefined;
      removeDir(dir);
    }
  });

  it('names the default ConsoleTarget, and follows flushLevel and logLevels', async () => {
    @Module({ imports: [IncidentLoggerModule.forRoot({ flushLevel: 'error', logLevels: ['debug'] })] })
    class AppModule {}
    t = await startApp(AppModule, platform);
    expect(stderr.lines()).toEqual([
      `${PREFIX} active: keeps the last 30 debug/log/warn records of each request, silently; a record at error or above writes them as one ` +
        'incident to ConsoleTarget (stderr). (startupNotice: false hides this line)',
    ]);
  });

  it('startupNotice: false prints nothing', async () => {
    @Module({
      imports: [IncidentLoggerModule.forRoot({ targets: [new MemoryTarget()], startupNotice: false })],
      controllers: [PingController],
    })
    class AppModule {}
    t = await startApp(AppModule, platform);
    await (await fetch(`${t.url}/ping`)).text();
    expect(stderr.lines()).toEqual([]);
  });
});

describe('not-installed warning', () => {
  let app: INestApplication | undefined;
  let stderr: ReturnType<typeof captureStderr>;
  beforeEach(() => (stderr = captureStderr()));
  afterEach(async () => {
    await app?.close();
    app = undefined;
    stderr.stop();
  });

  async function boot(options: IncidentLoggerModuleOptions, install: boolean): Promise<void> {
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [new MemoryTarget()], ...options })] })
    class AppModule {}
    app = await NestFactory.create(AppModule, new ExpressAdapter(), { logger: false });
    if (install) app.useLogger(app.get(IncidentLogger));
    await app.listen(0, '127.0.0.1');
  }

  it("warns once when Nest's logger is not IncidentLogger (useLogger forgotten)", async () => {
    await boot({}, false);
    await until(() => stderr.lines().some((line) => line.includes("Nest's logger is not IncidentLogger")), 'the warning');
    expect(stderr.lines().filter((line) => line.includes('useLogger'))).toEqual([
      `${PREFIX} Nest's logger is not IncidentLogger: records of \`new Logger()\` go to Nest's ConsoleLogger, not to the incident buffers. ` +
        'Create the app with { bufferLogs: true } and call app.useLogger(app.get(IncidentLogger)).',
    ]);
  });

  it('does not warn when the module is installed, nor when startupNotice is false', async () => {
    await boot({}, true);
    await app!.close();
    app = undefined;
    await boot({ startupNotice: false }, false);
    // The check runs 1 s after bootstrap: wait past it, then nothing may have been said.
    await new Promise((resolve) => setTimeout(resolve, 1300));
    expect(stderr.lines().filter((line) => line.includes('not IncidentLogger'))).toEqual([]);
  });

  it('does not warn for a standalone context that installs the logger right after create()', async () => {
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [new MemoryTarget()] })] })
    class ContextModule {}
    const context = await NestFactory.createApplicationContext(ContextModule, { bufferLogs: true });
    context.useLogger(context.get(IncidentLogger));
    await new Promise((resolve) => setTimeout(resolve, 1300));
    await context.close();
    expect(stderr.lines().filter((line) => line.includes('not IncidentLogger'))).toEqual([]);
  });
});

describe("the README's forRootAsync example, with its variable set", () => {
  const previous = process.env.LOG_BUFFER_SIZE;
  afterEach(() => {
    if (previous === undefined) delete process.env.LOG_BUFFER_SIZE;
    else process.env.LOG_BUFFER_SIZE = previous;
  });

  it('LOG_BUFFER_SIZE=5 (a string from ConfigService) sets bufferSize 5', async () => {
    process.env.LOG_BUFFER_SIZE = '5';
    const written: string[] = [];
    const stream = { write: (chunk: string) => written.push(chunk) };
    // As in the README, with the console stream captured.
    @Module({
      imports: [
        ConfigModule.forRoot(),
        IncidentLoggerModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            bufferSize: config.get('LOG_BUFFER_SIZE', 30),
            targets: [new ConsoleTarget({ format: 'json', stream })],
            startupNotice: false,
          }),
        }),
      ],
    })
    class AppModule {}
    const app = await NestFactory.createApplicationContext(AppModule, { bufferLogs: true });
    try {
      const logger = app.get(IncidentLogger);
      app.useLogger(logger);
      app.get(IncidentBuffer).clear();
      for (let i = 1; i <= 8; i++) logger.debug(`step ${i}`);
      logger.error('failed');
      const lines = written
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { message?: string });
      expect(lines.slice(1).map((line) => line.message)).toEqual(['step 4', 'step 5', 'step 6', 'step 7', 'step 8', 'failed']);
    } finally {
      await app.close();
    }
  });
});
