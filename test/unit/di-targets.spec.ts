import { ConsoleLogger, forwardRef, Inject, Injectable, Logger, Module, Scope, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Incident, IncidentBuffer, IncidentLogger, IncidentLoggerModule, IncidentLoggerModuleOptions, IncidentTarget } from '../../lib';

@Injectable()
class Notifier {
  readonly sent: Incident[] = [];
}

/** Two dependencies nobody provides: a class in the constructor, a string token on a property. */
@Injectable()
class TwoMissingTarget implements IncidentTarget {
  @Inject('PAGER') private readonly pager!: unknown;
  constructor(private readonly notifier: Notifier) {}
  write(): void {}
}

interface Settings {
  channel: string;
}

/** A parameter typed by an interface: TypeScript emits `Object`, which nothing provides. */
@Injectable()
class InterfaceTarget implements IncidentTarget {
  constructor(private readonly settings: Settings) {}
  write(): void {}
}

/** The module's own providers are injectable too (this was a dependency cycle when targets were built in a factory). */
@Injectable()
class BufferTarget implements IncidentTarget {
  static readonly seen: Array<{ buffer: IncidentBuffer; incident: Incident }> = [];
  constructor(private readonly buffer: IncidentBuffer) {}
  write(incident: Incident): void {
    BufferTarget.seen.push({ buffer: this.buffer, incident });
  }
}

@Injectable({ scope: Scope.TRANSIENT })
class Formatter {
  static created = 0;
  constructor() {
    Formatter.created++;
  }
}

/** A singleton through forwardRef(), and a transient dependency (an instance of its own). */
@Injectable()
class MixedTarget implements IncidentTarget {
  static instance: MixedTarget | undefined;
  constructor(
    @Inject(forwardRef(() => Notifier)) readonly notifier: Notifier,
    readonly formatter: Formatter,
  ) {
    MixedTarget.instance = this;
  }
  write(incident: Incident): void {
    this.notifier.sent.push(incident);
  }
}

@Injectable()
class ThrowingTarget implements IncidentTarget {
  constructor(notifier: Notifier) {
    if (notifier) throw new Error('no channel configured');
  }
  write(): void {}
}

/**
 * A target the app registers itself, in a module IncidentLoggerModule does not
 * import, built after IncidentLoggerModule's providers (it waits for an async
 * factory): until then Nest holds a bare prototype for it.
 */
@Injectable()
class RegisteredTarget implements IncidentTarget {
  readonly incidents: Incident[] = [];
  constructor(
    readonly notifier: Notifier,
    @Inject('SLOW') readonly slow: number,
  ) {}
  write(incident: Incident): void {
    this.incidents.push(incident);
  }
}

@Module({
  providers: [
    Notifier,
    RegisteredTarget,
    { provide: 'SLOW', useFactory: () => new Promise<number>((resolve) => setTimeout(() => resolve(1), 20)) },
  ],
  exports: [Notifier, RegisteredTarget],
})
class RegisteredModule {}

async function boot(options: IncidentLoggerModuleOptions, metadata: { imports?: any[]; providers?: any[] } = {}) {
  @Module({ ...metadata, imports: [IncidentLoggerModule.forRoot(options), ...(metadata.imports ?? [])] })
  class ContextModule {}
  const app = await NestFactory.createApplicationContext(ContextModule as Type<unknown>, { logger: false, abortOnError: false });
  return app;
}

async function startupError(options: IncidentLoggerModuleOptions, metadata: { providers?: any[] } = {}): Promise<string | undefined> {
  try {
    const app = await boot(options, metadata);
    await app.close();
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

describe('target classes created through DI (application context)', () => {
  afterEach(() => Logger.overrideLogger(new ConsoleLogger()));

  it('names every dependency nobody provides, constructor and property alike, in one message', async () => {
    expect(await startupError({ targets: [TwoMissingTarget] })).toBe(
      'IncidentLoggerModule: targets[0] (TwoMissingTarget) cannot be created: nothing in the application provides ' +
        "Notifier (constructor parameter [0]), 'PAGER' (property pager). Add them to the providers of a module of the " +
        'application (for example the module that imports IncidentLoggerModule), or mark them @Optional().',
    );
  });

  it('a string token: says which provider to add; an interface-typed parameter: says to use @Inject(token)', async () => {
    @Injectable()
    class PagerTarget implements IncidentTarget {
      constructor(@Inject('PAGER') readonly pager: unknown) {}
      write(): void {}
    }
    expect(await startupError({ targets: [PagerTarget, InterfaceTarget] })).toBe(
      "IncidentLoggerModule: targets[0] (PagerTarget) cannot be created: nothing in the application provides 'PAGER' " +
        "(constructor parameter [0]). Add a provider of 'PAGER' to the providers of a module of the application (for " +
        'example the module that imports IncidentLoggerModule), or mark that parameter @Optional().\n' +
        'IncidentLoggerModule: targets[1] (InterfaceTarget) cannot be created: constructor parameter [0] is typed Object at ' +
        'runtime (an interface, a primitive, a type-only or a circular import), which is no provider: inject it with @Inject(token).',
    );
  });

  it("a target's constructor that throws fails the startup with the target's name", async () => {
    expect(await startupError({ targets: [ThrowingTarget] }, { providers: [Notifier] })).toBe(
      'IncidentLoggerModule: targets[0] (ThrowingTarget) cannot be created: its constructor threw: Error: no channel configured',
    );
  });

  it("may inject the module's own IncidentBuffer", async () => {
    BufferTarget.seen.splice(0);
    const app = await boot({ targets: [BufferTarget] });
    app.get(IncidentLogger).error('boom');
    expect(BufferTarget.seen).toHaveLength(1);
    expect(BufferTarget.seen[0].buffer).toBe(app.get(IncidentBuffer));
    await app.close();
  });

  it('forwardRef() tokens are followed; a transient dependency gets an instance of its own', async () => {
    Formatter.created = 0;
    const app = await boot({ targets: [MixedTarget] }, { providers: [Notifier, Formatter] });
    const target = MixedTarget.instance!;
    expect(target.notifier).toBe(app.get(Notifier));
    expect(target.formatter).toBeInstanceOf(Formatter);
    app.get(IncidentLogger).error('boom');
    expect(app.get(Notifier).sent).toHaveLength(1);
    await app.close();
  });

  it('a target provider the app registers is reused once it is built (with its dependencies), not a bare prototype', async () => {
    const app = await boot({ targets: [RegisteredTarget] }, { imports: [RegisteredModule] });
    app.get(IncidentLogger).error('boom');
    const registered = app.get(RegisteredTarget);
    expect(registered.notifier).toBe(app.get(Notifier));
    expect(registered.incidents.map((incident) => incident.trigger?.message)).toEqual(['boom']);
    await app.close();
  });
});
