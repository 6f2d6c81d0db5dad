import { Controller, Get, Inject, Injectable, Logger, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import {
  Incident,
  IncidentBuffer,
  IncidentLogger,
  IncidentLoggerModule,
  IncidentLoggerModuleOptions,
  IncidentScopeMiddleware,
  IncidentTarget,
} from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

@Controller()
class FailController {
  private readonly logger = new Logger('Fail');
  constructor(private readonly buffer: IncidentBuffer) {}

  @Get('fail')
  fail() {
    this.logger.debug('inside');
    this.logger.error('failed');
    return 'ok';
  }

  @Get('peek')
  peek() {
    this.logger.debug('peeked line');
    return { request: this.buffer.request, records: this.buffer.snapshot().map((r) => r.message) };
  }
}

describe.each(PLATFORMS)('module wiring on %s', (platform) => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('imported twice (forRoot in two modules): one scope per request, each record once', async () => {
    const target = new MemoryTarget();
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target], bufferSize: 5 })] })
    class FeatureModule {}
    @Module({
      imports: [IncidentLoggerModule.forRoot({ targets: [target], bufferSize: 5 }), FeatureModule],
      controllers: [FailController],
    })
    class AppModule {}
    t = await startApp(AppModule, platform);
    await (await fetch(`${t.url}/fail`)).text();
    expect(target.incidents).toHaveLength(1);
    expect(target.messages()).toEqual(['inside', 'failed']);
  });

  it('records outside any request go to the global buffer, apart from requests', async () => {
    const target = new MemoryTarget();
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target] })], controllers: [FailController] })
    class AppModule {}
    t = await startApp(AppModule, platform);
    // Boot lines replayed by bufferLogs are in the global buffer, not printed.
    // Outside a request, IncidentBuffer is the global buffer.
    const globalBuffer = t.app.get(IncidentBuffer);
    expect(globalBuffer.snapshot().some((r) => r.message.includes('Nest application successfully started'))).toBe(true);
    globalBuffer.clear();
    const timerLogger = new Logger('Timer');
    await new Promise<void>((resolve) =>
      setTimeout(() => {
        timerLogger.debug('cron tick');
        resolve();
      }, 1),
    );
    await (await fetch(`${t.url}/fail`)).text();
    expect(target.messages()).toEqual(['inside', 'failed']);
    timerLogger.warn('cron slow');
    expect(target.incidents[1].scope).toBe('global');
    expect(target.incidents[1].request).toBeUndefined();
    expect(target.messages(1)).toEqual(['cron tick', 'cron slow']);
  });

  it('mounts on every route with a global prefix, without a LegacyRouteConverter warning', async () => {
    const target = new MemoryTarget();
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target] })], controllers: [FailController] })
    class AppModule {}
    t = await startApp(AppModule, platform, true, (app) => app.setGlobalPrefix('api'));
    await (await fetch(`${t.url}/api/fail`)).text();
    expect(target.messages()).toEqual(['inside', 'failed']);
    expect(target.incidents[0].request?.url).toBe('/api/fail');
    // Nest logs route warnings through the logger: they would sit in the global buffer.
    const boot = t.app
      .get(IncidentBuffer)
      .snapshot()
      .map((r) => r.message)
      .join('\n');
    expect(boot).toContain('Mapped {/api/fail, GET} route');
    expect(boot).not.toMatch(/LegacyRouteConverter|Unsupported route path/);
  });

  it('IncidentBuffer (a singleton) sees the current request buffer and request id', async () => {
    const target = new MemoryTarget();
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target] })], controllers: [FailController] })
    class AppModule {}
    t = await startApp(AppModule, platform);
    const res = await fetch(`${t.url}/peek`, { headers: { 'x-request-id': 'peek-1' } });
    expect(await res.json()).toEqual({ request: { id: 'peek-1', kind: 'http', method: 'GET', url: '/peek' }, records: ['peeked line'] });
  });

  it('mountMiddleware: false lets the app mount IncidentScopeMiddleware itself, in its own module', async () => {
    const target = new MemoryTarget();
    @Module({
      imports: [IncidentLoggerModule.forRoot({ targets: [target], mountMiddleware: false, setResponseHeader: true })],
      controllers: [FailController],
    })
    class AppModule implements NestModule {
      configure(consumer: MiddlewareConsumer) {
        consumer.apply(IncidentScopeMiddleware).forRoutes(FailController);
      }
    }
    t = await startApp(AppModule, platform);
    const res = await fetch(`${t.url}/fail`, { headers: { 'x-request-id': 'manual-1' } });
    await res.text();
    expect(res.headers.get('x-request-id')).toBe('manual-1');
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].request).toEqual({ id: 'manual-1', kind: 'http', method: 'GET', url: '/fail' });
    expect(target.messages()).toEqual(['inside', 'failed']);
  });

  it('generates a request id when the header is missing or unsafe, and echoes it', async () => {
    const target = new MemoryTarget();
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target], setResponseHeader: true })], controllers: [FailController] })
    class AppModule {}
    t = await startApp(AppModule, platform);
    const headers: Array<Record<string, string>> = [{}, { 'x-request-id': 'id with spaces" <b>' }, { 'x-request-id': 'a'.repeat(129) }];
    for (const header of headers) {
      const res = await fetch(`${t.url}/fail`, { headers: header });
      const echoed = res.headers.get('x-request-id');
      expect(echoed).toMatch(/^[0-9a-f-]{36}$/);
      expect(target.incidents.at(-1)?.request?.id).toBe(echoed);
    }
    expect(new Set(target.incidents.map((i) => i.request?.id)).size).toBe(3);
  });
});

