import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  LoggerService,
  LogLevel,
  OnApplicationBootstrap,
  OnApplicationShutdown,
} from '@nestjs/common';
import { captureRecords, CapturePolicy } from './capture/capture-records.util';
import { LogRecord, messageRecordBytes, recordBytes } from './capture/log-record';
import { DELIVERY_SCOPE, IncidentDispatcher } from './delivery/incident-dispatcher';
import { describeFailure } from './capture/hostile-value.util';
import { InternalReporter } from './delivery/internal-reporter';
import { ProcessHooks } from './delivery/process-hooks';
import { INCIDENT_TARGETS, LOG_LEVEL_VALUES, RESOLVED_INCIDENT_OPTIONS } from './incident-logger.constants';
import type { ResolvedIncidentLoggerOptions } from './incident-logger-options.util';
import { enabledLevelTable } from './incident-logger-levels.util';
import type { Incident, IncidentReason, IncidentRecord, IncidentTarget } from './interfaces';
import { IncidentScope } from './scope/incident-scope';
import { scopeStorage } from './scope/incident-scope.storage';
import { IncidentBufferStats, ScopeRegistry } from './scope/scope-registry';

const FATAL = LOG_LEVEL_VALUES.fatal;
const MAX_CACHED_CONTEXTS = 512;

/**
 * Nest `LoggerService` that buffers records below `flushLevel` in the current
 * scope and writes the scope's window to the targets when a record at or above
 * it arrives. A default-scope singleton: the per-request state lives in
 * AsyncLocalStorage, so `app.get(IncidentLogger)` and `app.useLogger()` work.
 * @publicApi
 */
@Injectable()
export class IncidentLogger implements LoggerService, OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown {
  /** Buffer for everything outside a request: boot, timers, jobs. */
  readonly globalScope: IncidentScope;
  private enabled: boolean[];
  private readonly flushValue: number;
  private readonly policy: CapturePolicy;
  private readonly dispatcher: IncidentDispatcher;
  private readonly registry: ScopeRegistry;
  private readonly processHooks: ProcessHooks;
  private readonly scrubbedContexts = new Map<string, string>();

  constructor(
    @Inject(RESOLVED_INCIDENT_OPTIONS) readonly options: ResolvedIncidentLoggerOptions,
    @Inject(INCIDENT_TARGETS) targets: IncidentTarget[],
  ) {
    this.enabled = enabledLevelTable(options.logLevels);
    this.flushValue = LOG_LEVEL_VALUES[options.flushLevel];
    this.policy = options.capture;
    this.registry = new ScopeRegistry(options.maxTotalBufferBytes);
    this.globalScope = new IncidentScope('global', options.bufferSize, options.maxBufferBytes);
    this.dispatcher = new IncidentDispatcher(targets, new InternalReporter());
    this.processHooks = new ProcessHooks(
      {
        onCrash: (error, origin) => this.flushCrash(error, origin),
        onExit: () => this.dispatcher.flushSync(),
        onDumpSignal: () => this.dumpAll(),
      },
      options,
    );
  }

  verbose(message: any, ...optionalParams: any[]): void {
    this.handle('verbose', 0, message, optionalParams);
  }

  debug(message: any, ...optionalParams: any[]): void {
    this.handle('debug', 1, message, optionalParams);
  }

  log(message: any, ...optionalParams: any[]): void {
    this.handle('log', 2, message, optionalParams);
  }

  warn(message: any, ...optionalParams: any[]): void {
    this.handle('warn', 3, message, optionalParams);
  }

  error(message: any, ...optionalParams: any[]): void {
    this.handle('error', 4, message, optionalParams);
  }

  fatal(message: any, ...optionalParams: any[]): void {
    this.handle('fatal', 5, message, optionalParams);
  }

  /** Same semantics as Nest's `logLevels`: listed levels, plus every level above the highest listed. */
  setLogLevels(levels: LogLevel[]): void {
    this.enabled = enabledLevelTable(levels);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.enabled[LOG_LEVEL_VALUES[level]] === true;
  }

  /** @internal A new request scope with this logger's limits, counted in the memory budget. */
  createScope(request: Incident['request']): IncidentScope {
    return new IncidentScope('request', this.options.bufferSize, this.options.maxBufferBytes, request, this.registry);
  }

  /** @internal Counters of the live request scopes and the memory budget. */
  stats(): IncidentBufferStats {
    return this.registry.stats();
  }

