import { escapeText, stringifyJsonLine } from '../../format/escape.util';
import type { IncidentFormat } from '../../format/incident-format.interface';

/**
 * Stands in the file where incidents were dropped: one line saying how many,
 * why, and over which period. Consecutive drops share one marker.
 */
export class LossMarker {
  incidents = 0;
  private readonly reasons = new Set<string>();
  private first = 0;
  private last = 0;

  add(reason: string, count = 1, now = Date.now()): void {
    if (this.incidents === 0) this.first = now;
    this.incidents += count;
    this.last = now;
    this.reasons.add(reason);
  }

  /** Takes over another marker's count, reasons and period. */
  merge(other: LossMarker): void {
    if (other.incidents === 0) return;
    if (this.incidents === 0 || other.first < this.first) this.first = other.first;
    this.last = Math.max(this.last, other.last);
    this.incidents += other.incidents;
    for (const reason of other.reasons) this.reasons.add(reason);
  }

  render(format: IncidentFormat): string {
    const from = new Date(this.first).toISOString();
    const to = new Date(this.last).toISOString();
    const reasons = [...this.reasons];
    if (format === 'json') {
      return `${stringifyJsonLine({ type: 'incidents-lost', lost: this.incidents, reasons, from, to })}\n`;
    }
    const noun = this.incidents === 1 ? 'incident' : 'incidents';
    return `=== INCIDENTS LOST: ${this.incidents} ${noun} not written (${escapeText(reasons.join('; '))}) from ${from} to ${to} ===\n`;
  }
}
