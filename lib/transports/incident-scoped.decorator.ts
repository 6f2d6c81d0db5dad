import type { IncidentScopedOptions } from '../interfaces/incident-scoped-options.interface';
import { activeEngine } from '../engine/active-engine';
import { runInScope } from '../engine/run-in-scope';
import { describeFailure } from '../shared/hostile-value.util';

/** Copies the metadata other decorators put on the method (`@Cron`, `@OnEvent`, `@EventPattern`), whichever ran first. */
function copyMetadata(from: object, to: object): void {
  for (const key of Reflect.getOwnMetadataKeys(from)) {
    Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, from), to);
  }
}

function scopeId(options: IncidentScopedOptions, args: unknown[]): string | undefined {
  if (options.id === undefined) return undefined;
  try {
    const id = options.id(...(args as never[]));
    return id === undefined || id === null || id === '' ? undefined : String(id);
  } catch (error) {
    // The work runs all the same, under a generated id.
    activeEngine.get()?.reportInternal('IncidentScoped', `the id option threw (a generated id is used): ${describeFailure(error)}`);
    return undefined;
  }
}

/**
 * Runs each call of the method in a scope of its own (a cron job, a queue
 * processor, an event handler): its records are buffered apart, a throw or
 * rejection writes a `rejected` incident with its window and goes on
 * unchanged, and a call made inside a request is linked to it by
 * `request.parentId`. Keeps the method's metadata, written above or below
 * `@Cron()`, `@OnEvent()`, `@EventPattern()`. A sync method stays sync.
 * Outside a running app (no IncidentLoggerModule) the method runs as is.
 * @publicApi
 */
export function IncidentScoped(nameOrOptions: string | IncidentScopedOptions = {}): MethodDecorator {
  const options: IncidentScopedOptions = typeof nameOrOptions === 'string' ? { name: nameOrOptions } : nameOrOptions;
  return (target, key, descriptor) => {
    const original: unknown = descriptor.value;
    if (typeof original !== 'function') {
      throw new TypeError(`@IncidentScoped() decorates methods; ${String(key)} is not one`);
    }
    const className = typeof target === 'function' ? target.name : target.constructor.name;
    const name = options.name ?? `${className}.${String(key)}`;
    const method = original as (...args: unknown[]) => unknown;
    const scoped = function (this: unknown, ...args: unknown[]): unknown {
      const engine = activeEngine.get();
      if (engine === undefined) return method.apply(this, args);
      const scope = engine.openUnit({ kind: 'job', method: 'JOB', url: name, id: scopeId(options, args) });
      return runInScope(
        scope,
        () => method.apply(this, args),
        (ended, failure) => engine.endRun(ended, failure),
      );
    };
    // Nest reads parameter types and handlers by the method's name.
    Object.defineProperty(scoped, 'name', { value: method.name });
    copyMetadata(method, scoped);
    descriptor.value = scoped as typeof descriptor.value;
    return descriptor;
  };
}
