import type { LogLevel, Type } from '@nestjs/common';
import type { CaptureLimits } from './capture-limits.interface';
import type { RedactOptions } from './redact-options.interface';
import type { IncidentTarget } from './incident-target.interface';
import type { IncidentLinkOptions } from './incident-link-options.interface';
import type {
  ContextFlushLevels,
  IncidentAfterTriggerOptions,
  IncidentOutcomeOptions,
  IncidentStormOptions,
  IncidentTriggerPredicate,
} from './incident-policy-options.interface';

/**
 * Options of `IncidentLoggerModule.forRoot()` / `forRootAsync()`.
 * @publicApi
 */
export interface IncidentLoggerModuleOptions {
  /**
   * Records kept per scope (each request, and the global scope). The oldest is
   * dropped, and counted, when a new one arrives.
   * @default 30
   */
  bufferSize?: number;
  /**
   * Upper bound on the bytes one scope's buffer holds (estimated from string
   * lengths). The oldest records are dropped first when it is exceeded.
   * @default 262144 (256 KiB)
   */
  maxBufferBytes?: number;
  /**
   * Upper bound on the bytes held by all live request scopes together. Over
   * it, the scope that is writing drops its oldest records down to its fair
   * share (budget / live scopes), then the oldest scopes above their share do.
   * @default 67108864 (64 MiB)
   */
  maxTotalBufferBytes?: number;
  /**
   * Records at or above this level write the scope's window as an incident.
   * Records below it are buffered.
   * @default 'warn'
   */
  flushLevel?: LogLevel;
  /**
   * Flush levels for some contexts, instead of `flushLevel`:
   * `{ TypeOrmLogger: 'error' }` keeps TypeORM's warnings in the window.
   * @default {}
   */
  contextFlushLevels?: ContextFlushLevels;
  /**
   * Decides whether a record opens an incident: `true`, `false`, or
   * `undefined` for the level rule. Called only for records at or above the
   * lowest flush level (never on the buffering path); one that throws falls
   * back to the level rule and is reported once.
   * @default undefined
   */
  trigger?: IncidentTriggerPredicate;
  /**
   * A trigger record carrying an exception whose `getStatus()` this accepts
   * (a logged `NotFoundException`) stays in the window instead of opening an
   * incident, and is counted (`stats().ignoredByStatus`). `false` turns it off.
   * @default (status) => status >= 400 && status < 500
   */
  ignoreExceptionStatus?: ((status: number) => boolean) | false;
  /**
   * Records at or above this level (and below the flush level) are written
   * to the targets at once, and stay in the window. `'verbose'` is a
   * development mode: everything printed, incidents still grouped. Must be
   * below `flushLevel`.
   * @default undefined (off)
   */
  passthroughLevel?: LogLevel;
  /**
   * After a trigger, write what the scope logs next as a continuation
   * incident (`reason: 'tail'`, `previous: <id>`) after `records` records,
   * `ms` milliseconds, or when the scope ends. Off by default.
   */
  afterTrigger?: IncidentAfterTriggerOptions;
  /**
   * Warnings (from `warn` up to below the flush level) kept in a small ring of
   * their own, so a flood of debug lines cannot evict them; merged in order
   * when the window is taken. `0` turns it off.
   * @default 5
   */
  reservedWarnings?: number;
  /**
   * Records older than this when the window is taken are left out, and
   * counted as dropped (the global scope would otherwise show boot lines from
   * last week).
   * @default undefined (no limit)
   */
  maxRecordAgeMs?: number;
  /**
   * Incidents for how a request or `run()` scope ended: a 5xx status nobody
   * logged, a slow request, a rejected `run()`, sampled healthy requests.
   * `false` turns them all off.
   * @default { status: (s) => s >= 500, rejected: true, sampleRate: 0 }
   */
  outcome?: IncidentOutcomeOptions | false;
  /**
   * Storm control: per window, the first `fullIncidents` of each failure in
   * full, then a `repeat` line each, and nothing past `maxIncidents` but one
   * `suppressed` summary. `fatal`, crash, manual, marked and dump incidents
   * are never held back. `false` turns it off.
   * @default { windowMs: 60000, fullIncidents: 3, maxIncidents: 60 }
   */
  storm?: IncidentStormOptions | false;
  /**
   * Levels that are enabled at all. Disabled levels are dropped, not buffered.
   * Same semantics as Nest's `logLevels`; `setLogLevels()` changes it at runtime.
   * @default ['verbose', 'debug', 'log', 'warn', 'error', 'fatal']
   */
  logLevels?: LogLevel[];
  /**
   * Where incidents are written: instances, or classes resolved through Nest's
   * DI (an existing provider is reused, otherwise the class is instantiated
   * with its dependencies injected). At least one: to discard incidents on
   * purpose, pass a target that does nothing (`[{ write() {} }]`).
   * @default [new ConsoleTarget()]
   */
  targets?: Array<IncidentTarget | Type<IncidentTarget>>;
  /**
   * Mount the request-scope middleware on every route. Set to `false` to mount
   * `IncidentScopeMiddleware` yourself.
   * @default true
   */
  mountMiddleware?: boolean;
  /**
   * Nest 12 microservices: open a scope for each message and event with a
   * pre-request hook, before guards run (Nest 10 and 11 have no hooks: use
   * `IncidentScopeInterceptor`). A hybrid app's microservice gets it when
   * connected with `{ inheritAppConfig: true }`.
   * @default true
   */
  scopeMessages?: boolean;
  /**
   * Header read for the request id (a valid incoming value is reused,
   * otherwise an id is generated). Lower case.
   * @default 'x-request-id'
   */
  requestIdHeader?: string;
  /**
   * On an uncaught exception or unhandled rejection, write the incident of the
   * scope it happened in, and the global buffer, synchronously before the
   * process dies. Observes through `uncaughtExceptionMonitor`: Node's own
   * behaviour and exit code are unchanged.
   * @default true
   */
  flushOnCrash?: boolean;
  /**
   * Trace correlation: each scope reads its W3C trace context once, when it
   * opens (the active OpenTelemetry span when `@opentelemetry/api` is
   * installed, else a valid `traceparent` request header, else the scope it
   * was opened in), and its incidents carry `traceId` and `spanId`. Never
   * read per record. `false` turns it off.
   * @default true
   */
  traceContext?: boolean;
  /**
   * Incidents linked across services: the response of a scope that wrote an
   * incident names it in a header (`x-incident-id`); outgoing HTTP calls
   * (`node:http`/`https`, `fetch`/undici, observed through
   * `diagnostics_channel`) carry the request id and `traceparent`; a call
   * answered with a 5xx or with that header makes the calling scope write its
   * window when it ends (`reason: 'downstream'`, `links: [<remote id>]`),
   * even if it recovered. `false` turns all of it off: no header, no
   * observation, no propagation. See docs/linked-incidents.md.
   * @default { header: 'x-incident-id', downstream: (status) => status >= 500, propagate: true }
   */
  incidentLinks?: IncidentLinkOptions | false;
  /**
   * A signal that writes every live buffer (`IncidentBuffer.dumpAll()`), e.g.
   * `'SIGUSR2'`. Off by default: listening to a signal changes what it does.
   * @default undefined
   */
  dumpSignal?: NodeJS.Signals;
  /**
   * Echo the request id on the response under `requestIdHeader`, so a caller
   * can quote it when reporting a failure. Off by default: it makes every
   * request generate an id and set a header (~1% of a bare request's CPU on
   * Node 20, ~2.5% on Node 24), where otherwise only a request that writes an
   * incident or reads `IncidentBuffer.request` generates one.
   * @default false
   */
  setResponseHeader?: boolean;
  /**
   * One line on stderr when the application starts, saying the module is
   * active, what it buffers, its flush level and its targets (a silent start
   * looks like a hang: Nest's own boot lines are buffered too). A warning
   * follows, once, when Nest's logger is not `IncidentLogger` (a forgotten
   * `app.useLogger(app.get(IncidentLogger))`). `false` turns both off.
   * @default true
   */
  startupNotice?: boolean;
  /**
   * Redaction of everything a target, snapshot or report shows (applied
   * when a record leaves the buffer, or at capture for errors and values
   * that need it; see docs/safety.md#redaction):
   * values under secret-looking property names (any depth, any case) and
   * secret-looking substrings of every string (Bearer/Basic credentials, JWTs,
   * passwords in URLs, `token=…` pairs) are replaced by a censor. `false`
   * turns it off. Invalid settings fail at startup.
   * @default {} (on, with DEFAULT_REDACT_KEYS and the built-in patterns, censor '[REDACTED]')
   */
  redact?: RedactOptions | false;
  /**
   * Bounds applied when a logged value is captured, so a huge string or object
   * costs a bounded amount of memory (and is not retained).
   * @default { maxStringLength: 8192, maxDepth: 6, maxBreadth: 100, maxNodes: 1000, maxJsonLength: 65536 }
   */
  captureLimits?: Partial<CaptureLimits>;
}
