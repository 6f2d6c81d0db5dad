import { captureRecords } from '../capture/capture-records.util';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import { LogRecord } from '../capture/log-record';
import type { IncidentOutcome, IncidentReason, IncidentRequest } from '../interfaces/incident.interface';
import type { ResolvedOutcomeOptions } from '../options/resolved-options.interface';
import { DEFAULT_OUTCOME_STATUS } from '../options/policy-defaults';
import { describeRequest } from '../shared/describe-request.util';
import { describeFailure, isErrorLike } from '../shared/hostile-value.util';
import type { InternalReporter } from '../shared/internal-reporter';

/** The context of the synthetic record that names an outcome. */
export const OUTCOME_CONTEXT = 'IncidentOutcome';

/** What the engine knows of a scope that just ended. */
export interface EndedScope {
  /**
   * The request, redacted; undefined for the global scope. A function: its id
   * is generated (and its URL scrubbed) only if an incident or a predicate of
   * yours needs it, not for every request that ends.
   */
  request: () => IncidentRequest | undefined;
  outcome: IncidentOutcome;
  /** `markForIncident()` note, when marked. */
  marked: string | undefined;
  /** True when the scope already wrote an incident. */
  wroteIncident: boolean;
  /** True when the window holds records. */
  hasRecords: boolean;
  /** The exception thrown (HTTP: noted by the exception observer; `run()`: the rejection), when there was one. */
  exception?: { value: unknown };
  /** The `run()` promise rejected. */
  rejected: boolean;
  /** An incident id was announced in the response's header (`incidentLinks`), no incident took it, and storm control held nothing back. */
  announced?: boolean;
  /**
   * An outgoing call failed (`incidentLinks`) and no incident was written
   * since: the first such call, as its record says it (redacted).
   */
  downstream?: string;
  /** The status rule's answer, asked before the reply (`incidentLinks` header): not asked again for that status. */
  statusVerdict?: { status: number; accepted: boolean };
}

export interface OutcomeVerdict {
  reason: Extract<IncidentReason, 'status' | 'slow' | 'rejected' | 'marked' | 'sampled' | 'downstream'>;
  /** The synthetic trigger naming the outcome; none for `sampled`. */
  trigger?: LogRecord[];
}

function unitOf(request: IncidentRequest | undefined): string {
  return request === undefined ? 'global scope' : describeRequest(request);
}

/** `GET /orders/7 -> 500 in 812 ms`, `RUN job -> done in 12 ms`, `GET /x -> aborted after 30 s`. */
function describeOutcome(request: IncidentRequest | undefined, outcome: IncidentOutcome): string {
  const ms = Math.round(outcome.durationMs);
  if (outcome.aborted) return `${unitOf(request)} -> aborted by the client after ${ms} ms`;
  if (outcome.status !== undefined) return `${unitOf(request)} -> ${outcome.status} in ${ms} ms`;
  return `${unitOf(request)} -> done in ${ms} ms`;
}

