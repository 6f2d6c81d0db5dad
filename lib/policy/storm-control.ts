import type { IncidentStormOptions } from '../interfaces/incident-policy-options.interface';
import type { IncidentSuppression } from '../interfaces/incident.interface';
import { truncateString } from '../serialize/truncate.util';

/** What storm control lets through: the nth full incident, the nth repeat line, or nothing (counted for the summary). */
export type StormVerdict = { kind: 'full'; count: number } | { kind: 'repeat'; count: number } | { kind: 'suppressed' };

/**
 * Fingerprints remembered per window, by each tally (admitted, suppressed in
 * the window, suppressed pending): past it, a new fingerprint is counted in
 * the totals but not remembered, so 10,000 different failures cost the same
 * memory as 1,000.
 */
const MAX_FINGERPRINTS = 1000;
const SUMMARY_FINGERPRINTS = 5;
const SUMMARY_REQUEST_IDS = 5;
/** A summary's message is the first of its fingerprint, cut here (a copy: the trigger's record is not pinned). */
const MESSAGE_LENGTH = 200;

const SUPPRESSED: StormVerdict = Object.freeze({ kind: 'suppressed' });

/** The incidents suppressed in one or more windows, in the order they came. */
class SuppressionTally {
  count = 0;
  first = 0;
  last = 0;
  readonly requestIds: string[] = [];
  readonly byFingerprint = new Map<string, { count: number; message: string }>();

  add(fingerprint: string, message: string, requestId: string | undefined, now: number): void {
    if (this.count === 0) this.first = now;
    this.count++;
    this.last = now;
    if (requestId !== undefined) this.addRequestId(requestId);
    if (!this.addCount(fingerprint, 1) && this.byFingerprint.size < MAX_FINGERPRINTS) {
      this.byFingerprint.set(fingerprint, { count: 1, message: truncateString(message, MESSAGE_LENGTH) });
    }
  }

  /** Adds a later tally to this one. */
  merge(later: SuppressionTally): void {
    if (later.count === 0) return;
    if (this.count === 0) this.first = later.first;
    this.count += later.count;
    this.last = later.last;
    for (const id of later.requestIds) this.addRequestId(id);
    for (const [fingerprint, entry] of later.byFingerprint) {
      if (!this.addCount(fingerprint, entry.count) && this.byFingerprint.size < MAX_FINGERPRINTS) {
        this.byFingerprint.set(fingerprint, { ...entry }); // its message is bounded already
      }
    }
  }

  summary(): IncidentSuppression {
    // Sorting is stable: among equal counts, the fingerprint suppressed first comes first.
    const fingerprints = [...this.byFingerprint]
      .sort(([, a], [, b]) => b.count - a.count)
      .slice(0, SUMMARY_FINGERPRINTS)
      .map(([fingerprint, { count, message }]) => ({ fingerprint, count, message }));
    return { count: this.count, first: this.first, last: this.last, requestIds: [...this.requestIds], fingerprints };
  }

  private addRequestId(id: string): void {
    // One request can trigger several times; five copies of its id would say less than five ids.
    if (this.requestIds.length < SUMMARY_REQUEST_IDS && !this.requestIds.includes(id)) this.requestIds.push(id);
  }

  /** Adds to a remembered fingerprint's count; false when it is not remembered. */
  private addCount(fingerprint: string, count: number): boolean {
    const entry = this.byFingerprint.get(fingerprint);
    if (entry !== undefined) entry.count += count;
    return entry !== undefined;
  }
}

/**
 * Storm control's bookkeeping, without timers or clocks: every call is given
 * `now` (epoch ms), so the engine owns the timer and tests own the time.
 *
 * Fixed windows of `windowMs`: a window opens at the first `admit` after the
 * previous one ended. In a window, each fingerprint's first `fullIncidents`
 * triggers are written in full and the later ones as repeat lines, until
 * `maxIncidents` (full and repeat, over all fingerprints) were admitted; past
 * that budget every trigger is suppressed, and counted in the window's
 * summary. A window's summary is taken once (`takeSummary`): the summaries of
 * ended windows not taken yet are merged, so each suppressed trigger is in
 * exactly one summary.
 *
 * A clock that steps back before the window's start ends the window too: a
 * window never lasts longer than `windowMs` of wall time.
 */
export class StormControl {
  private start = 0;
  private end: number | undefined;
  /** Full and repeat verdicts in the current window. */
  private admitted = 0;
  private readonly counts = new Map<string, number>();
  private current = new SuppressionTally();
  private pending = new SuppressionTally();

  constructor(private readonly options: Required<IncidentStormOptions>) {}

  /**
   * Epoch ms at which the current window ends; undefined while no window is
   * open (before the first `admit`, and after `takeSummary` found the window
   * ended: the next `admit` opens a new one).
   */
  get windowEnd(): number | undefined {
    return this.end;
  }

  /** Counts one trigger of `fingerprint` and says how to write it. */
  admit(fingerprint: string, message: string, requestId: string | undefined, now: number): StormVerdict {
    if (this.end === undefined || this.hasEnded(now)) this.openWindow(now);
    if (this.admitted >= this.options.maxIncidents) {
      this.current.add(fingerprint, message, requestId, now);
      return SUPPRESSED;
    }
    this.admitted++;
    const count = (this.counts.get(fingerprint) ?? 0) + 1;
    // Past the bound a new fingerprint is not remembered: each of its triggers counts as its first.
    if (count > 1 || this.counts.size < MAX_FINGERPRINTS) this.counts.set(fingerprint, count);
    return count <= this.options.fullIncidents ? { kind: 'full', count } : { kind: 'repeat', count };
  }

  /**
   * The summary of the triggers suppressed in the ended windows not taken yet
   * (merged into one), plus those of the current window when `includeCurrent`
   * (e.g. at shutdown or on a crash); undefined when
   * there are none. What it returns is never returned again.
   */
  takeSummary(now: number, includeCurrent: boolean): IncidentSuppression | undefined {
    if (this.end !== undefined && this.hasEnded(now)) this.closeWindow();
    if (includeCurrent) this.moveToPending();
    if (this.pending.count === 0) return undefined;
    const summary = this.pending.summary();
    this.pending = new SuppressionTally();
    return summary;
  }

  private hasEnded(now: number): boolean {
    return now >= (this.end as number) || now < this.start;
  }

  private openWindow(now: number): void {
    if (this.end !== undefined) this.closeWindow();
    this.start = now;
    this.end = now + this.options.windowMs;
  }

  private closeWindow(): void {
    this.moveToPending();
    this.counts.clear();
    this.admitted = 0;
    this.end = undefined;
  }

  private moveToPending(): void {
    if (this.current.count === 0) return;
    this.pending.merge(this.current);
    this.current = new SuppressionTally();
  }
}
