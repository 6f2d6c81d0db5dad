import { ConsoleLogger, Controller, Get, Global, Inject, Injectable, Logger, Module, OnModuleInit, Optional, Type } from '@nestjs/common';
import { Incident, IncidentLogger, IncidentLoggerModule, IncidentTarget } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

/** An app service a target wants to use: keeps what it was asked to send; usable once initialised. */
@Injectable()
class Notifier implements OnModuleInit {
  readonly sent: Incident[] = [];
  sentBeforeInit = 0;
  private initialised = false;
  onModuleInit(): void {
    this.initialised = true;
  }
  notify(incident: Incident): void {
    if (!this.initialised) this.sentBeforeInit++;
    this.sent.push(incident);
  }
}

/** The common case: an @Injectable() target class whose dependency is a provider of the app. */
@Injectable()
class NotifierTarget implements IncidentTarget {
  constructor(private readonly notifier: Notifier) {}
  write(incident: Incident): void {
    this.notifier.notify(incident);
  }
}

const MAILER = 'MAILER';
const CHANNEL = Symbol('CHANNEL');
interface Mailer {
  sent: string[];
}

/** Dependencies injected by string and symbol tokens (`useValue` providers of the app). */
@Injectable()
class MailerTarget implements IncidentTarget {
  constructor(
    @Inject(MAILER) private readonly mailer: Mailer,
    @Inject(CHANNEL) private readonly channel: string,
  ) {}
  write(incident: Incident): void {
    this.mailer.sent.push(`${this.channel}: ${incident.trigger?.message}`);
  }
}

/** One dependency nobody provides, marked @Optional(), next to one the app provides. */
@Injectable()
class PagerTarget implements IncidentTarget {
  static readonly pagers: unknown[] = [];
  constructor(
    private readonly notifier: Notifier,
    @Optional() @Inject('PAGER') private readonly pager?: { page(text: string): void },
  ) {}
  write(incident: Incident): void {
    PagerTarget.pagers.push(this.pager);
    this.notifier.notify(incident);
  }
}

/** A dependency injected on a property rather than the constructor. */
@Injectable()
class PropertyTarget implements IncidentTarget {
  @Inject(Notifier) private readonly notifier!: Notifier;
  write(incident: Incident): void {
    this.notifier.notify(incident);
  }
}

/** No dependencies, and not even @Injectable(). */
class PlainTarget implements IncidentTarget {
  static readonly written: Incident[] = [];
  write(incident: Incident): void {
    PlainTarget.written.push(incident);
  }
}

/** A provider that logs an error while it is constructed (before any target class can exist), and one when it is initialised. */
@Injectable()
class WarmUp implements OnModuleInit {
  constructor(private readonly logger: IncidentLogger) {
    logger.debug('warming up');
    logger.error('warm-up failed');
  }
  onModuleInit(): void {
    this.logger.warn('cache cold');
  }
}

@Controller()
class FailController {
  private readonly logger = new Logger('Fail');

  @Get('fail')
  fail() {
    this.logger.debug('inside');
    this.logger.error('failed');
    return 'ok';
  }
}

@Module({ providers: [Notifier], exports: [Notifier] })
class NotifierModule {}

@Global()
@Module({ providers: [Notifier], exports: [Notifier] })
class GlobalNotifierModule {}

const messagesOf = (incidents: Incident[]) => incidents.map((incident) => incident.records.map((record) => record.message));

