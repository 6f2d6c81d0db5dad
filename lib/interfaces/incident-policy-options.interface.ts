import type { LogLevel } from '@nestjs/common';
import type { IncidentRecord, IncidentRequest } from './incident.interface';

/**
 * Incidents for how a unit of work ended, when nothing logged at `flushLevel`
 * (`outcome` option). @publicApi
 */
export interface IncidentOutcomeOptions {
  /**
   * Whether an HTTP status writes the request's window (`reason: 'status'`).
   * Not when the scope already wrote an incident (Nest's ExceptionsHandler
   * logs an unhandled error: one incident, not two). `false` turns it off.
   * @default (status) => status >= 500
   */
  status?: ((status: number, request: IncidentRequest) => boolean) | false;
  /**
   * A request (or `run()` scope) that takes at least this long writes its
   * window (`reason: 'slow'`). Off by default.
   */
  slowMs?: number;
  /**
   * Decides slowness instead of `slowMs` alone, e.g. to exclude server-sent
   * events or long polling: `(ms, req) => ms >= 2000 && !req.url.startsWith('/events')`.
   * @default (durationMs) => durationMs >= slowMs
   */
  slow?: (durationMs: number, request: IncidentRequest) => boolean;
  /**
   * An `IncidentBuffer.run()` whose function throws, or whose promise
   * rejects, writes the scope's window (`reason: 'rejected'`), then the
   * error goes on unchanged.
   * @default true
   */
  rejected?: boolean;
  /**
   * Share (0 to 1) of healthy requests that write their window anyway
   * (`reason: 'sampled'`), as a baseline to compare incidents with.
   * @default 0
   */
  sampleRate?: number;
}

/** Storm control: the same failure from many requests writes a bounded output (`storm` option). @publicApi */
export interface IncidentStormOptions {
  /** Length of a storm window. @default 60000 */
  windowMs?: number;
  /** Full incidents per fingerprint per window; later ones are written as one `repeat` line each. @default 3 */
  fullIncidents?: number;
  /**
   * Incidents (full and `repeat`) per window over all fingerprints; past it,
   * nothing more is written until the window ends, then one `suppressed`
   * summary (also written at shutdown and on a crash).
   * @default 60
   */
  maxIncidents?: number;
}

/** A bounded tail after a trigger (`afterTrigger` option). @publicApi */
export interface IncidentAfterTriggerOptions {
  /** Write the tail once this many records were logged after the trigger. @default 20 */
  records?: number;
  /** Write the tail this long after the trigger (or when the scope ends, if sooner). @default 5000 */
  ms?: number;
}

/** What a `trigger` predicate is told of the scope a record was logged in. @publicApi */
export interface IncidentTriggerScope {
  scope: 'request' | 'global';
  request?: IncidentRequest;
}

/** The `trigger` option: `true` opens an incident, `false` buffers the record, `undefined` leaves it to the level rule. @publicApi */
export type IncidentTriggerPredicate = (record: IncidentRecord, scope: IncidentTriggerScope) => boolean | undefined;

/** Options of `IncidentLogger.setFlushLevel()`. @publicApi */
export interface SetFlushLevelOptions {
  /** Go back to the configured `flushLevel` after this long (a timer that does not keep the process alive). */
  forMs?: number;
}

/** Per-context flush levels: `{ TypeOrmLogger: 'error' }`. @publicApi */
export type ContextFlushLevels = Record<string, LogLevel>;
