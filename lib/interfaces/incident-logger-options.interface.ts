import type { LogLevel, Type } from '@nestjs/common';
import type { CaptureLimits } from './capture-limits.interface';
import type { RedactOptions } from './redact-options.interface';
import type { IncidentTarget } from './incident-target.interface';

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
