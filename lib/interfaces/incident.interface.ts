import type { LogLevel } from '@nestjs/common';

/**
 * One log call, captured at the moment it was made: later mutation of the
 * logged objects does not change it.
 * @publicApi
 */
export interface IncidentRecord {
  level: LogLevel;
  /** Epoch milliseconds at call time. */
  timestamp: number;
  /** The message as text. Objects are captured as bounded JSON text. */
  message: string;
  /** The Nest context (usually the class name given to `new Logger(ctx)`). */
  context?: string;
  /** Stack trace, with `Caused by:` sections for `Error.cause` chains. */
  stack?: string;
  /** Extra structured fields of a logged Error (name, code, cause, own properties). */
  data?: Record<string, unknown>;
  /**
   * True when the record was already written to the targets when it was
   * logged (`passthroughLevel`); it stays in the window for the incident.
   * The built-in formats do not print it a second time.
   */
  passthrough?: boolean;
}

/**
 * What kind of unit of work a scope is: an HTTP request, a microservice
 * message or event, a WebSocket event, a GraphQL operation, an
 * `@IncidentScoped()` method call, an `IncidentBuffer.run()` call.
 * @publicApi
 */
export type IncidentScopeKind = 'http' | 'rpc' | 'ws' | 'graphql' | 'job' | 'run';

/**
 * The unit of work an incident happened in: an HTTP request, or what stands
 * for one in other transports (see `kind`).
 * @publicApi
 */
export interface IncidentRequest {
  /** From the incoming `x-request-id` header when valid, the id you gave, or generated. */
  id: string;
  /** Set on every incident the module writes; optional so incidents built by hand (tests of your targets) need not name it. */
  kind?: IncidentScopeKind;
  /** The HTTP method; `RPC` (message) or `EVENT` for microservices, `WS`, `JOB`, `RUN`. */
  method: string;
  /** The URL; the message pattern, WebSocket event or job name for other kinds. */
  url: string;
  /** The id of the scope this one was opened in (a job started inside a request): its own window, linked, never merged. */
  parentId?: string;
  /** GraphQL: the operation, `query GetOrder` (`<type> <name>`, or `<type> <first field>` when unnamed). */
  operation?: string;
}

/** Why an incident was written. @publicApi */
export type IncidentReason =
  /** A record at or above `flushLevel` (or its context's level, or the `trigger` predicate) was logged. */
  | 'level'
  /** `IncidentBuffer.flush()` was called. */
  | 'manual'
  /** An uncaught exception or unhandled rejection. */
  | 'crash'
  /** `IncidentBuffer.dumpAll()` or the dump signal. */
  | 'dump'
  /** The request ended with a status `outcome.status` accepts (default: 500 and above). */
  | 'status'
  /** The request (or `run()` scope) took longer than `outcome.slowMs`. */
  | 'slow'
  /** The unit of work failed: an `IncidentBuffer.run()` or `@IncidentScoped()` call threw or rejected, a message, event or GraphQL operation failed with an error Nest did not log. */
  | 'rejected'
  /** `IncidentBuffer.markForIncident()` was called; written when the scope ended. */
  | 'marked'
  /** A healthy request picked by `outcome.sampleRate`, as a baseline. */
  | 'sampled'
  /** The records logged after a trigger (`afterTrigger`), linked by `previous`. */
  | 'tail'
  /** Storm control: the same failure again in this window; only its trigger line, with `repeat`. */
  | 'repeat'
  /** Storm control: what was not written over the incident budget, with `suppressed`. */
  | 'suppressed'
  /** One record written at once (`passthroughLevel`), to a target without `writeRecord`. */
  | 'passthrough'
  /**
   * An outgoing HTTP call of the scope was answered with a failure (a status
   * `incidentLinks.downstream` accepts, or a response naming an incident of
   * the called service), and the scope wrote no incident after it: its window,
   * written when it ended, with `links` naming the remote incidents. Written
   * even if the scope recovered (a retry, a fallback) and logged nothing.
   */
  | 'downstream';

/** How the scope's unit of work ended. @publicApi */
export interface IncidentOutcome {
  /** The HTTP status sent (HTTP requests only). */
  status?: number;
  /** From the start of the scope to its end. */
  durationMs: number;
  /** True when the client went away before the response was complete. */
  aborted?: boolean;
}

/** Storm control's summary of the incidents it did not write (`reason: 'suppressed'`). @publicApi */
export interface IncidentSuppression {
  /** Incidents not written over the budget in this window. */
  count: number;
  /** Epoch ms of the first and the last of them. */
  first: number;
  last: number;
  /** Request ids of the first few of them. */
  requestIds: string[];
  /** The most frequent failures among them, by fingerprint. */
  fingerprints: Array<{ fingerprint: string; count: number; message: string }>;
}

/**
 * The unit every target receives: the window of one scope, oldest first,
 * with the record that triggered it last.
 * @publicApi
 */
export interface Incident {
  /** Unique id, printed on every line a target writes for this incident. */
  id: string;
  reason: IncidentReason;
  /** `'request'` for an HTTP request or `IncidentBuffer.run()` scope, `'global'` otherwise. */
  scope: 'request' | 'global';
  /** Buffered records, oldest first, then the trigger (when there is one). */
  records: IncidentRecord[];
  /** The record that caused the incident; absent for manual flushes and dumps. */
  trigger?: IncidentRecord;
  /** Records that fell off the ring (count or byte cap, memory budget, age) since the window started. */
  dropped: number;
  /** The dropped records counted by level; present when `dropped > 0`. */
  droppedByLevel?: Partial<Record<LogLevel, number>>;
  /** Epoch ms of the oldest and the newest dropped record; present when `dropped > 0`. */
  droppedSpan?: { from: number; to: number };
  request?: IncidentRequest;
  /** How the scope ended; present once it has (outcome incidents, and incidents written after the end). */
  outcome?: IncidentOutcome;
  /** Key/values set with `IncidentBuffer.assign()`, redacted. */
  fields?: Record<string, unknown>;
  /** The id of the previous incident of the same scope. */
  previous?: string;
  /**
   * Incidents this one refers to. An error that already ended a scope as a
   * `rejected` incident, logged again elsewhere (by the scheduler that ran
   * the job, by the caller of `run()`), is written as its line alone, with
   * the id of the incident that told its story: the other scope's window is
   * not written for it. With `incidentLinks`: the incidents of other services
   * this scope's outgoing calls were answered with (their `x-incident-id`),
   * de-duplicated, at most 16, on the first incident the scope writes after
   * the call (`reason: 'downstream'` when nothing else was written).
   */
  links?: string[];
  /**
   * The W3C trace the scope ran in (32 hex digits), read once when it opened:
   * the active OpenTelemetry span, a valid incoming `traceparent` header, or
   * the scope it was opened in (`traceContext`). Absent when none was known.
   */
  traceId?: string;
  /** The span the scope ran under (16 hex digits): the server span with OpenTelemetry, else the caller's span from `traceparent`. */
  spanId?: string;
  /** A short hash of the trigger (level, context, error name, normalised message, first own stack frame): the same failure has the same fingerprint. */
  fingerprint?: string;
  /** `reason: 'repeat'`: how many times this fingerprint triggered in the current storm window, this one included. */
  repeat?: number;
  /** `reason: 'suppressed'`: what storm control did not write. */
  suppressed?: IncidentSuppression;
}
