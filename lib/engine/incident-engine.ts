import type { LogLevel } from '@nestjs/common';
import { captureFields } from '../capture/capture-fields.util';
import { captureRecords } from '../capture/capture-records.util';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import { messageRecordBytes, PassthroughRecord, RawJsonRecord, RawTextRecord, recordBytes } from '../capture/log-record';
import { RecordScrubber } from '../capture/record-scrubber';
import type { IncidentBufferStats } from '../interfaces/incident-buffer-stats.interface';
import type { SetFlushLevelOptions } from '../interfaces/incident-policy-options.interface';
import type { Incident, IncidentOutcome, IncidentReason, IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import { checkLevel } from '../options/check-level.util';
import type { ResolvedIncidentLoggerOptions } from '../options/resolved-options.interface';
import { fingerprintOf } from '../policy/fingerprint.util';
import { OutcomeRule } from '../policy/outcome-rule';
import { exceptionStatus, TriggerRule } from '../policy/trigger-rule';
import { IncidentScope, type ScopeConfig, type ScopeEndSignal, type ScopeRequest } from '../scope/incident-scope';
import { ScopeRegistry } from '../scope/scope-registry';
import { RequestScopes } from '../scope/request-scopes';
import { scopeStorage } from '../scope/scope-storage';
import { cachedSecretKeyTest } from '../redact/secret-key-cache.util';
import { boundText } from '../serialize/bound-text.util';
import { detachString, internString } from '../serialize/detach-string.util';
import { toFastJson } from '../serialize/fast-json.util';
import { describeFailure } from '../shared/hostile-value.util';
import { InternalReporter } from '../shared/internal-reporter';
import { LOG_LEVEL_VALUES } from '../shared/log-levels';
import { integerOption, invalidOption } from '../shared/option-validation.util';
import type { TargetList } from '../targets/target-list';
import { type ActiveSpanReader, loadActiveSpanReader } from '../trace/active-span';
import { IncidentCounters } from './incident-counters';
import { DELIVERY_SCOPE, type IncidentDraft, IncidentDispatcher } from './incident-dispatcher';
import { enabledLevelTable } from './level-table.util';
import { ProcessHooks } from './process-hooks';
import { RequestEnds } from './request-ends';
import { mergeLinks, ScopeLinks } from './scope-links';
import { startupNotice, NOT_INSTALLED_WARNING } from './startup-notice';
import { StormGate } from './storm-gate';

const WARN = LOG_LEVEL_VALUES.warn;
const ERROR = LOG_LEVEL_VALUES.error;
/** The context Nest's ExceptionsHandler logs an unhandled error under (after it replied 500). */
const EXCEPTIONS_HANDLER = 'ExceptionsHandler';
const FATAL = LOG_LEVEL_VALUES.fatal;
const NEVER = Number.POSITIVE_INFINITY;
const MAX_CACHED_CONTEXTS = 512;
const MAX_CONTEXT_FAST_PATH = 256;

/** Held back by storm control counts as written: the same failure is not written (or held back) twice. */
function wroteIncident(scope: IncidentScope): boolean {
  const state = scope.stateIfAny;
  return state !== undefined && (state.lastIncidentId !== undefined || state.heldBack);
}

/**
 * The library's one engine, behind the public Nest classes: it decides, for
 * each log call, between the current scope's buffer and an incident; owns the
 * scopes, the memory budget, the policies, the dispatch to targets and the
 * process hooks. Not exported from the package: `IncidentLogger`,
 * `IncidentBuffer` and the scope middleware are its
 * only callers, so nothing outside can forge an incident or reach a buffer it
 * does not own.
 *
 * Data flows one way: log call -> record -> scope buffer -> incident (policies:
 * activation, storm control) -> targets.
 */
export class IncidentEngine {
  /** Buffer for everything outside a request: boot, timers, jobs. */
  private readonly globalScope: IncidentScope;
  private enabled: boolean[];
  /** Records below this take the buffering path, where no policy is asked anything. */
  private slowFrom: number;
  private readonly passthroughValue: number;
  private readonly policy: CapturePolicy;
  private readonly dispatcher: IncidentDispatcher;
  private readonly registry: ScopeRegistry<IncidentScope>;
  private readonly processHooks: ProcessHooks;
  private readonly scrubber: RecordScrubber;
  private readonly triggers: TriggerRule;
  private readonly outcomes: OutcomeRule;
  private readonly storm: StormGate | undefined;
  private readonly counters = new IncidentCounters();
  private readonly scopeConfig: ScopeConfig;
  private readonly requestEnds: RequestEnds | undefined;
  private flushLevelTimer: NodeJS.Timeout | undefined;
  /** `afterTrigger` is on: each record may complete a tail. */
  private readonly tails: boolean;
  /** Keys of logged objects repeat: whether each names a secret is remembered. */
  private readonly isSecretKey: ((key: string) => boolean) | undefined;
  /** Each context string as buffered: a copy, so no record pins a large string a context was cut from. */
  private readonly contexts = new Map<string, string>();
  /** The scrubbed form of each live scope's request, built once (`IncidentBuffer.request`). */
  private readonly shownRequests = new WeakMap<IncidentRequest, IncidentRequest>();
  /** Errors that ended a scope as a `rejected` incident, and its id. */
  private readonly toldErrors = new WeakMap<object, string>();
  /** One scope per raw request, even if the middleware is mounted twice. */
  readonly requestScopes = new RequestScopes();
  /** The active OpenTelemetry span, when `traceContext` is on and `@opentelemetry/api` is installed. */
  private readonly activeSpan: ActiveSpanReader | undefined;
  /** `incidentLinks`: the incident header, outgoing calls; undefined when off. */
  private readonly links: ScopeLinks | undefined;

  constructor(
    private readonly options: ResolvedIncidentLoggerOptions,
    targets: TargetList,
  ) {
    this.enabled = enabledLevelTable(options.logLevels);
    this.policy = options.capture;
    this.scrubber = new RecordScrubber(options.capture);
    this.isSecretKey = options.capture.redactor ? cachedSecretKeyTest(options.capture.redactor) : undefined;
    this.registry = new ScopeRegistry(options.maxTotalBufferBytes);
    const reporter = new InternalReporter(undefined, (text) => this.scrubber.text(text));
    this.dispatcher = new IncidentDispatcher(targets, reporter);
    this.triggers = new TriggerRule(options, reporter);
    this.outcomes = new OutcomeRule(options.outcome, options.capture, reporter);
    this.storm = options.storm ? new StormGate(options.storm, (draft, durable) => this.dispatch(undefined, draft, durable)) : undefined;
    this.passthroughValue = options.passthroughLevel === undefined ? NEVER : LOG_LEVEL_VALUES[options.passthroughLevel];
    this.slowFrom = this.computeSlowFrom();
    this.tails = options.afterTrigger !== undefined;
    this.scopeConfig = {
      capacity: options.bufferSize,
      maxBytes: options.maxBufferBytes,
      reserved: options.reservedWarnings,
      counters: this.counters.dropped,
      onEnd: (scope) => this.endRequest(scope),
      log: (level, value, message, params) => this.log(level, value, message, params),
      onException: options.incidentLinks?.header === undefined ? undefined : (scope, error) => this.exceptionNoted(scope, error),
    };
    this.links =
      options.incidentLinks === undefined
        ? undefined
        : new ScopeLinks(options.incidentLinks, options.requestIdHeader, this.scopeConfig, options.capture.redactor, {
            failed: (scope) => this.callFailed(scope),
            report: (text) => reporter.report('incidentLinks', `incidentLinks: ${text}`),
          });
    this.globalScope = new IncidentScope('global', this.scopeConfig);
    this.activeSpan = options.traceContext ? loadActiveSpanReader() : undefined;
    // Every request's end is observed only when an outcome needs it (status, slowness, sampling).
    this.requestEnds = this.outcomes.watchesRequests ? new RequestEnds(this.requestScopes, (scope) => this.endRequest(scope)) : undefined;
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

  /** Whether scopes read their trace context (the middleware reads the `traceparent` header only then). */
  get traceContext(): boolean {
    return this.options.traceContext;
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
      // Another app's scope (several apps in one process share Nest's static Logger): its engine decides.
      if (scope.config !== this.scopeConfig) return scope.config.log?.(level, value, message, params);
      if (value < this.slowFrom) this.buffer(scope, level, message, params);
      else if (this.decide(scope, level, value, message, params)) return;
      // Counted after the trigger: the trigger itself is not part of its tail.
      if (this.tails) this.advanceTail(scope);
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

  /** Changes `flushLevel` at runtime (context levels stay); `forMs` goes back to the configured one after that long. */
  setFlushLevel(level: LogLevel, options?: SetFlushLevelOptions): void {
    const checked = checkLevel('setFlushLevel() level', level, 'IncidentLogger');
    const forMs = options?.forMs === undefined ? undefined : integerOption('IncidentLogger', 'setFlushLevel() forMs', options.forMs, 0, 1);
    if (this.options.passthroughLevel !== undefined && LOG_LEVEL_VALUES[checked] <= this.passthroughValue) {
      invalidOption(
        'IncidentLogger',
        'setFlushLevel() level',
        `a level above passthroughLevel ('${this.options.passthroughLevel}')`,
        checked,
      );
    }
    clearTimeout(this.flushLevelTimer);
    this.flushLevelTimer = undefined;
    this.triggers.setFlushValue(LOG_LEVEL_VALUES[checked]);
    this.slowFrom = this.computeSlowFrom();
    if (forMs !== undefined) {
      this.flushLevelTimer = setTimeout(() => this.setFlushLevel(this.options.flushLevel), forMs);
      this.flushLevelTimer.unref();
    }
  }

  /** A new request (or `run()`) scope with this engine's limits, counted in the memory budget once it buffers. */
  openScope(request: ScopeRequest, endSignal?: ScopeEndSignal): IncidentScope {
    // Read now: the span is only active in the async context the scope opens in.
    if (this.activeSpan !== undefined && request.trace === undefined) {
      const span = this.activeSpan();
      // Set only when found: most requests have no span, and their scope request keeps its shape.
      if (span !== undefined) request.trace = span;
    }
    return new IncidentScope('request', this.scopeConfig, request, this.registry, endSignal);
  }

  /**
   * A scope for a unit of work other than an HTTP request (a message, an
   * event, a job, `run()`). Opened inside another scope, it is linked to it
   * by `parentId` and keeps its own window.
   */
  openUnit(request: ScopeRequest): IncidentScope {
    const parent = scopeStorage.getStore();
    // Not the global scope, nor the one targets write in (both are 'global').
    if (parent !== undefined && parent.kind === 'request') {
      request.parentId = parent.request!.id;
      // A job started by a request is part of its trace, unless a span of its own is active.
      // Read here once: openScope() below does not read it again when it is set.
      if (this.options.traceContext) request.trace ??= this.activeSpan?.() ?? parent.trace;
    }
    return this.openScope(request);
  }

  /**
   * A message, event or GraphQL operation ended (the interceptor or the
   * pre-request hook). An error Nest logged already wrote its incident; an
   * HTTP exception with an ignored status is an answer, not a failure.
   */
  endHandled(scope: IncidentScope, failure?: { error: unknown }): void {
    if (failure !== undefined && (wroteIncident(scope) || this.answered(failure.error))) failure = undefined;
    this.endRun(scope, failure);
  }

  /**
   * A GraphQL operation of an HTTP request failed: the request answers 200
   * all the same, so its end writes a `rejected` incident unless one was
   * written (Nest logs the errors it does not know).
   */
  failRequest(scope: IncidentScope, error: unknown): void {
    if (scope.ended || this.answered(error)) return;
    const state = scope.state;
    state.exception = error;
    state.hasException = true;
    state.failed = true;
    if (!scope.watchEnd()) this.endRequest(scope);
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
    return this.shownRequest(this.currentScope());
  }

  /** Writes the current scope's window as a `manual` incident. */
  flushCurrent(): Incident | undefined {
    return this.flushScope(this.currentScope(), 'manual');
  }

  /** `IncidentBuffer.assign()`: fields of the current scope, captured (copied, bounded, redacted) now. */
  assign(fields: unknown): void {
    const state = this.currentScope().state;
    const captured = captureFields(state.fields, fields, this.policy);
    state.fields = captured.fields;
    if (captured.refused > 0) {
      this.dispatcher.reporter.report('assign', `IncidentBuffer.assign(): ${captured.refused} field(s) left out (at most 32 per scope)`);
    }
  }

  /** `IncidentBuffer.markForIncident()`: the current scope writes its window when it ends (the global scope: at shutdown). */
  markForIncident(note: unknown): void {
    const scope = this.currentScope();
    scope.state.marked = note === undefined ? '' : boundText(String(note), 1024, this.policy.redactor);
    if (scope.kind !== 'request' || scope.ended) return;
    // Written when the scope ends: its id goes out now, while the response's headers can still carry it.
    this.links?.reserve(scope);
    // A request that logged nothing is not watched yet; `run()` scopes end through `endRun`.
    if (!scope.watchEnd()) this.endRequest(scope);
  }

  /** A `run()` scope's work settled: its outcome, and the outcome incident if one is due. */
  endRun(scope: IncidentScope, rejection?: { error: unknown }): void {
    if (scope.ended) return;
    if (rejection !== undefined) {
      scope.state.exception = rejection.error;
      scope.state.hasException = true;
    }
    const outcome = { durationMs: Date.now() - scope.startedAt };
    scope.end(outcome);
    // Most units of work end well and wrote nothing: decided without building anything more.
    if (rejection === undefined && scope.stateIfAny === undefined && !this.outcomes.mayApply(outcome, scope.size > 0)) return;
    this.afterEnd(scope, rejection !== undefined);
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

  /** Counters of the live request scopes, the memory budget and the policies' decisions. */
  stats(): IncidentBufferStats {
    const counters = this.counters;
    return {
      ...this.registry.stats(),
      incidents: { ...counters.incidents },
      repeated: counters.repeated,
      suppressed: counters.suppressed,
      ignoredByStatus: counters.ignoredByStatus,
      droppedByLevel: counters.dropped.toRecord(),
      targetFailures: this.dispatcher.failures,
    };
  }

  /** Text too long to keep whole (a long URL): redacted before it is cut, so a secret across the cut is still recognised. */
  redactAndCut(text: string, max: number): string {
    return boundText(text, max, this.policy.redactor);
  }

  /** A problem of the library's own (a throwing option callback), on stderr, once per topic. */
  reportInternal(topic: string, text: string): void {
    this.dispatcher.reporter.report(topic, text);
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
    this.requestEnds?.subscribe();
    this.links?.start();
  }

  /** Writes what shutdown owes (a marked global scope, a storm summary), then waits for every target's pending writes. */
  flushTargets(): Promise<void> {
    const global = this.globalScope;
    if (global.stateIfAny?.marked !== undefined && !global.ended) {
      global.end({ durationMs: Date.now() - global.startedAt });
      this.afterEnd(global, false);
    }
    this.storm?.writeSummary(Date.now(), true);
    return this.dispatcher.flush();
  }

  /** Removes the process hooks, flushes and closes the targets. */
  async stop(): Promise<void> {
    this.processHooks.uninstall();
    this.requestEnds?.unsubscribe();
    this.links?.stop();
    this.storm?.cancel();
    clearTimeout(this.flushLevelTimer);
    await this.dispatcher.close();
  }

  /** A record that could trigger, pass through, or go to the reserved warnings; true when it triggered an incident. */
  private decide(scope: IncidentScope, level: LogLevel, value: number, message: unknown, params: unknown[]): boolean {
    const records = captureRecords(level, message, params, this.policy, Date.now());
    if (value >= this.triggers.lowestValue) {
      const decision = this.triggers.decide(records[0], value, message, params, () => ({
        scope: scope.kind,
        request: this.shownRequest(scope),
      }));
      if (decision === 'trigger') {
        const told = this.toldIn(message, params);
        if (told === undefined) this.flushScope(scope, 'level', records, value === FATAL);
        else this.writeTold(scope, records, told, value === FATAL);
        return true;
      }
      if (decision === 'ignored') this.counters.ignoredByStatus++;
    }
    if (value >= this.passthroughValue) {
      this.passThrough(scope, records);
      return false;
    }
    for (const record of records) {
      if (value >= WARN) scope.addReserved(record, recordBytes(record));
      else scope.add(record, recordBytes(record));
    }
    return false;
  }

  /** The incident that already told an error among a trigger's arguments (a `rejected` one), if any. */
  private toldIn(message: unknown, params: unknown[]): string | undefined {
    let told = typeof message === 'object' && message !== null ? this.toldErrors.get(message) : undefined;
    for (let i = 0; told === undefined && i < params.length; i++) {
      const param = params[i];
      if (typeof param === 'object' && param !== null) told = this.toldErrors.get(param);
    }
    return told;
  }

  /**
   * An error whose story was written already (its scope ended `rejected`),
   * logged again by whoever ran the work: its line alone, linked to that
   * incident. This scope's window is not written for it; it stays buffered.
   */
  private writeTold(scope: IncidentScope, trigger: IncidentRecord[], told: string, durable: boolean): void {
    const records = this.scrubber.records(trigger);
    const last = records[records.length - 1];
    const draft: IncidentDraft = {
      reason: 'level',
      scope: scope.kind,
      records,
      trigger: last,
      dropped: 0,
      request: this.shownRequest(scope),
      fingerprint: fingerprintOf(last),
      links: [told],
    };
    this.dispatch(scope, draft, durable);
  }

  /** Written to the targets now, and kept in the window marked as already written. */
  private passThrough(scope: IncidentScope, records: IncidentRecord[]): void {
    const request = this.shownRequest(scope);
    for (const record of records) {
      const passed = PassthroughRecord.from(record);
      this.dispatcher.writeRecord(passed, request, scope.kind);
      this.counters.incidents.passthrough++;
      if (LOG_LEVEL_VALUES[passed.level] >= WARN) scope.addReserved(passed, recordBytes(passed));
      else scope.add(passed, recordBytes(passed));
    }
  }

  /**
   * Writes the scope's window (plus an optional trigger) as an incident. The
   * one place records leave a buffer for the targets: redacted here, once,
   * before any target sees them; storm control decides here how much of it
   * is written.
   */
  private flushScope(
    scope: IncidentScope,
    reason: IncidentReason,
    trigger?: IncidentRecord[],
    durable = false,
    fatal = durable && reason === 'level',
  ): Incident | undefined {
    const now = Date.now();
    const window = scope.take(now, this.options.maxRecordAgeMs);
    const records = this.scrubber.records(window.records);
    if (trigger) records.push(...this.scrubber.records(trigger));
    if (records.length === 0) return undefined;
    const last = trigger ? records[records.length - 1] : undefined;
    const fingerprint = last === undefined ? undefined : fingerprintOf(last);
    const request = this.shownRequest(scope);
    const verdict = this.storm?.admit(reason, fatal, fingerprint, last?.message ?? '', request?.id, now);
    if (verdict !== undefined && verdict.kind !== 'full') {
      // Storm control writes at most the trigger line: the window's records are dropped.
      for (const record of window.records) this.counters.dropped.count(record.level);
    }
    if (verdict?.kind === 'suppressed') {
      scope.state.heldBack = true;
      // Held back counts as written: its failed calls are not told again by a `downstream` incident.
      scope.state.downstream = undefined;
      this.counters.suppressed++;
      return undefined;
    }
    const draft: IncidentDraft = { reason, scope: scope.kind, records, trigger: last, dropped: window.dropped, request };
    if (verdict?.kind === 'repeat') {
      // The same failure again in this storm window: its trigger line only.
      this.counters.repeated++;
      draft.reason = 'repeat';
      draft.records = [last!];
      draft.dropped = window.dropped + window.records.length;
      draft.repeat = verdict.count;
    } else if (window.tally !== undefined) {
      draft.droppedByLevel = window.tally.levels();
      draft.droppedSpan = window.tally.span();
    }
    if (fingerprint !== undefined) draft.fingerprint = fingerprint;
    return this.dispatch(scope, draft, durable);
  }

  /** Hands a draft to the targets with what the scope adds (outcome, fields, previous); a pending storm summary goes first. */
  private dispatch(scope: IncidentScope | undefined, draft: IncidentDraft, durable: boolean): Incident {
    if (draft.reason !== 'suppressed') this.storm?.writeSummary(Date.now(), false);
    if (scope?.outcome !== undefined) draft.outcome = scope.outcome;
    const trace = scope?.trace;
    if (trace !== undefined) {
      draft.traceId = trace.traceId;
      draft.spanId = trace.spanId;
    }
    const state = scope?.stateIfAny;
    let id: string | undefined;
    if (state !== undefined) {
      if (state.fields !== undefined) draft.fields = state.fields;
      if (state.lastIncidentId !== undefined) draft.previous = state.lastIncidentId;
      // The id the response's header announced, if any: this is the incident it names.
      id = state.reservedIncidentId;
      state.reservedIncidentId = undefined;
      // Failed outgoing calls since the last incident: this one tells them (no `downstream` incident follows).
      if (state.downstream !== undefined) {
        if (state.downstream.links.length > 0) draft.links = mergeLinks(draft.links, state.downstream.links);
        state.downstream = undefined;
      }
    }
    const incident = this.dispatcher.dispatch(draft, durable, id);
    this.counters.incidents[incident.reason]++;
    if (scope !== undefined) {
      scope.state.lastIncidentId = incident.id;
      this.links?.written(scope, incident.id);
      this.startTail(scope, incident);
    }
    return incident;
  }

  /** An HTTP request's response finished or closed: its outcome, and the outcome incident if one is due. */
  private endRequest(scope: IncidentScope): void {
    if (scope.ended) return;
    const signal = scope.signal;
    const finished = signal?.writableFinished === true;
    const durationMs = Date.now() - scope.startedAt;
    const outcome: IncidentOutcome = finished ? { status: signal!.statusCode, durationMs } : { durationMs, aborted: true };
    scope.end(outcome);
    // Most requests end well and wrote nothing: decided without building anything more.
    const state = scope.stateIfAny;
    if (state === undefined && !this.outcomes.mayApply(outcome, scope.size > 0)) return;
    this.afterEnd(scope, state?.failed === true && !wroteIncident(scope));
  }

  /**
   * The request threw, and Nest is about to reply: if that ends in an
   * incident (ExceptionsHandler logs an unknown error at 'error' after its
   * 500; else the status rule on the status sent), its id goes in the header
   * now. An `HttpException` with a status the outcome ignores (a 404) does not.
   */
  private exceptionNoted(scope: IncidentScope, error: unknown): void {
    try {
      this.announceFor(scope, error);
    } catch (failure) {
      // Runs inside Nest's filter lookup: a throw here would break the app's error reply.
      this.dispatcher.reporter.report('incidentLinks', `incidentLinks: the incident header was not set: ${describeFailure(failure)}`);
    }
  }

  private announceFor(scope: IncidentScope, error: unknown): void {
    const httpStatus = exceptionStatus(error);
    const logged = httpStatus === undefined && this.enabled[ERROR] === true && this.triggers.flushValueFor(EXCEPTIONS_HANDLER) <= ERROR;
    if (logged) return this.links!.reserve(scope);
    // Nest answers an error that is not an HttpException with a 500.
    const status = httpStatus ?? 500;
    const accepted = this.outcomes.acceptsStatus(status, () => this.shownRequest(scope));
    scope.state.statusVerdict = { status, accepted };
    // A scope that wrote an incident writes no `status` one (one failure, one incident): its header keeps naming the one written.
    if (accepted && !wroteIncident(scope)) this.links!.reserve(scope);
  }

  /** An outgoing call of the scope failed (`incidentLinks`): told by its next incident, or by a `downstream` one at its end. */
  private callFailed(scope: IncidentScope): void {
    if (scope.ended) {
      // A call the unit of work did not await, answered after it ended: its end was decided, so it is told now.
      const state = scope.state;
      const first = state.downstream?.first;
      if (first === undefined) return;
      const verdict = this.outcomes.downstream(
        {
          request: () => this.shownRequest(scope),
          outcome: scope.outcome ?? { durationMs: Date.now() - scope.startedAt },
          downstream: first,
        },
        Date.now(),
      );
      this.flushScope(scope, verdict.reason, verdict.trigger);
      return;
    }
    // A request that logged nothing is not watched yet (a record was just added: it is now, unless it closed).
    if (scope.signal !== undefined && !scope.watchEnd()) this.endRequest(scope);
  }

  /** An HTTP exception whose status `ignoreExceptionStatus` ignores ended the unit of work: counted, not a failure. */
  private answered(error: unknown): boolean {
    if (!this.triggers.ignoresFailure(error)) return false;
    this.counters.ignoredByStatus++;
    return true;
  }

  private afterEnd(scope: IncidentScope, rejected: boolean): void {
    try {
      const state = scope.stateIfAny;
      const verdict = this.outcomes.decide(
        {
          request: () => this.shownRequest(scope),
          outcome: scope.outcome!,
          marked: state?.marked,
          wroteIncident: wroteIncident(scope),
          hasRecords: scope.size > 0,
          exception: state?.hasException ? { value: state.exception } : undefined,
          rejected,
          downstream: state?.downstream?.first,
          statusVerdict: state?.statusVerdict,
          // Storm control holding back an incident is its decision, announced or not (docs/linked-incidents.md).
          announced: state !== undefined && state.reservedIncidentId !== undefined && !state.heldBack,
        },
        Date.now(),
      );
      if (verdict !== undefined) {
        const incident = this.flushScope(scope, verdict.reason, verdict.trigger);
        // Whoever ran the work may log the same error: it is told already (`links`).
        const error = state?.exception;
        if (incident !== undefined && verdict.reason === 'rejected' && typeof error === 'object' && error !== null) {
          this.toldErrors.set(error, incident.id);
        }
      }
      if (scope.stateIfAny?.tail !== undefined) this.writeTail(scope);
    } catch (error) {
      this.dispatcher.reporter.report('outcome', `the outcome of a scope was lost: ${describeFailure(error)}`);
    }
  }

  /** After a trigger, the next records are collected as a `tail` (`afterTrigger`). */
  private startTail(scope: IncidentScope, incident: Incident): void {
    const options = this.options.afterTrigger;
    const state = scope.state;
    if (state.tail !== undefined) {
      clearTimeout(state.tail.timer);
      state.tail = undefined;
    }
    if (options === undefined || incident.trigger === undefined || incident.reason === 'repeat' || scope.ended) return;
    const timer = setTimeout(() => this.writeTail(scope), options.ms);
    timer.unref();
    state.tail = { remaining: options.records, timer };
  }

  private advanceTail(scope: IncidentScope): void {
    const tail = scope.stateIfAny?.tail;
    if (tail === undefined || --tail.remaining > 0) return;
    this.writeTail(scope);
  }

  private writeTail(scope: IncidentScope): void {
    const state = scope.stateIfAny;
    if (state?.tail === undefined) return;
    clearTimeout(state.tail.timer);
    state.tail = undefined;
    this.flushScope(scope, 'tail');
  }

  /** The process is dying: write where it happened, and the global buffer, synchronously. */
  private flushCrash(error: unknown, origin: NodeJS.UncaughtExceptionOrigin): void {
    const scope = this.currentScope();
    const trigger = captureRecords('fatal', error, [origin], this.policy, Date.now());
    this.flushScope(scope, 'crash', trigger, true);
    if (scope !== this.globalScope) this.flushScope(this.globalScope, 'crash', undefined, true);
    this.storm?.writeSummary(Date.now(), true, true);
  }

  private shownRequest(scope: IncidentScope): IncidentRequest | undefined {
    const request = scope.request;
    if (request === undefined) return undefined;
    let shown = this.shownRequests.get(request);
    if (shown === undefined) {
      shown = this.scrubber.request(request) as IncidentRequest;
      this.shownRequests.set(request, shown);
    }
    return shown;
  }

  private computeSlowFrom(): number {
    const reserveFrom = this.options.reservedWarnings > 0 ? WARN : NEVER;
    return Math.min(this.triggers.lowestValue, this.passthroughValue, reserveFrom);
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
    if (LOG_LEVEL_VALUES[level] < this.triggers.flushLevelValue) return;
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
      // Copied: no record (nor cache key) pins a large string the context was cut from. Interned:
      // the next call's literal then finds it by pointer.
      kept = internString(detachString(context));
      this.contexts.set(kept, kept);
    }
    return kept;
  }
}
