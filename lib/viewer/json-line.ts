import type { HeaderEntry, LineEntry, RecordEntry } from './incident-entry.interface';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isHeader(value: Record<string, unknown>): boolean {
  return typeof value.incident === 'string' && typeof value.reason === 'string';
}

function isRecord(value: Record<string, unknown>): boolean {
  return (
    typeof value.level === 'string' &&
    typeof value.time === 'string' &&
    !Number.isNaN(Date.parse(value.time)) &&
    typeof value.message === 'string'
  );
}

/**
 * One line of the JSON-lines format. Lenient about what it does not know
 * (extra keys are kept), strict about what list and show rely on: a header
 * names its incident and reason, a record its level, time and message.
 * Anything else that parses is another program's JSON: foreign.
 */
export function parseJsonLine(text: string): LineEntry {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { kind: 'broken' };
  }
  if (!isObject(value)) return { kind: 'foreign' };
  switch (value.type) {
    case 'incident':
      if (!isHeader(value)) return { kind: 'foreign' };
      return {
        kind: 'header',
        header: {
          ...value,
          records: typeof value.records === 'number' ? value.records : 0,
          dropped: typeof value.dropped === 'number' ? value.dropped : 0,
        } as HeaderEntry,
      };
    case 'record':
      return typeof value.incident === 'string' && isRecord(value) ? { kind: 'record', record: value as RecordEntry } : { kind: 'foreign' };
    case 'passthrough':
      return isRecord(value) ? { kind: 'passthrough' } : { kind: 'foreign' };
    case 'incidents-lost':
      return typeof value.lost === 'number' ? { kind: 'lost', count: value.lost } : { kind: 'foreign' };
    default:
      return { kind: 'foreign' };
  }
}
