import type { HeaderEntry } from './incident-entry.interface';
import { parseTextFields } from './text-fields';

const HEADER = /^=== INCIDENT (\S+) \| (.*) ===$/;
const DROPPED = /^dropped=(\d+)(?: \((.*)\))?$/;
const KIND_OF_METHOD: Record<string, string> = { RPC: 'rpc', EVENT: 'rpc', WS: 'ws', JOB: 'job', RUN: 'run' };
const OPERATION = / ((?:query|mutation|subscription) \S+)$/;

function numberOr(text: string): number | string {
  const value = Number(text);
  return text !== '' && Number.isFinite(value) ? value : text;
}

/** `GET /orders/7`, `POST /graphql query GetOrder`, `RUN` → method, url, operation, and the kind they imply. */
function parseRequest(header: HeaderEntry, described: string): void {
  const space = described.indexOf(' ');
  header.method = space === -1 ? described : described.slice(0, space);
  let url = space === -1 ? '' : described.slice(space + 1);
  const operation = OPERATION.exec(url);
  if (operation && header.method === 'POST') {
    header.operation = operation[1];
    url = url.slice(0, operation.index);
  }
  header.url = url;
  header.kind = header.operation !== undefined ? 'graphql' : (KIND_OF_METHOD[header.method] ?? 'http');
}

/** `(debug 10, log 2 from 03:09:01.100Z to 03:09:05.000Z)`: times of day stay as printed (the date is the first record's). */
function parseDropped(header: HeaderEntry, detail: string): void {
  const span = /(?:^| )(?:from (\S+) to (\S+)|at (\S+))$/.exec(detail);
  const levels = span ? detail.slice(0, span.index) : detail;
  if (span) header.droppedSpan = { from: span[1] ?? span[3], to: span[2] ?? span[3] };
  const byLevel: Record<string, number> = {};
  for (const part of levels.split(', ')) {
    const match = /^(\w+) (\d+)$/.exec(part.trim());
    if (match) byLevel[match[1]] = Number(match[2]);
  }
  if (Object.keys(byLevel).length > 0) header.droppedByLevel = byLevel;
}

function parseOutcome(text: string): Record<string, unknown> {
  const outcome: Record<string, unknown> = {};
  for (const word of text.split(' ')) {
    if (word === 'aborted') outcome.aborted = true;
    const [key, value] = word.split('=');
    if (value !== undefined) outcome[key] = numberOr(value);
  }
  return outcome;
}

/**
 * The text header line read back into the JSON header's shape. Parts are
 * separated by ` | ` in a fixed order (docs/incident-format.md); a URL could
 * hold ` | ` itself, so the request is everything up to the `request=` part.
 * Parts this version does not know (from a newer writer) are kept
 * as `key: value`. Returns undefined for a line that is not a header.
 */
export function parseTextHeader(line: string): HeaderEntry | undefined {
  const match = HEADER.exec(line);
  if (!match) return undefined;
  const header: HeaderEntry = { incident: match[1], type: 'incident', reason: '', records: 0, dropped: 0 };
  const parts = match[2].split(' | ');
  let index = 0;
  if (parts[0]?.startsWith('scope=')) {
    header.scope = parts[0].slice('scope='.length);
    index = 1;
  } else {
    const requestAt = parts.findIndex((part) => part.startsWith('request='));
    if (requestAt > 0) {
      header.scope = 'request';
      header.requestId = parts[requestAt].slice('request='.length);
      parseRequest(header, parts.slice(0, requestAt).join(' | '));
      index = requestAt + 1;
      if (parts[index]?.startsWith('parent=')) header.parentId = parts[index++].slice('parent='.length);
    }
  }
  for (; index < parts.length; index++) {
    const part = parts[index];
    if (part.startsWith('fields: ')) {
      // Always last, and its quoted values may hold ` | `.
      header.fields = parseTextFields(parts.slice(index).join(' | ').slice('fields: '.length));
      break;
    }
    if (part.startsWith('outcome: ')) {
      header.outcome = parseOutcome(part.slice('outcome: '.length));
      continue;
    }
    const dropped = DROPPED.exec(part);
    if (dropped) {
      header.dropped = Number(dropped[1]);
      if (dropped[2] !== undefined) parseDropped(header, dropped[2]);
      continue;
    }
    const equals = part.indexOf('=');
    if (equals <= 0) continue;
    const key = part.slice(0, equals);
    const value = part.slice(equals + 1);
    if (key === 'links') header.links = value.split(',');
    else if (key === 'trace') {
      // `trace=<traceId>/<spanId>`, as the text format prints the trace context.
      const slash = value.indexOf('/');
      header.traceId = slash < 0 ? value : value.slice(0, slash);
      if (slash >= 0) header.spanId = value.slice(slash + 1);
    } else if (key === 'suppressed') header.suppressed = { count: numberOr(value) };
    else if (key === 'records' || key === 'repeat' || key === 'passthrough') (header as Record<string, unknown>)[key] = numberOr(value);
    else header[key] = value;
  }
  if (header.reason === '') return undefined;
  return header;
}
