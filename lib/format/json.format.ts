import type { Incident } from '../interfaces';
import { stringifyJsonLine } from './escape.util';

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
  incident.records.forEach((record, index) => {
    lines.push(
      stringifyJsonLine({
        incident: incident.id,
        requestId,
        type: 'record',
        seq: index + 1,
        trigger: record === incident.trigger || undefined,
        level: record.level,
        time: new Date(record.timestamp).toISOString(),
        context: record.context,
        message: record.message,
        stack: record.stack,
        data: record.data,
      }),
    );
  });
  return `${lines.join('\n')}\n`;
}
