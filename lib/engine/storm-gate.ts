import { LogRecord } from '../capture/log-record';
import type { IncidentStormOptions } from '../interfaces/incident-policy-options.interface';
import type { IncidentReason, IncidentSuppression } from '../interfaces/incident.interface';
import { StormControl, type StormVerdict } from '../policy/storm-control';
import type { IncidentDraft } from './incident-dispatcher';

/** The context of the record that sums up what storm control held back. */
export const STORM_CONTEXT = 'IncidentStorm';

/** Reasons storm control may hold back: failures that repeat. `fatal`, crash, manual, marked, dump never are. */
const STORM_REASONS: ReadonlySet<IncidentReason> = new Set<IncidentReason>(['level', 'status', 'slow', 'rejected', 'downstream']);

/**
 * Storm control as the engine uses it: which incidents it applies to, the
 * summary incident of what it held back, and a timer that writes that
 * summary when its window ends, so a storm that stops is still reported
 * without waiting for the next incident.
 */
export class StormGate {
  private readonly control: StormControl;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly options: Required<IncidentStormOptions>,
    /** Writes a summary draft (the engine dispatches it). */
    private readonly emit: (draft: IncidentDraft, durable: boolean) => void,
  ) {
    this.control = new StormControl(options);
  }

  /** Undefined: not subject to storm control (always written in full). */
  admit(
    reason: IncidentReason,
    fatal: boolean,
    fingerprint: string | undefined,
    message: string,
    requestId: string | undefined,
    now: number,
  ): StormVerdict | undefined {
    if (fatal || fingerprint === undefined || !STORM_REASONS.has(reason)) return undefined;
    const verdict = this.control.admit(fingerprint, message, requestId, now);
    if (verdict.kind === 'suppressed') this.scheduleSummary(now);
    return verdict;
  }

  /** Before any incident is written: the summary of an ended window goes first. `final` (shutdown, crash) includes the current window. */
  writeSummary(now: number, final: boolean, durable = false): void {
    const summary = this.control.takeSummary(now, final);
    if (summary === undefined) return;
    if (final) this.cancel();
    this.emit(this.draft(summary, now), durable);
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private scheduleSummary(now: number): void {
    if (this.timer !== undefined) return;
    const end = this.control.windowEnd ?? now;
    this.timer = setTimeout(
      () => {
        this.timer = undefined;
        this.writeSummary(Date.now(), false);
      },
      Math.max(0, end - now) + 1,
    );
    this.timer.unref(); // never what keeps the process alive: shutdown writes it anyway
  }

  private draft(summary: IncidentSuppression, now: number): IncidentDraft {
    const top = summary.fingerprints
      .slice(0, 3)
      .map((entry) => `${entry.count} x "${entry.message}"`)
      .join(', ');
    const text = `${summary.count} incident(s) suppressed over the budget of ${this.options.maxIncidents} per ${this.options.windowMs} ms: ${top}`;
    const record = new LogRecord('warn', now, text, STORM_CONTEXT);
    return { reason: 'suppressed', scope: 'global', records: [record], trigger: record, dropped: 0, suppressed: summary };
  }
}
