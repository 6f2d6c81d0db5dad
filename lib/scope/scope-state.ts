/** A tail being collected after a trigger (`afterTrigger`). */
export interface TailState {
  /** Records still to collect before it is written. */
  remaining: number;
  timer: NodeJS.Timeout;
}

/** Outgoing calls of the scope answered with a failure since its last incident (`incidentLinks`). */
export interface DownstreamMark {
  /** Remote incident ids, de-duplicated, bounded (`MAX_LINKS`). */
  links: string[];
  /** The first failed call, as its record says it (`GET http://b/orders -> 503 (incident …)`), redacted. */
  first: string;
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
  /**
   * The id the scope's next incident takes, announced in the response's
   * incident header before the incident exists (the reply goes out before
   * Nest logs the error, before the outcome is known).
   */
  reservedIncidentId: string | undefined = undefined;
  /**
   * `outcome.status` asked before the reply (to announce the incident in the
   * header): asked once, so the header and the end agree even for a predicate
   * that would answer differently the second time.
   */
  statusVerdict: { status: number; accepted: boolean } | undefined = undefined;
  /** Failed outgoing calls not yet carried by an incident (`links`); a `downstream` incident at the end if none comes. */
  downstream: DownstreamMark | undefined = undefined;
}