  /** @internal Writes every live buffer (request scopes, then the global one) as `dump` incidents. */
  dumpAll(): Incident[] {
    const incidents: Incident[] = [];
    for (const scope of [...this.registry.live(), this.globalScope]) {
      const incident = this.flushScope(scope, 'dump', undefined, true);
      if (incident) incidents.push(incident);
    }
    return incidents;
  }

  /** @internal The scope records go to right now. */
  currentScope(): IncidentScope {
    const scope = scopeStorage.getStore();
    return scope === undefined || scope === DELIVERY_SCOPE ? this.globalScope : scope;
  }

  /** @internal Writes the scope's window (plus an optional trigger) as an incident. */
  flushScope(scope: IncidentScope, reason: IncidentReason, trigger?: IncidentRecord[], durable = false): Incident | undefined {
    const window = scope.take();
    const records = trigger ? window.records.concat(trigger) : window.records;
    if (records.length === 0) return undefined;
    return this.dispatcher.dispatch(
      {
        reason,
        scope: scope.kind,
        records,
        trigger: trigger?.[trigger.length - 1],
        dropped: window.dropped,
        request: scope.request,
      },
      durable,
    );
  }

  onApplicationBootstrap(): void {
    this.processHooks.install();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.dispatcher.flush();
  }

  async onApplicationShutdown(): Promise<void> {
    this.processHooks.uninstall();
    await this.dispatcher.close();
  }

  /** The process is dying: write where it happened, and the global buffer, synchronously. */
  private flushCrash(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void {
    const scope = this.currentScope();
    const trigger = captureRecords('fatal', error, [origin], this.policy, Date.now());
    this.flushScope(scope, 'crash', trigger, true);
    if (scope !== this.globalScope) this.flushScope(this.globalScope, 'crash', undefined, true);
  }

  private handle(level: LogLevel, value: number, message: unknown, params: unknown[]): void {
    if (!this.enabled[value]) return;
    try {
      const store = scopeStorage.getStore();
      if (store === DELIVERY_SCOPE) return this.reportReentrant(level, message);
      const scope = store ?? this.globalScope;
      if (value < this.flushValue) return this.buffer(scope, level, message, params);
      const records = captureRecords(level, message, params, this.policy, Date.now());
      this.flushScope(scope, 'level', records, value === FATAL);
    } catch (error) {
      // The logger must never be the thing that breaks the app.
      this.dispatcher.reporter.report('capture', `a ${level} record was lost: ${this.scrub(describeFailure(error))}`);
    }
  }

  private buffer(scope: IncidentScope, level: LogLevel, message: unknown, params: unknown[]): void {
    // Hot path: a short string message, with or without the facade's context.
    if (
      typeof message === 'string' &&
      message.length <= this.policy.limits.maxStringLength &&
      (params.length === 0 || (params.length === 1 && typeof params[0] === 'string' && params[0].length <= 256))
    ) {
      const text = this.scrub(message);
      const context = params[0] as string | undefined;
      scope.add(new LogRecord(level, Date.now(), text, context === undefined ? undefined : this.scrubContext(context)), messageRecordBytes(text));
      return;
    }
    for (const record of captureRecords(level, message, params, this.policy, Date.now())) {
      scope.add(record, recordBytes(record));
    }
  }

  private reportReentrant(level: LogLevel, message: unknown): void {
    if (LOG_LEVEL_VALUES[level] < this.flushValue) return;
    const text = typeof message === 'string' ? message : message instanceof Error ? message.message : typeof message;
    this.dispatcher.reporter.report('reentrant', `a target logged "${level}" while writing an incident (not turned into a new incident): ${this.scrub(String(text).slice(0, 200))}`);
  }

  /** Contexts are a handful of class names passed on every call: scrub each once. */
  private scrubContext(context: string): string {
    let scrubbed = this.scrubbedContexts.get(context);
    if (scrubbed === undefined) {
      // Bounded: a caller passing ever-new strings as context cannot grow it.
      if (this.scrubbedContexts.size >= MAX_CACHED_CONTEXTS) this.scrubbedContexts.clear();
      scrubbed = this.scrub(context);
      this.scrubbedContexts.set(context, scrubbed);
    }
    return scrubbed;
  }

  /** @internal Redacts text that leaves the capture path (request URLs, stderr reports). */
  scrub(text: string): string {
    return this.policy.redactor ? this.policy.redactor.scrub(text) : text;
  }
}
