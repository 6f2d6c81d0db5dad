import type { Incident, IncidentTarget } from '../../lib';

/** Keeps incidents in memory, for assertions. */
export class MemoryTarget implements IncidentTarget {
  readonly incidents: Incident[] = [];

  write(incident: Incident): void {
    this.incidents.push(incident);
  }

  messages(index = this.incidents.length - 1): string[] {
    return (this.incidents[index]?.records ?? []).map((record) => record.message);
  }
}
