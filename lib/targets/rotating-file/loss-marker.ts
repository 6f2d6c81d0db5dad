import { escapeText, stringifyJsonLine } from '../../format/escape.util';
import type { IncidentFormat } from '../../format/incident-format.interface';

/** Incidents and pass-through record lines, counted apart. */
export interface EntryCount {
  incidents: number;
  records: number;
}

/** `2 incidents`, `1 record`, `2 incidents and 1 record`. */
export function describeCount({ incidents, records }: EntryCount): string {
  const incidentText = `${incidents} ${incidents === 1 ? 'incident' : 'incidents'}`;
  if (records === 0) return incidentText;
  const recordText = `${records} ${records === 1 ? 'record' : 'records'}`;
  return incidents === 0 ? recordText : `${incidentText} and ${recordText}`;
}

/**
 * Stands in the file where incidents (or pass-through record lines) were
 * dropped: one line saying how many, why, and over which period.
 * Consecutive drops share one marker.
 */
export class LossMarker {
  incidents = 0;
  records = 0;
  private readonly reasons = new Set<string>();
  private first = 0;
  private last = 0;

  get empty(): boolean {
    return this.incidents === 0 && this.records === 0;
  }

  add(reason: string, lost: EntryCount, now = Date.now()): void {
    if (this.empty) this.first = now;
    this.incidents += lost.incidents;
    this.records += lost.records;
    this.last = now;
    this.reasons.add(reason);
  }

  /** Takes over another marker's counts, reasons and period. */
  merge(other: LossMarker): void {
    if (other.empty) return;
    if (this.empty || other.first < this.first) this.first = other.first;
    this.last = Math.max(this.last, other.last);
    this.incidents += other.incidents;
    this.records += other.records;
    for (const reason of other.reasons) this.reasons.add(reason);
  }

  render(format: IncidentFormat): string {
    const from = new Date(this.first).toISOString();
    const to = new Date(this.last).toISOString();
    const reasons = [...this.reasons];
    if (format === 'json') {
      // `lostRecords` only when records were lost: the line of an incident-only loss is as before.
      const lostRecords = this.records > 0 ? this.records : undefined;
      return `${stringifyJsonLine({ type: 'incidents-lost', lost: this.incidents, lostRecords, reasons, from, to })}\n`;
    }
    return `=== INCIDENTS LOST: ${describeCount(this)} not written (${escapeText(reasons.join('; '))}) from ${from} to ${to} ===\n`;
  }
}