/** An error named `Error` (`RpcException`, `WsException` keep that name): its class says what it is. */
function className(error: unknown): string {
  try {
    const name: unknown = (error as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name : 'Error';
  } catch {
    return 'Error'; // a hostile value
  }
}

/**
 * Incidents for how a unit of work ended when nothing logged at the flush
 * level: a status nobody logged, a slow request, a rejected `run()`, a
 * marked scope, a sampled healthy one. Decided once per scope, at its end.
 */
export class OutcomeRule {
  constructor(
    private readonly options: ResolvedOutcomeOptions | undefined,
    private readonly policy: CapturePolicy,
    private readonly reporter: InternalReporter,
  ) {}

  /** Whether every request's end must be observed (status, slowness or sampling are on). */
  get watchesRequests(): boolean {
    const options = this.options;
    return (
      options !== undefined &&
      (options.status !== undefined || options.slow !== undefined || options.slowMs !== undefined || options.sampleRate > 0)
    );
  }

  /**
   * Whether `decide` could write anything for a scope with no state (not
   * marked, nothing thrown, no incident written): false for almost every
   * request, which then costs no more than this check.
   */
  mayApply(outcome: IncidentOutcome, hasRecords: boolean): boolean {
    const options = this.options;
    if (options === undefined) return false;
    if (options.status !== undefined && outcome.status !== undefined) {
      if (options.status !== DEFAULT_OUTCOME_STATUS || outcome.status >= 500) return true;
    }
    if (options.slow !== undefined || (options.slowMs !== undefined && outcome.durationMs >= options.slowMs)) return true;
    return options.sampleRate > 0 && hasRecords;
  }

  decide(ended: EndedScope, now: number): OutcomeVerdict | undefined {
    const verdict = this.decideByRules(ended, now);
    if (verdict !== undefined || ended.announced !== true) return verdict;
    // The response's header named an incident (an exception Nest was to log, or the status rule to
    // accept) and none was written: a filter of the app answered it otherwise. The id leads somewhere.
    const text = `${describeOutcome(ended.request(), ended.outcome)}, the incident its response header announced`;
    return { reason: 'status', trigger: this.record('error', text, ended.exception, now) };
  }

  private decideByRules(ended: EndedScope, now: number): OutcomeVerdict | undefined {
    const { outcome } = ended;
    if (ended.marked !== undefined) {
      const note = ended.marked === '' ? 'marked' : `marked: ${ended.marked}`;
      return {
        reason: 'marked',
        trigger: this.record('warn', `${describeOutcome(ended.request(), outcome)}, ${note}`, ended.exception, now),
      };
    }
    const options = this.options;
    if (options === undefined) return ended.downstream === undefined ? undefined : this.downstream(ended, now);
    if (ended.rejected && options.rejected) {
      const text = `${unitOf(ended.request())} rejected after ${Math.round(outcome.durationMs)} ms`;
      return { reason: 'rejected', trigger: this.record('error', text, ended.exception, now) };
    }
    // Already written: Nest's ExceptionsHandler logged the error (a `level` incident). One block, not two.
    // A call that failed after that incident is told by an incident of its own.
    if (ended.wroteIncident) return ended.downstream === undefined ? undefined : this.downstream(ended, now);
    const known = ended.statusVerdict;
    if (known !== undefined && known.status === outcome.status ? known.accepted : this.acceptsStatus(outcome.status, ended.request)) {
      return { reason: 'status', trigger: this.record('error', describeOutcome(ended.request(), outcome), ended.exception, now) };
    }
    // Before slowness: the failed call is the cause, the time its retries took the consequence.
    if (ended.downstream !== undefined) return this.downstream(ended, now);
    const slow =
      options.slow !== undefined
        ? this.accepts('outcome.slow', options.slow, outcome.durationMs, ended.request)
        : options.slowMs !== undefined && outcome.durationMs >= options.slowMs;
    if (slow) {
      // The threshold is named when it is `slowMs`; a predicate of yours decided otherwise.
      const why = options.slow === undefined ? `slower than ${options.slowMs} ms` : 'slow';
      return { reason: 'slow', trigger: this.record('warn', `${describeOutcome(ended.request(), outcome)}, ${why}`, ended.exception, now) };
    }
    if (options.sampleRate > 0 && ended.hasRecords && Math.random() < options.sampleRate) return { reason: 'sampled' };
    return undefined;
  }

  /** Whether a request that ends with this status writes a `status` incident (its exception is noted before the reply). */
  acceptsStatus(status: number | undefined, request: () => IncidentRequest | undefined): boolean {
    const rule = this.options?.status;
    return status !== undefined && rule !== undefined && this.accepts('outcome.status', rule, status, request);
  }

  /** `GET /checkout -> 200 in 41 ms, after a failed call: GET http://orders/7 -> 503 (incident …)`: the scope recovered, or hid it. */
  downstream(ended: Pick<EndedScope, 'request' | 'outcome' | 'downstream' | 'exception'>, now: number): OutcomeVerdict {
    const text = `${describeOutcome(ended.request(), ended.outcome)}, after a failed call: ${ended.downstream}`;
    return { reason: 'downstream', trigger: this.record('warn', text, ended.exception, now) };
  }

  /** A predicate of the options; the default status rule needs no request (most requests never settle their id). */
  private accepts(
    name: string,
    predicate: (value: number, request: IncidentRequest) => boolean,
    value: number,
    shown: () => IncidentRequest | undefined,
  ): boolean {
    if (predicate === DEFAULT_OUTCOME_STATUS) return value >= 500;
    const request = shown();
    if (request === undefined) return false;
    try {
      return predicate(value, request) === true;
    } catch (error) {
      this.reporter.report(name, `${name} threw (no outcome incident): ${describeFailure(error)}`);
      return false;
    }
  }

  /** The synthetic trigger; with the exception's name, message, stack and fields when there was one. */
  private record(level: 'warn' | 'error', text: string, exception: { value: unknown } | undefined, now: number): LogRecord[] {
    if (exception === undefined) return [new LogRecord(level, now, text, OUTCOME_CONTEXT)];
    // Captured like any logged error: bounded, redacted, never throwing on a hostile value.
    const [captured] = captureRecords(level, exception.value, [], this.policy, now);
    const name =
      typeof captured.data?.name === 'string' ? captured.data.name : isErrorLike(exception.value) ? className(exception.value) : undefined;
    const what = name !== undefined && !captured.message.startsWith(name) ? `${name}: ${captured.message}` : captured.message;
    return [new LogRecord(level, now, `${text}: ${what}`, OUTCOME_CONTEXT, captured.stack, captured.data)];
  }
}