@Injectable()
class TargetConfig {
  readonly label = 'from-di';
}

/** A custom target service with its own dependency, resolved through Nest's DI. */
@Injectable()
class CollectingTarget implements IncidentTarget {
  static readonly seen: Array<{ label: string; incident: Incident; target: CollectingTarget }> = [];
  constructor(@Inject(TargetConfig) private readonly config: TargetConfig) {}
  write(incident: Incident): void {
    CollectingTarget.seen.push({ label: this.config.label, incident, target: this });
  }
}

@Module({ providers: [TargetConfig], exports: [TargetConfig] })
class ConfigModule {}

@Injectable()
class OptionsFactory {
  constructor(@Inject(TargetConfig) private readonly config: TargetConfig) {}
  createIncidentLoggerOptions(): IncidentLoggerModuleOptions {
    return { bufferSize: 2, targets: [CollectingTarget] };
  }
}

describe('forRootAsync and DI targets', () => {
  let t: TestApp | undefined;
  beforeEach(() => CollectingTarget.seen.splice(0));
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** The resolved bufferSize, read through the public API: how many records the global buffer keeps. */
  function bufferSizeOf(app: TestApp): number {
    const buffer = app.app.get(IncidentBuffer);
    buffer.clear();
    for (let i = 0; i < 5; i++) app.app.get(IncidentLogger).debug(`fill ${i}`);
    const kept = buffer.snapshot().length;
    buffer.clear();
    return kept;
  }

  async function run(module: any) {
    t = await startApp(module, 'express');
    await (await fetch(`${t.url}/fail`)).text();
    return CollectingTarget.seen;
  }

  it('useFactory with inject, and a target class built with its dependencies', async () => {
    @Module({
      imports: [
        ConfigModule,
        IncidentLoggerModule.forRootAsync({
          imports: [ConfigModule],
          inject: [TargetConfig],
          useFactory: async (config: TargetConfig) => ({ bufferSize: config.label ? 1 : 30, targets: [CollectingTarget] }),
        }),
      ],
      controllers: [FailController],
    })
    class AppModule {}
    const seen = await run(AppModule);
    expect(seen).toHaveLength(1);
    expect(seen[0].label).toBe('from-di');
    expect(seen[0].incident.records.map((r) => r.message)).toEqual(['inside', 'failed']);
    expect(bufferSizeOf(t!)).toBe(1);
  });

  it('useClass', async () => {
    @Module({
      imports: [IncidentLoggerModule.forRootAsync({ imports: [ConfigModule], useClass: OptionsFactory })],
      controllers: [FailController],
    })
    class AppModule {}
    expect(await run(AppModule)).toHaveLength(1);
    expect(bufferSizeOf(t!)).toBe(2);
  });

  it('useExisting reuses a provider, and an existing target provider is reused, not re-created', async () => {
    @Module({ imports: [ConfigModule], providers: [OptionsFactory, CollectingTarget], exports: [OptionsFactory, CollectingTarget] })
    class OptionsModule {}
    @Module({
      imports: [OptionsModule, IncidentLoggerModule.forRootAsync({ imports: [OptionsModule], useExisting: OptionsFactory })],
      controllers: [FailController],
    })
    class AppModule {}
    t = await startApp(AppModule, 'express');
    expect(bufferSizeOf(t)).toBe(2);
    await (await fetch(`${t.url}/fail`)).text();
    expect(CollectingTarget.seen).toHaveLength(1);
    expect(CollectingTarget.seen[0].target).toBe(t.app.get(CollectingTarget));
  });

  it('rejects bad options at startup with a clear message', async () => {
    @Module({ imports: [IncidentLoggerModule.forRoot({ bufferSize: 0 })] })
    class BadModule {}
    await expect(startApp(BadModule, 'express', false)).rejects.toThrow(
      'IncidentLoggerModule: bufferSize must be a positive integer; got 0 (number)',
    );
  });
});
