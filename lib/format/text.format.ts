import type { LogLevel } from '@nestjs/common';
import type { Incident, IncidentRecord } from '../interfaces';
import { describeRequest } from '../shared/describe-request.util';
import { escapeText } from './escape.util';
import { definedFields, droppedLevels, isPrinted } from './incident-view.util';
import { isoTime } from './iso-time.util';

const LEVEL_COLORS: Record<LogLevel, string> = {
  verbose: '\x1b[96m',
  debug: '\x1b[95m',
  log: '\x1b[32m',
  warn: '\x1b[33m',
  error: '\x1b[31m',
  fatal: '\x1b[1m',
};
const RESET = '\x1b[39m\x1b[22m';
const DAY_MS = 86_400_000;
// A key or string value printed bare in the header; anything else is quoted as
// a JSON string, so a value cannot pass for a separator or another field.
const BARE = /^[A-Za-z0-9_.:/@+-]+$/;

/**
 * `(debug 10, log 2 from 03:09:01.100Z to 03:09:05.000Z)`. Times of day alone
 * when the dropped records are from the day of the first record printed below
 * (which shows the date); full ISO times otherwise.
 */
function describeDropped(incident: Incident, reference: number | undefined): string {
  const parts = droppedLevels(incident)
    .map(([level, count]) => `${level} ${count}`)
    .join(', ');
  const span = incident.droppedSpan;
  if (!span) return parts === '' ? '' : ` (${parts})`;
  const sameDay = reference !== undefined && day(span.from) === day(reference) && day(span.to) === day(reference);
  const time = (ms: number) => (sameDay ? isoTime(ms).slice(11) : isoTime(ms));
  const when = span.from === span.to ? `at ${time(span.from)}` : `from ${time(span.from)} to ${time(span.to)}`;
  return ` (${parts === '' ? when : `${parts} ${when}`})`;
}

function day(ms: number): number {
  return Math.floor(ms / DAY_MS);
}

function headerWord(text: string): string {
  return BARE.test(text) ? text : JSON.stringify(text);
}

/** `key=value` pairs: strings bare when plain, otherwise (and every other value) as JSON. */
function describeFields(fields: Array<[string, unknown]>): string {
  return fields
    .map(([key, value]) => `${headerWord(key)}=${typeof value === 'string' ? headerWord(value) : (JSON.stringify(value) ?? String(value))}`)
    .join(' ');
}

function describeIncident(incident: Incident, printed: IncidentRecord[]): string {
  const parts = [`INCIDENT ${incident.id}`];
  if (incident.request) {
    parts.push(describeRequest(incident.request), `request=${incident.request.id}`);
    if (incident.request.parentId !== undefined) parts.push(`parent=${incident.request.parentId}`);
  } else {
    parts.push(`scope=${incident.scope}`);
  }
  parts.push(
    `reason=${incident.reason}`,
    `records=${incident.records.length}`,
    `dropped=${incident.dropped}${describeDropped(incident, printed[0]?.timestamp)}`,
  );
  const { outcome } = incident;
  if (outcome) {
    const status = outcome.status === undefined ? '' : `status=${outcome.status} `;
    parts.push(`outcome: ${status}durationMs=${outcome.durationMs}${outcome.aborted ? ' aborted' : ''}`);
  }
  if (incident.traceId !== undefined) parts.push(`trace=${incident.traceId}${incident.spanId === undefined ? '' : `/${incident.spanId}`}`);
  if (incident.previous !== undefined) parts.push(`previous=${incident.previous}`);
  if (incident.links !== undefined && incident.links.length > 0) parts.push(`links=${incident.links.join(',')}`);
  if (incident.fingerprint !== undefined) parts.push(`fingerprint=${incident.fingerprint}`);
  if (incident.repeat !== undefined) parts.push(`repeat=${incident.repeat}`);
  // The synthetic record says what was suppressed; the header only counts.
  if (incident.suppressed) parts.push(`suppressed=${incident.suppressed.count}`);
  const passthrough = incident.records.length - printed.length;
  if (passthrough > 0) parts.push(`passthrough=${passthrough}`);
  const fields = definedFields(incident);
  if (fields.length > 0) parts.push(`fields: ${describeFields(fields)}`);
  // One escape over the whole line: whatever a part holds, the header stays one line.
  return escapeText(parts.join(' | '));
}

/**
 * One record: its line (`suffix` appended to it), then its stack lines,
 * indented. Shared by the incident body and the pass-through record line.
 */
export function formatRecordText(record: IncidentRecord, colors: boolean, suffix = ''): string {
  const level = record.level.toUpperCase().padStart(7, ' ');
  const context = record.context ? ` [${escapeText(record.context)}]` : '';
  const paint = colors ? LEVEL_COLORS[record.level] : '';
  let line = `${isoTime(record.timestamp)} ${paint}${level}${colors ? RESET : ''}${context} ${escapeText(record.message)}`;
  if (record.data) line += ` ${escapeText(JSON.stringify(record.data))}`;
  line += suffix;
  if (record.stack) {
    for (const stackLine of record.stack.split('\n')) line += `\n    ${escapeText(stackLine)}`;
  }
  return line;
}

/**
 * The whole incident as one block: a header with ids and counts, one line per
 * record (stack lines indented below their record), and an end marker.
 * Pass-through records are left out (they were written on their own line
 * when logged); the header counts them.
 */
export function formatIncidentText(incident: Incident, colors = false): string {
  const printed = incident.records.filter((record) => isPrinted(incident, record));
  const lines = [`=== ${describeIncident(incident, printed)} ===`];
  for (const record of printed) lines.push(formatRecordText(record, colors));
  lines.push(`=== END INCIDENT ${escapeText(incident.id)} ===`);
  return `${lines.join('\n')}\n`;
}
