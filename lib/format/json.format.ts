import type { Incident, IncidentRecord } from '../interfaces';
import { stringifyJsonLine } from './escape.util';
import { isoTime } from './iso-time.util';

/** One JSON string value, escaped like every line we write. */
function str(value: string): string {
  return stringifyJsonLine(value);
}

/**
 * A record line, assembled by hand rather than through JSON.stringify of an
 * object: the incident/request prefix is built once per incident and only the
 * strings are escaped. The bytes are those of JSON.stringify on the same
 * object (same key order, undefined fields left out); a property test holds
 * the two equal.
 */
function recordLine(prefix: string, seq: number, record: IncidentRecord, isTrigger: boolean): string {
  let line = `${prefix}${seq}`;
  if (isTrigger) line += ',"trigger":true';
  line += `,"level":${str(record.level)},"time":"${isoTime(record.timestamp)}"`;
  if (record.context !== undefined) line += `,"context":${str(record.context)}`;
  line += `,"message":${str(record.message)}`;
  if (record.stack !== undefined) line += `,"stack":${str(record.stack)}`;
  if (record.data !== undefined) line += `,"data":${stringifyJsonLine(record.data)}`;
  return `${line}}`;
}

/**
 * JSON lines: a header object, then one object per record. Every line carries
 * `incident` and `requestId`, so `grep <id>` or `jq 'select(.incident=="…")'`
 * returns the whole incident. Record fields come first and user data is
 * nested under `data`, so logged content cannot overwrite them.
 */
export function formatIncidentJson(incident: Incident): string {
  const requestId = incident.request?.id;
  const lines = [
    stringifyJsonLine({
      incident: incident.id,
      requestId,
      type: 'incident',
      reason: incident.reason,
      scope: incident.scope,
      method: incident.request?.method,
      url: incident.request?.url,
      records: incident.records.length,
      dropped: incident.dropped,
    }),
  ];
  const prefix = `{"incident":${str(incident.id)}${requestId === undefined ? '' : `,"requestId":${str(requestId)}`},"type":"record","seq":`;
  incident.records.forEach((record, index) => {
    lines.push(recordLine(prefix, index + 1, record, record === incident.trigger));
  });
  return `${lines.join('\n')}\n`;
}
