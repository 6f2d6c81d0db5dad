import type { IncidentRecord, IncidentRequest } from '../interfaces';
import { escapeText, stringifyJsonLine } from './escape.util';
import type { IncidentFormat } from './incident-format.interface';
import { recordFieldsJson } from './json.format';
import { formatRecordText } from './text.format';

/**
 * One record on its own, as a target writes it at once (`passthroughLevel`,
 * `IncidentTarget.writeRecord`); the string ends with a newline.
 *
 * - `'text'`: the record's line as in an incident body, then ` request=<id>`
 *   (last, after the logged text, so that text cannot pass for it), then the
 *   indented stack lines. It stands outside any `=== INCIDENT` block.
 * - `'json'`: `{"type":"passthrough","requestId":…,"level":…,"time":…,…}`,
 *   the record fields of an incident's record line, with the same escaping.
 *   No `incident` key: no incident exists yet.
 */
export function formatRecordLine(
  record: IncidentRecord,
  request: IncidentRequest | undefined,
  format: IncidentFormat,
  colors = false,
): string {
  if (format === 'json') {
    const requestId = request === undefined ? '' : `,"requestId":${stringifyJsonLine(request.id)}`;
    return `{"type":"passthrough"${requestId}${recordFieldsJson(record)}}\n`;
  }
  return `${formatRecordText(record, colors, request === undefined ? '' : ` request=${escapeText(request.id)}`)}\n`;
}
