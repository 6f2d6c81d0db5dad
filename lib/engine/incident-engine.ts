import type { LogLevel } from '@nestjs/common';
import { captureRecords } from '../capture/capture-records.util';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import { LogRecord, messageRecordBytes, recordBytes } from '../capture/log-record';
import type { IncidentBufferStats } from '../interfaces/incident-buffer-stats.interface';
import type { Incident, IncidentReason, IncidentRecord } from '../interfaces/incident.interface';
import type { ResolvedIncidentLoggerOptions } from '../options/resolved-options.interface';
import { IncidentScope, type ScopeEndSignal, type ScopeRequest } from '../scope/incident-scope';
import { ScopeRegistry } from '../scope/scope-registry';
import { scopeStorage } from '../scope/scope-storage';
import { detachString } from '../serialize/detach-string.util';
import { describeFailure } from '../shared/hostile-value.util';
import { InternalReporter } from '../shared/internal-reporter';
import { LOG_LEVEL_VALUES } from '../shared/log-levels';
import type { TargetList } from '../targets/target-list';
import { DELIVERY_SCOPE, IncidentDispatcher } from './incident-dispatcher';
import { enabledLevelTable } from './level-table.util';
import { ProcessHooks } from './process-hooks';
import { NOT_INSTALLED_WARNING, startupNotice } from './startup-notice';

const FATAL = LOG_LEVEL_VALUES.fatal;
const MAX_CACHED_CONTEXTS = 512;
const MAX_CONTEXT_FAST_PATH = 256;

/**
 * The library's one engine, behind the public Nest classes: it decides, for
 * each log call, between the current scope's buffer and an incident; owns the
 * scopes, the memory budget, the dispatch to targets and the process hooks.
 * Not exported from the package: `IncidentLogger`, `IncidentBuffer` and the
 * scope middleware are its only callers, so nothing outside can forge an
 * incident or reach a buffer it does not own.
 */
export class IncidentEngine {
  /** Buffer for everything outside a request: boot, timers, jobs. */
  private readonly globalScope: IncidentScope;
  private enabled: boolean[];
  private readonly flushValue: number;
  private readonly policy: CapturePolicy;
  private readonly dispatcher: IncidentDispatcher;
  private readonly registry: ScopeRegistry<IncidentScope>;
  private readonly processHooks: ProcessHooks;
  private readonly scrubbedContexts = new Map<string, string>();

