import type { Incident, IncidentRecord } from '../interfaces';
import { stringifyJsonLine } from './escape.util';
import { definedFields, droppedLevels, isPrinted } from './incident-view.util';
import { isoTime } from './iso-time.util';

/** One JSON string value, escaped like every line we write. */
function str(value: string): string {
  return stringifyJsonLine(value);
}

/**
 * A record's own fields, from `,"level"` to its last field (no closing
 * brace), assembled by hand rather than through JSON.stringify of an object:
 * only the strings are escaped. The bytes are those of JSON.stringify on the
 * same object (same key order, undefined fields left out); property tests
 * hold the two equal, for incident records and pass-through lines alike.
 */
export function recordFieldsJson(record: IncidentRecord): string {
  let fields = `,"level":${str(record.level)},"time":"${isoTime(record.timestamp)}"`;
  if (record.context !== undefined) fields += `,"context":${str(record.context)}`;
  fields += `,"message":${str(record.message)}`;
  if (record.stack !== undefined) fields += `,"stack":${str(record.stack)}`;
  if (record.data !== undefined) fields += `,"data":${stringifyJsonLine(record.data)}`;
  return fields;
}

/** A record line: the incident/request prefix is built once per incident. */
function recordLine(prefix: string, seq: number, record: IncidentRecord, isTrigger: boolean): string {
  return `${prefix}${seq}${isTrigger ? ',"trigger":true' : ''}${recordFieldsJson(record)}}`;
}

/** The header object; JSON.stringify leaves out what is undefined, so an incident without the newer fields prints as before. */
function header(incident: Incident, passthrough: number): unknown {
  const { droppedSpan, outcome, suppressed } = incident;
  const levels = droppedLevels(incident);
  return {
    incident: incident.id,
    requestId: incident.request?.id,
    type: 'incident',
    reason: incident.reason,
    scope: incident.scope,
    kind: incident.request?.kind,
    method: incident.request?.method,
    url: incident.request?.url,
    operation: incident.request?.operation,
    parentId: incident.request?.parentId,
    traceId: incident.traceId,
    spanId: incident.spanId,
    records: incident.records.length,
    dropped: incident.dropped,
    droppedByLevel: levels.length > 0 ? Object.fromEntries(levels) : undefined,
    // ISO times, like every `time` we write.
    droppedSpan: droppedSpan && { from: isoTime(droppedSpan.from), to: isoTime(droppedSpan.to) },
    outcome: outcome && { status: outcome.status, durationMs: outcome.durationMs, aborted: outcome.aborted },
    previous: incident.previous,
    links: incident.links !== undefined && incident.links.length > 0 ? incident.links : undefined,
    fingerprint: incident.fingerprint,
    repeat: incident.repeat,
    suppressed: suppressed && {
      count: suppressed.count,
      first: isoTime(suppressed.first),
      last: isoTime(suppressed.last),
      requestIds: suppressed.requestIds,
      fingerprints: suppressed.fingerprints,
    },
    passthrough: passthrough > 0 ? passthrough : undefined,
    // Nested, so a field named like a header key cannot overwrite it.
    fields: definedFields(incident).length > 0 ? incident.fields : undefined,
  };
}

/**
 * JSON lines: a header object, then one object per record. Every line carries
 * `incident` and `requestId`, so `grep <id>` or `jq 'select(.incident=="…")'`
 * returns the whole incident. Record fields come first and user data is
 * nested under `data`, so logged content cannot overwrite them.
 *
 * Pass-through records are left out (they were written on their own line
 * when logged); `seq` still numbers every record of the window, so its gaps
 * show where they were, and the header counts them in `passthrough`.
 */
export function formatIncidentJson(incident: Incident): string {
  const requestId = incident.request?.id;
  const prefix = `{"incident":${str(incident.id)}${requestId === undefined ? '' : `,"requestId":${str(requestId)}`},"type":"record","seq":`;
  const lines = [''];
  let passthrough = 0;
  incident.records.forEach((record, index) => {
    if (isPrinted(incident, record)) lines.push(recordLine(prefix, index + 1, record, record === incident.trigger));
    else passthrough++;
  });
  lines[0] = stringifyJsonLine(header(incident, passthrough));
  return `${lines.join('\n')}\n`;
}
