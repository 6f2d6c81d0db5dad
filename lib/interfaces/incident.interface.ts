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
}

/** The HTTP request an incident happened in. @publicApi */
export interface IncidentRequest {
  /** From the incoming `x-request-id` header when valid, otherwise generated. */
  id: string;
  method: string;
  url: string;
}

/** Why an incident was written. @publicApi */
export type IncidentReason =
  /** A record at or above `flushLevel` was logged. */
  | 'level'
  /** `IncidentBuffer.flush()` was called. */
  | 'manual'
  /** An uncaught exception or unhandled rejection. */
  | 'crash'
  /** `IncidentBuffer.dumpAll()` or the dump signal. */
  | 'dump';

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
  /** Records that fell off the ring (count or byte cap) since the window started. */
  dropped: number;
  request?: IncidentRequest;
}
