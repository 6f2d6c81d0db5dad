import { Inject, Injectable } from '@nestjs/common';
import { IncidentEngine } from './engine/incident-engine';
import { runInScope } from './engine/run-in-scope';
import type { IncidentBufferStats } from './interfaces/incident-buffer-stats.interface';
import type { IncidentScopeOptions } from './interfaces/incident-scope-options.interface';
import type { Incident, IncidentRecord, IncidentRequest } from './interfaces/incident.interface';

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
   * The current scope writes its window when it ends (`reason: 'marked'`),
   * whatever its outcome: for code that knows something is wrong without
   * wanting an error line now. The global scope writes it at shutdown.
   */
  markForIncident(note?: string): void {
    this.engine.markForIncident(note);
  }

  /**
   * Key/values of the current scope (user id, tenant, order id), shown in the
   * header of its incidents and as `incident.fields`. Captured now: copied,
   * bounded (32 keys, values within `captureLimits`) and redacted like
   * records. Later calls add or replace keys.
   */
  assign(fields: Record<string, unknown>): void {
    this.engine.assign(fields);
  }

  /**
   * Runs `fn` in a fresh scope of its own (a job, a queue message, a script):
   * its records are buffered apart and its errors write only its window.
   * Opened inside a request, it is linked to it (`request.parentId`), never
   * merged. Returns what `fn` returns (a promise stays in the scope until it
   * settles).
   */
  run<T>(fn: () => T, options: IncidentScopeOptions = {}): T {
    const scope = this.engine.openUnit({
      kind: 'run',
      // Without an id, one is generated when something reads it (an incident, `request`).
      id: options.id === undefined ? undefined : String(options.id),
      method: options.method ?? 'RUN',
      url: options.url ?? '',
    });
    return runInScope(scope, fn, (ended, failure) => this.engine.endRun(ended, failure));
  }

  /**
   * Writes every live buffer (each request scope, then the global one) as
   * `dump` incidents and starts new windows: what was going on everywhere,
   * for a hung process or a health check. Also bound to `dumpSignal`.
   */
  dumpAll(): Incident[] {
    return this.engine.dumpAll();
  }

  /** Live request scopes and the memory budget; incidents by reason, storm control's and activation's counts, drops by level, target failures. */
  stats(): IncidentBufferStats {
    return this.engine.stats();
  }
}
