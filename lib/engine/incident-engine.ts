import type { LogLevel } from '@nestjs/common';
import { captureRecords } from '../capture/capture-records.util';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import { messageRecordBytes, RawJsonRecord, RawTextRecord, recordBytes } from '../capture/log-record';
import { RecordScrubber } from '../capture/record-scrubber';
import type { IncidentBufferStats } from '../interfaces/incident-buffer-stats.interface';
import type { Incident, IncidentReason, IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import type { ResolvedIncidentLoggerOptions } from '../options/resolved-options.interface';
import { IncidentScope, type ScopeEndSignal, type ScopeRequest } from '../scope/incident-scope';
import { ScopeRegistry } from '../scope/scope-registry';
import { scopeStorage } from '../scope/scope-storage';
import { cachedSecretKeyTest } from '../redact/secret-key-cache.util';
import { boundText } from '../serialize/bound-text.util';
import { detachString } from '../serialize/detach-string.util';
import { toFastJson } from '../serialize/fast-json.util';
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
  private readonly scrubber: RecordScrubber;
  /** Keys of logged objects repeat: whether each names a secret is remembered. */
  private readonly isSecretKey: ((key: string) => boolean) | undefined;
  /** Each context string as buffered: a copy, so no record pins a large string a context was cut from. */
  private readonly contexts = new Map<string, string>();
  /** The scrubbed form of each live scope's request, built once (`IncidentBuffer.request`). */
  private readonly shownRequests = new WeakMap<IncidentRequest, IncidentRequest>();

  constructor(
    private readonly options: ResolvedIncidentLoggerOptions,
    targets: TargetList,
  ) {
    this.enabled = enabledLevelTable(options.logLevels);
    this.flushValue = LOG_LEVEL_VALUES[options.flushLevel];
    this.policy = options.capture;
    this.scrubber = new RecordScrubber(options.capture);
    this.isSecretKey = options.capture.redactor ? cachedSecretKeyTest(options.capture.redactor) : undefined;
    this.registry = new ScopeRegistry(options.maxTotalBufferBytes);
    this.globalScope = new IncidentScope('global', options.bufferSize, options.maxBufferBytes);
    this.dispatcher = new IncidentDispatcher(targets, new InternalReporter(undefined, (text) => this.scrubber.text(text)));
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
      this.dispatcher.reporter.report('capture', `a ${level} record was lost: ${describeFailure(error)}`);
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

  /** The current scope's buffered records, oldest first, redacted. */
  snapshotCurrent(): IncidentRecord[] {
    return this.scrubber.records(this.currentScope().snapshot());
  }

  /** The current scope's request, redacted; undefined in the global scope. */
  currentRequest(): IncidentRequest | undefined {
    const request = this.currentScope().request;
    if (request === undefined) return undefined;
    let shown = this.shownRequests.get(request);
    if (shown === undefined) {
      shown = this.scrubber.request(request) as IncidentRequest;
      this.shownRequests.set(request, shown);
    }
    return shown;
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
    // TODO(issue 11): counters
    return {
      ...this.registry.stats(),
      incidents: {} as IncidentBufferStats['incidents'],
      repeated: 0,
      suppressed: 0,
      ignoredByStatus: 0,
      droppedByLevel: { verbose: 0, debug: 0, log: 0, warn: 0, error: 0, fatal: 0 },
      targetFailures: 0,
    };
  }

  /** Text too long to keep whole (a long URL): redacted before it is cut, so a secret across the cut is still recognised. */
  redactAndCut(text: string, max: number): string {
    return boundText(text, max, this.policy.redactor);
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

  /**
   * Writes the scope's window (plus an optional trigger) as an incident. The
   * one place records leave a buffer for the targets: redacted here, once,
   * before any target sees them.
   */
  private flushScope(scope: IncidentScope, reason: IncidentReason, trigger?: IncidentRecord[], durable = false): Incident | undefined {
    const window = scope.take();
    const records = this.scrubber.records(window.records);
    if (trigger) records.push(...this.scrubber.records(trigger));
    if (records.length === 0) return undefined;
    return this.dispatcher.dispatch(
      {
        reason,
        scope: scope.kind,
        records,
        trigger: trigger ? records[records.length - 1] : undefined,
        dropped: window.dropped,
        request: this.scrubber.request(scope.request),
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
    // Hot paths: one message, with or without the facade's context, buffered raw (redacted on the way out).
    if (params.length === 0 || (params.length === 1 && typeof params[0] === 'string' && params[0].length <= MAX_CONTEXT_FAST_PATH)) {
      const context = params.length === 0 ? undefined : this.internContext(params[0] as string);
      if (typeof message === 'string' && message.length <= this.policy.limits.maxStringLength) {
        // Copied: a slice of a large string would keep it all alive.
        const text = detachString(message);
        scope.add(new RawTextRecord(level, Date.now(), text, context), messageRecordBytes(text));
        return;
      }
      if (typeof message === 'object' && message !== null) {
        // Plain data; anything else (errors, class instances, secret keys, limits) takes the safe path below.
        const json = toFastJson(message, this.policy.limits, this.isSecretKey);
        if (json !== undefined) {
          scope.add(new RawJsonRecord(level, Date.now(), json, context), messageRecordBytes(json));
          return;
        }
      }
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
      `a target logged "${level}" while writing an incident (not turned into a new incident): ${String(text).slice(0, 200)}`,
    );
  }

  /** Contexts are a handful of class names passed on every call: each is copied once. */
  private internContext(context: string): string {
    let kept = this.contexts.get(context);
    if (kept === undefined) {
      // Bounded: a caller passing ever-new strings as context cannot grow it.
      if (this.contexts.size >= MAX_CACHED_CONTEXTS) this.contexts.clear();
      // Copied: no record (nor cache key) pins a large string the context was cut from.
      kept = detachString(context);
      this.contexts.set(kept, kept);
    }
    return kept;
  }
}
