import { Inject, Injectable } from '@nestjs/common';
import { IncidentEngine } from './engine/incident-engine';
import type { IncidentBufferStats } from './interfaces/incident-buffer-stats.interface';
import type { IncidentScopeOptions } from './interfaces/incident-scope-options.interface';
import type { Incident, IncidentRecord, IncidentRequest } from './interfaces/incident.interface';
import { scopeStorage } from './scope/scope-storage';

/**
 * The buffer of the current request (the global one outside requests), for
 * code that wants to look at it or act on it. A default-scope singleton that
 * reads AsyncLocalStorage on each call: injecting it does not make the
 * consumer request-scoped (see docs/design-decisions.md, "Why not Scope.REQUEST").
 * @publicApi
 */
@Injectable()
export class IncidentBuffer {
  /** @internal */
  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  /** The current request (or `run()` scope), or undefined in the global scope. */
  get request(): IncidentRequest | undefined {
    return this.engine.currentRequest();
  }

  /** The buffered records of the current scope, oldest first, redacted like an incident's. */
  snapshot(): IncidentRecord[] {
    return this.engine.snapshotCurrent();
  }

  /**
   * Writes the current window to the targets as a `manual` incident, without
   * logging a fake error, and starts a new window. Returns undefined when the
   * buffer is empty.
   */
  flush(): Incident | undefined {
    return this.engine.flushCurrent();
  }

  /** Discards the current window. */
  clear(): void {
    this.engine.currentScope().clear();
  }

  /**
   * Runs `fn` in a fresh scope of its own (a job, a queue message, a script):
   * its records are buffered apart and its errors write only its window.
   * Returns what `fn` returns (a promise stays in the scope until it settles).
   */
  run<T>(fn: () => T, options: IncidentScopeOptions = {}): T {
    const scope = this.engine.openScope({
      // Without an id, one is generated when something reads it (an incident, `request`).
      id: options.id === undefined ? undefined : String(options.id),
      method: options.method ?? 'RUN',
      url: options.url ?? '',
    });
    let result: T;
    try {
      result = scopeStorage.run(scope, fn);
    } catch (error) {
      scope.end();
      throw error;
    }
    if (result instanceof Promise) {
      // The scope lives until the work settles. finally() keeps a rejection
      // on the returned promise, so an unhandled one still crashes as before.
      return result.finally(() => scope.end()) as T;
    }
    scope.end();
    return result;
  }

  /**
   * Writes every live buffer (each request scope, then the global one) as
   * `dump` incidents and starts new windows: what was going on everywhere,
   * for a hung process or a health check. Also bound to `dumpSignal`.
   */
  dumpAll(): Incident[] {
    return this.engine.dumpAll();
  }

  /** Live request scopes, bytes buffered, the budget, and budget evictions. */
  stats(): IncidentBufferStats {
    return this.engine.stats();
  }
}
