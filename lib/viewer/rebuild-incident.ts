import type { LogLevel } from '@nestjs/common';
import { escapeText, stringifyJsonLine } from '../format/escape.util';
import { formatIncidentJson } from '../format/json.format';
import { formatIncidentText } from '../format/text.format';
import type { Incident, IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import type { HeaderEntry, RecordEntry } from './incident-entry.interface';
import type { ReadIncident } from './read-incident.interface';

/** Header keys the formats of this version print; any other key came from a newer (or older) writer. */
const KNOWN_KEYS = new Set([
  'incident',
  'requestId',
  'type',
  'reason',
  'scope',
  'kind',
  'method',
  'url',
  'operation',
  'parentId',
  'traceId',
  'spanId',
  'records',
  'dropped',
  'droppedByLevel',
  'droppedSpan',
  'outcome',
  'previous',
  'links',
  'fingerprint',
  'repeat',
  'suppressed',
  'passthrough',
  'fields',
]);
const NO_TRIGGER = new Set(['manual', 'dump']);
/**
 * Placeholders for records a file counts but does not hold (pass-through
 * records), at most: a real incident holds a window (tens or thousands of
 * records), and a damaged or hostile header claiming a billion must not
 * make `show` allocate them.
 */
const MAX_PLACEHOLDERS = 100_000;

/** Left out when undefined, as the formats expect of absent fields. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, field]) => field !== undefined)) as T;
}

function extraKeys(header: HeaderEntry): Array<[string, unknown]> {
  return Object.entries(header).filter(([key, value]) => !KNOWN_KEYS.has(key) && value !== undefined);
}

function toRecord(entry: RecordEntry): IncidentRecord {
  return defined({
    level: entry.level as LogLevel,
    timestamp: Date.parse(entry.time),
    message: entry.message,
    context: entry.context,
    stack: entry.stack,
    data: typeof entry.data === 'object' && entry.data !== null ? (entry.data as Record<string, unknown>) : undefined,
  });
}

/** Stands where a pass-through record was (written on its own line before the incident): counted, never printed. */
function placeholder(): IncidentRecord {
  return { level: 'log', timestamp: 0, message: '', passthrough: true };
}

/** `03:09:01.100Z` (time of day, on the first record's date) or a full ISO time → epoch ms. */
function spanTime(text: unknown, date: string | undefined): number {
  const value = String(text);
  return Date.parse(value.includes('T') || date === undefined ? value : `${date}T${value}`);
}

function validSpan(from: number, to: number): { from: number; to: number } | undefined {
  return Number.isFinite(from) && Number.isFinite(to) ? { from, to } : undefined;
}

function request(header: HeaderEntry): IncidentRequest | undefined {
  if (header.scope === 'global' || (header.requestId === undefined && header.method === undefined)) return undefined;
  return defined({
    id: header.requestId ?? '',
    kind: header.kind as IncidentRequest['kind'],
    method: header.method ?? '',
    url: header.url ?? '',
    parentId: header.parentId,
    operation: header.operation,
  });
}

/**
 * The Incident an incident file describes, rebuilt from its header and
 * record lines, so the library's own formats (lib/format) print it again.
 * Pass-through records are not in the file as part of the incident: they
 * come back as placeholders where `seq` has gaps (JSON), or first (text,
 * which does not say where they were), so `records=` and `passthrough=` print
 * as written. Keys this version does not know are carried along.
 */
export function rebuildIncident(read: ReadIncident): Incident {
  const header = read.header;
  const entries = read.records ?? [];
  const printed = entries.map(toRecord);
  const limit = printed.length + MAX_PLACEHOLDERS;
  const total = Math.min(typeof header.records === 'number' ? header.records : printed.length, limit);
  let records: IncidentRecord[];
  if (read.format === 'json') {
    records = [];
    entries.forEach((entry, index) => {
      const seq = typeof entry.seq === 'number' ? entry.seq : records.length + 1;
      while (records.length < seq - 1 && records.length < limit) records.push(placeholder());
      records.push(printed[index]);
    });
  } else {
    const passthrough = typeof header.passthrough === 'number' ? header.passthrough : 0;
    records = [...Array.from({ length: Math.min(passthrough, MAX_PLACEHOLDERS) }, placeholder), ...printed];
  }
  if (header.reason !== 'passthrough') while (records.length < total) records.push(placeholder());
  let trigger: IncidentRecord | undefined;
  if (read.format === 'json') trigger = printed[entries.findIndex((entry) => entry.trigger === true)];
  else if (read.complete && !NO_TRIGGER.has(header.reason)) trigger = printed[printed.length - 1];
  const date = entries[0]?.time.slice(0, 10);
  const span = header.droppedSpan as { from?: unknown; to?: unknown } | undefined;
  const suppressed = header.suppressed as Record<string, unknown> | undefined;
  return defined({
    ...Object.fromEntries(extraKeys(header)),
    id: header.incident,
    reason: header.reason,
    scope: header.scope === 'global' ? 'global' : request(header) ? 'request' : 'global',
    records,
    trigger,
    dropped: header.dropped,
    droppedByLevel: header.droppedByLevel,
    droppedSpan: span && validSpan(spanTime(span.from, date), spanTime(span.to, date)),
    request: request(header),
    outcome: header.outcome,
    fields: header.fields,
    traceId: typeof header.traceId === 'string' ? header.traceId : undefined,
    spanId: typeof header.spanId === 'string' ? header.spanId : undefined,
    previous: header.previous,
    links: header.links,
    fingerprint: header.fingerprint,
    repeat: header.repeat,
    suppressed: suppressed && {
      ...suppressed,
      first: spanTime(suppressed.first, date),
      last: spanTime(suppressed.last, date),
    },
  } as Incident);
}

function describeValue(value: unknown): string {
  return typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
}

/**
 * The incident as a text block (lib/format's text format). Header keys this
 * version's format does not print (a `traceId` from a newer writer) are
 * added as ` | key=value` parts, so nothing the file held is lost.
 */
export function incidentAsText(read: ReadIncident): string {
  const block = formatIncidentText(rebuildIncident(read));
  const newline = block.indexOf('\n');
  let header = block.slice(0, newline);
  const extras = extraKeys(read.header)
    .map(([key, value]) => `${key}=${describeValue(value)}`)
    .filter((part) => !header.includes(part.slice(part.indexOf('=') + 1)));
  if (extras.length > 0) header = `${header.slice(0, -' ==='.length)} | ${escapeText(extras.join(' | '))} ===`;
  return `${header}${block.slice(newline)}`;
}

/**
 * The incident in the JSON-lines format. Read from a text file, what the
 * text header does not hold is left out: `suppressed` keeps its count only,
 * and unknown parts are added to the header object as they were printed.
 */
export function incidentAsJson(read: ReadIncident): string {
  const incident = rebuildIncident(read);
  if (incident.suppressed && !Array.isArray(incident.suppressed.requestIds)) {
    Object.assign(incident.suppressed, { first: 0, last: 0 });
  }
  const lines = formatIncidentJson(incident).split('\n');
  const header = JSON.parse(lines[0]) as Record<string, unknown>;
  if (read.format === 'text' && header.suppressed !== undefined)
    header.suppressed = { count: read.header.suppressed && (read.header.suppressed as { count: unknown }).count };
  for (const [key, value] of extraKeys(read.header)) if (!(key in header)) header[key] = value;
  lines[0] = stringifyJsonLine(header);
  return lines.join('\n');
}
