/** A tail being collected after a trigger (`afterTrigger`). */
export interface TailState {
  /** Records still to collect before it is written. */
  remaining: number;
  timer: NodeJS.Timeout;
}

/**
 * What a scope knows beyond its records, allocated only when a scope needs
 * it (an incident, `assign`, `markForIncident`, a noted exception): most
 * requests never do, so they do not pay for these fields.
 */
export class ScopeState {
  /** `IncidentBuffer.assign()` fields, redacted; replaced (not mutated) on each assign, so written incidents keep theirs. */
  fields: Readonly<Record<string, unknown>> | undefined = undefined;
  /** `markForIncident()` was called: the note (possibly empty). */
  marked: string | undefined = undefined;
  /** The exception the request threw (noted by the exception observer, `IncidentExceptionObserver`). */
  exception: unknown = undefined;
  /** True once an exception was noted (it may be `undefined` itself). */
  hasException = false;
  /** A GraphQL operation of this HTTP request failed with an error Nest did not log: `rejected` at the end unless an incident was written. */
  failed = false;
  /** The id of the scope's last incident (the next one names it as `previous`). */
  lastIncidentId: string | undefined = undefined;
  /** Storm control held back an incident of this scope: its failure was decided (no outcome incident repeats it). */
  heldBack = false;
  tail: TailState | undefined = undefined;
}
