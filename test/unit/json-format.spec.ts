import * as fc from 'fast-check';
import type { LogLevel } from '@nestjs/common';
import { formatIncident, Incident, IncidentRecord, IncidentRequest } from '../../lib';
import { formatRecordLine } from '../../lib/format/record-line.util';

const LEVELS: LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
const iso = (ms: number) => new Date(ms).toISOString();
const escape = (json: string) =>
  json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The fields of a record, as plain JSON.stringify would write them. */
function recordFields(record: IncidentRecord) {
  return {
    level: record.level,
    time: iso(record.timestamp),
    context: record.context,
    message: record.message,
    stack: record.stack,
    data: record.data,
  };
}

/** The straightforward formatting the fast path must equal byte for byte. */
function reference(incident: Incident): string {
  const requestId = incident.request?.id;
  const printed = (record: IncidentRecord) => !record.passthrough || record === incident.trigger || incident.reason === 'passthrough';
  const passthrough = incident.records.filter((record) => !printed(record)).length;
  const droppedLevels = LEVELS.filter((level) => (incident.droppedByLevel?.[level] ?? 0) > 0);
  const fields = Object.values(incident.fields ?? {}).some((value) => value !== undefined) ? incident.fields : undefined;
  const { droppedSpan, outcome, suppressed } = incident;
  const lines = [
    escape(
      JSON.stringify({
        incident: incident.id,
        requestId,
        type: 'incident',
        reason: incident.reason,
        scope: incident.scope,
        method: incident.request?.method,
        url: incident.request?.url,
        records: incident.records.length,
        dropped: incident.dropped,
        droppedByLevel:
          droppedLevels.length > 0 ? Object.fromEntries(droppedLevels.map((l) => [l, incident.droppedByLevel![l]])) : undefined,
        droppedSpan: droppedSpan ? { from: iso(droppedSpan.from), to: iso(droppedSpan.to) } : undefined,
        outcome: outcome ? { status: outcome.status, durationMs: outcome.durationMs, aborted: outcome.aborted } : undefined,
        previous: incident.previous,
        fingerprint: incident.fingerprint,
        repeat: incident.repeat,
        suppressed: suppressed ? { ...suppressed, first: iso(suppressed.first), last: iso(suppressed.last) } : undefined,
        passthrough: passthrough > 0 ? passthrough : undefined,
        fields,
      }),
    ),
    ...incident.records.flatMap((record, index) =>
      printed(record)
        ? [
            escape(
              JSON.stringify({
                incident: incident.id,
                requestId,
                type: 'record',
                seq: index + 1,
                trigger: record === incident.trigger || undefined,
                ...recordFields(record),
              }),
            ),
          ]
        : [],
    ),
  ];
  return `${lines.join('\n')}\n`;
}

function referenceRecordLine(record: IncidentRecord, request: IncidentRequest | undefined): string {
  return `${escape(JSON.stringify({ type: 'passthrough', requestId: request?.id, ...recordFields(record) }))}\n`;
}

// Strings with the characters that need escaping: quotes, backslashes, controls, C1, separators, bidi, lone surrogates.
const hostileChar = fc.constantFrom(
  '"',
  '\\',
  '\n',
  '\r',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u009b',
  '\u2028',
  '\u2029',
  '\u202e',
  '\ud800',
  '\udc00',
  'é',
  '😀',
);
const text = fc.array(fc.oneof(fc.string({ maxLength: 4 }), hostileChar), { maxLength: 12 }).map((parts) => parts.join(''));
const level = fc.constantFrom<LogLevel>(...LEVELS);
const time = fc.integer({ min: 0, max: 4_102_444_800_000 });
const record: fc.Arbitrary<IncidentRecord> = fc.record(
  {
    level,
    timestamp: time,
    message: text,
    context: text,
    stack: text,
    data: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
    passthrough: fc.boolean(),
  },
  { requiredKeys: ['level', 'timestamp', 'message'] },
);
const request = fc.option(fc.record({ id: text, method: text, url: text }), { nil: undefined });
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const incident: fc.Arbitrary<Incident> = fc
  .record({
    id: text,
    reason: fc.constantFrom('level', 'manual', 'crash', 'dump', 'status', 'tail', 'repeat', 'suppressed', 'passthrough'),
    scope: fc.constantFrom('request', 'global'),
    records: fc.array(record, { maxLength: 6 }),
    dropped: fc.nat(),
    droppedByLevel: optional(fc.dictionary(level, fc.nat({ max: 3 }), { maxKeys: 6 })),
    droppedSpan: optional(fc.record({ from: time, to: time })),
    request,
    outcome: optional(
      fc.record(
        { status: fc.integer({ min: 100, max: 599 }), durationMs: fc.nat(), aborted: fc.boolean() },
        { requiredKeys: ['durationMs'] },
      ),
    ),
    fields: optional(fc.dictionary(text, fc.oneof(text, fc.jsonValue({ maxDepth: 2 }), fc.constant(undefined)), { maxKeys: 4 })),
    previous: optional(text),
    fingerprint: optional(text),
    repeat: optional(fc.nat()),
    suppressed: optional(
      fc.record({
        count: fc.nat(),
        first: time,
        last: time,
        requestIds: fc.array(text, { maxLength: 5 }),
        fingerprints: fc.array(fc.record({ fingerprint: text, count: fc.nat(), message: text }), { maxLength: 5 }),
      }),
    ),
    triggerLast: fc.boolean(),
  })
  .map(({ triggerLast, ...rest }) => ({ ...rest, trigger: triggerLast ? rest.records.at(-1) : undefined }) as Incident);

describe('JSON lines formatting', () => {
  it('produces exactly the bytes of JSON.stringify on the same objects (plus the extra escapes)', () => {
    fc.assert(
      fc.property(incident, (value) => {
        expect(formatIncident(value, 'json')).toBe(reference(value));
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('the pass-through record line: exactly the bytes of JSON.stringify too', () => {
    fc.assert(
      fc.property(record, request, (value, req) => {
        expect(formatRecordLine(value, req, 'json')).toBe(referenceRecordLine(value, req));
      }),
      { seed: 4242, numRuns: 500 },
    );
  });

  it('every line of every incident parses, one object per line, whatever the new fields hold', () => {
    fc.assert(
      fc.property(incident, (value) => {
        const lines = formatIncident(value, 'json').slice(0, -1).split('\n');
        expect(lines.every((line) => typeof JSON.parse(line) === 'object')).toBe(true);
        expect(JSON.parse(lines[0]).type).toBe('incident');
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('writes the right time for every record when timestamps change within an incident', () => {
    const records = [0, 0, 1, 86_400_000, 1].map((timestamp) => ({ level: 'debug' as const, timestamp, message: 'm' }));
    const lines = formatIncident({ id: 'i', reason: 'manual', scope: 'global', records, dropped: 0 }, 'json')
      .trimEnd()
      .split('\n')
      .slice(1);
    expect(lines.map((line) => JSON.parse(line).time)).toEqual([
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:00.000Z',
      '1970-01-01T00:00:00.001Z',
      '1970-01-02T00:00:00.000Z',
      '1970-01-01T00:00:00.001Z',
    ]);
  });
});