  constructor(
    private readonly options: ResolvedIncidentLoggerOptions,
    targets: TargetList,
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

  /** Header the request id is read from (and echoed on), lower case. */
  get requestIdHeader(): string {
    return this.options.requestIdHeader;
  }

  get setResponseHeader(): boolean {
    return this.options.setResponseHeader;
  }

  /**
   * One log call: dropped, buffered in the current scope, or the trigger of
   * its incident. `value` is `LOG_LEVEL_VALUES[level]`, passed by the caller
   * as a constant to keep the lookup off the hot path.
   */
  log(level: LogLevel, value: number, message: unknown, params: unknown[]): void {
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

  setLogLevels(levels: readonly LogLevel[]): void {
    this.enabled = enabledLevelTable(levels);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.enabled[LOG_LEVEL_VALUES[level]] === true;
  }

  /** A new request (or `run()`) scope with this engine's limits, counted in the memory budget once it buffers. */
  openScope(request: ScopeRequest, endSignal?: ScopeEndSignal): IncidentScope {
    return new IncidentScope('request', this.options.bufferSize, this.options.maxBufferBytes, request, this.registry, endSignal);
  }

  /** The scope records go to right now. */
  currentScope(): IncidentScope {
    const scope = scopeStorage.getStore();
    return scope === undefined || scope === DELIVERY_SCOPE ? this.globalScope : scope;
  }

  /** Writes the current scope's window as a `manual` incident. */
  flushCurrent(): Incident | undefined {
    return this.flushScope(this.currentScope(), 'manual');
  }

  /** Writes every live buffer (request scopes, then the global one) as `dump` incidents. */
  dumpAll(): Incident[] {
    const incidents: Incident[] = [];
    for (const scope of [...this.registry.live(), this.globalScope]) {
      const incident = this.flushScope(scope, 'dump', undefined, true);
      if (incident) incidents.push(incident);
    }
    return incidents;
  }

  /** Counters of the live request scopes and the memory budget. */
  stats(): IncidentBufferStats {
    return this.registry.stats();
  }

  /** Redacts text that leaves the capture path (request URLs, stderr reports). */
  scrub(text: string): string {
    return this.policy.redactor ? this.policy.redactor.scrub(text) : text;
  }

  /** Whether the startup line (and the not-installed warning) are wanted. */
  get startupNotice(): boolean {
    return this.options.startupNotice;
  }

  /** Writes the startup line to stderr (never through a logger). */
  announce(): void {
    this.dispatcher.reporter.report('startup', startupNotice(this.options, this.enabled));
  }

  /** Nest's `Logger` does not reach this engine: say so once, on stderr. */
  warnNotInstalled(): void {
    this.dispatcher.reporter.report('not-installed', NOT_INSTALLED_WARNING);
  }

  /** The application is up: crash, exit and dump-signal hooks are installed. */
  start(): void {
    this.processHooks.install();
  }

  /** Waits for every target's pending writes (before shutdown). */
  flushTargets(): Promise<void> {
    return this.dispatcher.flush();
  }

  /** Removes the process hooks, flushes and closes the targets. */
  async stop(): Promise<void> {
    this.processHooks.uninstall();
    await this.dispatcher.close();
  }

  /** Writes the scope's window (plus an optional trigger) as an incident. */
  private flushScope(scope: IncidentScope, reason: IncidentReason, trigger?: IncidentRecord[], durable = false): Incident | undefined {
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

  /** The process is dying: write where it happened, and the global buffer, synchronously. */
  private flushCrash(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void {
    const scope = this.currentScope();
    const trigger = captureRecords('fatal', error, [origin], this.policy, Date.now());
    this.flushScope(scope, 'crash', trigger, true);
    if (scope !== this.globalScope) this.flushScope(this.globalScope, 'crash', undefined, true);
  }

  private buffer(scope: IncidentScope, level: LogLevel, message: unknown, params: unknown[]): void {
    // Hot path: a short string message, with or without the facade's context.
    if (
      typeof message === 'string' &&
      message.length <= this.policy.limits.maxStringLength &&
      (params.length === 0 || (params.length === 1 && typeof params[0] === 'string' && params[0].length <= MAX_CONTEXT_FAST_PATH))
    ) {
      // Copied: a slice of a large string (or the scrubber's output, made of slices) would keep it all alive.
      const text = detachString(this.scrub(message));
      const context = params[0] as string | undefined;
      const scrubbed = context === undefined ? undefined : this.scrubContext(context);
      scope.add(new LogRecord(level, Date.now(), text, scrubbed), messageRecordBytes(text));
      return;
    }
    for (const record of captureRecords(level, message, params, this.policy, Date.now())) {
      scope.add(record, recordBytes(record));
    }
  }

  private reportReentrant(level: LogLevel, message: unknown): void {
    if (LOG_LEVEL_VALUES[level] < this.flushValue) return;
    const text = typeof message === 'string' ? message : message instanceof Error ? message.message : typeof message;
    this.dispatcher.reporter.report(
      'reentrant',
      `a target logged "${level}" while writing an incident (not turned into a new incident): ${this.scrub(String(text).slice(0, 200))}`,
    );
  }

  /** Contexts are a handful of class names passed on every call: scrub each once. */
  private scrubContext(context: string): string {
    let scrubbed = this.scrubbedContexts.get(context);
    if (scrubbed === undefined) {
      // Bounded: a caller passing ever-new strings as context cannot grow it.
      if (this.scrubbedContexts.size >= MAX_CACHED_CONTEXTS) this.scrubbedContexts.clear();
      // Copied on a miss only: no cache key (nor the value scrubbed from it) pins a large string it was cut from.
      const key = detachString(context);
      scrubbed = this.scrub(key);
      this.scrubbedContexts.set(key, scrubbed);
    }
    return scrubbed;
  }
}
