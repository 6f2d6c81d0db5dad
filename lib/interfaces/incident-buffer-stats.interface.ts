import type { LogLevel } from '@nestjs/common';
import type { IncidentReason } from './incident.interface';

/**
 * Counters of the live request scopes and of what the module decided since
 * it started: plain numbers, cheap enough for a metrics endpoint.
 * @publicApi
 */
export interface IncidentBufferStats {
  /** Request (and `run()`) scopes alive that hold records: a scope joins on its first record and leaves when its request ends. */
  liveScopes: number;
  /** Bytes held by their buffers together (estimated). */
  bufferedBytes: number;
  /** The budget `bufferedBytes` is kept under (`maxTotalBufferBytes`). */
  budgetBytes: number;
  /** Records evicted to keep all scopes together under the budget. */
  budgetEvictions: number;
  /** Incidents handed to the targets, by reason (`repeat` lines and `suppressed` summaries included; `passthrough`: records written at once). */
  incidents: Record<IncidentReason, number>;
  /** Triggers written as a `repeat` line instead of a full incident (storm control). */
  repeated: number;
  /** Triggers not written at all over the incident budget (storm control); each is counted in a `suppressed` summary. */
  suppressed: number;
  /** Trigger records not turned into an incident because they carried an exception with an ignored status (`ignoreExceptionStatus`). */
  ignoredByStatus: number;
  /** Records that left a buffer unwritten (ring, byte cap, budget, age, a window discarded by storm control), by level. */
  droppedByLevel: Record<LogLevel, number>;
  /** Calls to a target that threw or rejected. */
  targetFailures: number;
}
