import * as fc from 'fast-check';
import type { LogLevel } from '@nestjs/common';
import { formatIncident, Incident, IncidentRecord } from '../../lib';

/** The straightforward formatting the fast path must equal byte for byte. */
function reference(incident: Incident): string {
  const escape = (json: string) =>
    json.replace(/[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const requestId = incident.request?.id;
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
      }),
    ),
    ...incident.records.map((record, index) =>
      escape(
        JSON.stringify({
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
      ),
    ),
  ];
  return `${lines.join('\n')}\n`;
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
const level = fc.constantFrom<LogLevel>('verbose', 'debug', 'log', 'warn', 'error', 'fatal');
const record: fc.Arbitrary<IncidentRecord> = fc.record(
  {
    level,
    timestamp: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    message: text,
    context: text,
    stack: text,
    data: fc.dictionary(text, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  },
  { requiredKeys: ['level', 'timestamp', 'message'] },
);
const incident: fc.Arbitrary<Incident> = fc
  .record({
    id: text,
    reason: fc.constantFrom('level', 'manual', 'crash', 'dump'),
    scope: fc.constantFrom('request', 'global'),
    records: fc.array(record, { maxLength: 6 }),
    dropped: fc.nat(),
    request: fc.option(fc.record({ id: text, method: text, url: text }), { nil: undefined }),
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
