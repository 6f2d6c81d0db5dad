// Shared helpers of the transport e2e specs (test/e2e/transport-*.e2e-spec.ts):
// picking incidents out of a MemoryTarget, a barrier for concurrent units of
// work, and the shape of an outcome trigger's message.
import { formatIncident, type Incident } from '../../lib';
import type { MemoryTarget } from './memory.target';
import { QUIET_MS, sleep } from './policy-app';

/**
 * A barrier: `arrive()` resolves once `parties` callers have arrived. Two
 * handlers that log, arrive, then log again are in flight at the same time
 * for certain, with no timer involved.
 */
export function barrier(parties: number): { arrive(): Promise<void> } {
  let arrived = 0;
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return {
    arrive() {
      arrived += 1;
      if (arrived === parties) open();
      return opened;
    },
  };
}

/** The messages of an incident's records, oldest first (the trigger last). */
export function messagesOf(incident: Incident | undefined): string[] {
  return (incident?.records ?? []).map((record) => record.message);
}

/** The incidents whose request has this url (a pattern, an event name, a job name), in writing order. */
export function incidentsAt(target: MemoryTarget, url: string): Incident[] {
  return target.incidents.filter((incident) => incident.request?.url === url);
}

/** The one incident one of whose records has this message; throws if there are none or several. */
export function incidentWith(target: MemoryTarget, message: string): Incident {
  const found = target.incidents.filter((incident) => incident.records.some((record) => record.message === message));
  if (found.length !== 1) {
    const summary = target.incidents.map((incident) => [incident.reason, incident.request?.url, messagesOf(incident)]);
    throw new Error(`${found.length} incidents hold "${message}"; all: ${JSON.stringify(summary)}`);
  }
  return found[0];
}

/** Whether some incident holds a record with this message (for until()). */
export function hasRecord(target: MemoryTarget, message: string): boolean {
  return target.incidents.some((incident) => incident.records.some((record) => record.message === message));
}

/** Waits for an absence ("nothing else was written"): never a timing assertion. */
export const quiet = (): Promise<void> => sleep(QUIET_MS);

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The message of a `rejected` trigger: `<describeRequest> rejected after <ms> ms: <Name>: <message>`. */
export function rejectedMessage(unit: string, error: string): RegExp {
  return new RegExp(`^${escapeRegExp(unit)} rejected after \\d+ ms: ${escapeRegExp(error)}$`);
}

/** The first line of the incident in the text format: `=== INCIDENT <id> | <METHOD> <url>[ <operation>] | request=… ===`. */
export function headerOf(incident: Incident): string {
  return formatIncident(incident, 'text').split('\n')[0];
}