describe.each(PLATFORMS)('target classes resolved through DI on %s', (platform) => {
  let t: TestApp | undefined;
  beforeEach(() => {
    PagerTarget.pagers.splice(0);
    PlainTarget.written.splice(0);
  });
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  /** Boots `imports` + `providers` with the failing controller and sends one failing request. */
  async function failOnce(metadata: { imports?: any[]; providers?: any[] }): Promise<TestApp> {
    @Module({ ...metadata, controllers: [FailController] })
    class AppModule {}
    t = await startApp(AppModule, platform, false);
    await (await fetch(`${t.url}/fail`)).text();
    return t;
  }

  it('a dependency provided by the app module', async () => {
    const app = await failOnce({ imports: [IncidentLoggerModule.forRoot({ targets: [NotifierTarget] })], providers: [Notifier] });
    expect(messagesOf(app.app.get(Notifier).sent)).toEqual([['inside', 'failed']]);
  });

  it('a dependency exported by a module the app imports', async () => {
    const app = await failOnce({ imports: [NotifierModule, IncidentLoggerModule.forRoot({ targets: [NotifierTarget] })] });
    expect(messagesOf(app.app.get(Notifier).sent)).toEqual([['inside', 'failed']]);
  });

  it('a dependency exported by a global module', async () => {
    const app = await failOnce({ imports: [GlobalNotifierModule, IncidentLoggerModule.forRoot({ targets: [NotifierTarget] })] });
    expect(messagesOf(app.app.get(Notifier).sent)).toEqual([['inside', 'failed']]);
  });

  it('dependencies injected with @Inject(token): string and symbol tokens of useValue providers', async () => {
    const mailer: Mailer = { sent: [] };
    await failOnce({
      imports: [IncidentLoggerModule.forRoot({ targets: [MailerTarget] })],
      providers: [
        { provide: MAILER, useValue: mailer },
        { provide: CHANNEL, useValue: '#ops' },
      ],
    });
    expect(mailer.sent).toEqual(['#ops: failed']);
  });

  it('an @Optional() dependency nobody provides is undefined; the other one comes from the app', async () => {
    const app = await failOnce({ imports: [IncidentLoggerModule.forRoot({ targets: [PagerTarget] })], providers: [Notifier] });
    expect(messagesOf(app.app.get(Notifier).sent)).toEqual([['inside', 'failed']]);
    expect(PagerTarget.pagers).toEqual([undefined]);
  });

  it('a dependency injected on a property', async () => {
    const app = await failOnce({ imports: [NotifierModule, IncidentLoggerModule.forRoot({ targets: [PropertyTarget] })] });
    expect(messagesOf(app.app.get(Notifier).sent)).toEqual([['inside', 'failed']]);
  });

  it('a target class without dependencies (and without @Injectable())', async () => {
    await failOnce({ imports: [IncidentLoggerModule.forRoot({ targets: [PlainTarget] })] });
    expect(messagesOf(PlainTarget.written)).toEqual([['inside', 'failed']]);
  });

  it('incidents raised while providers are constructed and initialised reach the class target once its dependency is initialised', async () => {
    const memory = new MemoryTarget();
    const app = await failOnce({
      imports: [IncidentLoggerModule.forRoot({ targets: [memory, NotifierTarget] })],
      providers: [Notifier, WarmUp],
    });
    const sent = app.app.get(Notifier).sent;
    expect(messagesOf(sent)).toEqual([['warming up', 'warm-up failed'], ['cache cold'], ['inside', 'failed']]);
    // The same incidents (same ids) as the instance target got at once, in the same order.
    expect(sent).toEqual(memory.incidents);
    expect(sent[0]).toBe(memory.incidents[0]);
    // Never written through the Notifier before its onModuleInit ran.
    expect(app.app.get(Notifier).sentBeforeInit).toBe(0);
  });

  it('a dependency nobody provides fails at startup, naming the option, the class and the token', async () => {
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [new MemoryTarget(), NotifierTarget] })], controllers: [FailController] })
    class AppModule {}
    const error = await startApp(AppModule as Type<unknown>, platform, false).then(
      async (started) => {
        await started.close();
        return undefined;
      },
      (thrown: unknown) => thrown as Error,
    );
    // startApp installed the logger before listen() failed: restore Nest's.
    Logger.overrideLogger(new ConsoleLogger());
    expect(error?.message).toBe(
      'IncidentLoggerModule: targets[1] (NotifierTarget) cannot be created: nothing in the application provides Notifier ' +
        '(constructor parameter [0]). Add Notifier to the providers of a module of the application (for example the module ' +
        'that imports IncidentLoggerModule), or mark that parameter @Optional().',
    );
  });
});
