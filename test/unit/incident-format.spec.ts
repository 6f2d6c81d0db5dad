// The incident header fields of issue 11 in both formats, and the records a
// format leaves out because they were written earlier (pass-through).
import { formatIncident, Incident, IncidentRecord } from '../../lib';

const at = (time: string) => Date.parse(`2026-03-04T${time}Z`);
const debug: IncidentRecord = { level: 'debug', timestamp: at('03:09:06.000'), context: 'Orders', message: 'loading order 7' };
const early: IncidentRecord = {
  level: 'log',
  timestamp: at('03:09:06.100'),
  context: 'Orders',
  message: 'payment started',
  passthrough: true,
};
const trigger: IncidentRecord = {
  level: 'error',
  timestamp: at('03:09:06.812'),
  context: 'IncidentOutcome',
  message: 'GET /orders/7 -> 500 in 812 ms',
};

function incidentWith(extra: Partial<Incident> = {}): Incident {
  return {
    id: 'inc-1',
    reason: 'status',
    scope: 'request',
    request: { id: 'req-9', method: 'GET', url: '/orders/7' },
    records: [debug, trigger],
    trigger,
    dropped: 0,
    ...extra,
  };
}

const textHeader = (incident: Incident) => formatIncident(incident, 'text').split('\n')[0];
const jsonLines = (incident: Incident) =>
  formatIncident(incident, 'json')
    .slice(0, -1)
    .split('\n')
    .map((line) => JSON.parse(line));

const PREFIX = '=== INCIDENT inc-1 | GET /orders/7 | request=req-9 | reason=status | records=2 | dropped=0';

describe('incident header: text', () => {
  it('is unchanged for an incident without the new fields', () => {
    expect(textHeader(incidentWith())).toBe(`${PREFIX} ===`);
  });

  it('details dropped records by level, in level order, with their span as times of day on the day of the records below', () => {
    const incident = incidentWith({
      dropped: 12,
      droppedByLevel: { log: 2, debug: 10, warn: 0 },
      droppedSpan: { from: at('03:09:01.100'), to: at('03:09:05.000') },
    });
    expect(textHeader(incident)).toBe(
      '=== INCIDENT inc-1 | GET /orders/7 | request=req-9 | reason=status | records=2 | dropped=12 (debug 10, log 2 from 03:09:01.100Z to 03:09:05.000Z) ===',
    );
  });

  it('prints full ISO times when the dropped records are from another day than the records, and `at` for a single instant', () => {
    const yesterday = Date.parse('2026-03-03T23:59:59.000Z');
    const incident = incidentWith({ dropped: 1, droppedByLevel: { debug: 1 }, droppedSpan: { from: yesterday, to: yesterday } });
    expect(textHeader(incident)).toContain('| dropped=1 (debug 1 at 2026-03-03T23:59:59.000Z) ===');
    const noLevels = incidentWith({ dropped: 3, droppedSpan: { from: at('03:00:00.000'), to: at('03:00:01.000') } });
    expect(textHeader(noLevels)).toContain('| dropped=3 (from 03:00:00.000Z to 03:00:01.000Z) ===');
  });

  it('shows the outcome: status, duration, aborted; a run() scope has no status', () => {
    expect(textHeader(incidentWith({ outcome: { status: 500, durationMs: 812 } }))).toBe(
      `${PREFIX} | outcome: status=500 durationMs=812 ===`,
    );
    expect(textHeader(incidentWith({ outcome: { status: 200, durationMs: 3, aborted: true } }))).toBe(
      `${PREFIX} | outcome: status=200 durationMs=3 aborted ===`,
    );
    expect(textHeader(incidentWith({ outcome: { durationMs: 12 } }))).toBe(`${PREFIX} | outcome: durationMs=12 ===`);
  });

  it('shows previous, fingerprint, repeat and suppressed, in that order after the outcome', () => {
    const incident = incidentWith({
      outcome: { status: 500, durationMs: 812 },
      previous: 'inc-0',
      fingerprint: '0123456789ab',
      repeat: 4,
      suppressed: { count: 4940, first: 0, last: 1, requestIds: [], fingerprints: [] },
    });
    expect(textHeader(incident)).toBe(
      `${PREFIX} | outcome: status=500 durationMs=812 | previous=inc-0 | fingerprint=0123456789ab | repeat=4 | suppressed=4940 ===`,
    );
  });

  it('shows fields as key=value: plain strings bare, other strings and values as JSON, undefined ones left out', () => {
    const incident = incidentWith({
      fields: { orderId: 7, tenant: 'acme-eu', note: 'two words', paid: false, cart: { items: 2 }, gone: undefined },
    });
    expect(textHeader(incident)).toBe(`${PREFIX} | fields: orderId=7 tenant=acme-eu note="two words" paid=false cart={"items":2} ===`);
    expect(textHeader(incidentWith({ fields: {} }))).toBe(`${PREFIX} ===`);
  });

  it('keeps hostile field keys and values on the header line, quoted so they cannot pass for header parts', () => {
    const incident = incidentWith({
      fields: {
        'a"b': 'x',
        'k=v': '| reason=level',
        line: 'one\n=== END INCIDENT inc-1 ===\nforged',
        ansi: '\u001b[2J\u001b]0;owned\u0007',
        c1: '\u009b31m \u2028 \u202e',
        obj: { '\n': '\r' },
      },
    });
    const output = formatIncident(incident, 'text');
    const lines = output.slice(0, -1).split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[0]).toBe(
      `${PREFIX} | fields: "a\\"b"=x "k=v"="| reason=level" line="one\\n=== END INCIDENT inc-1 ===\\nforged" ` +
        'ansi="\\u001b[2J\\u001b]0;owned\\u0007" c1="\\u009b31m \\u2028 \\u202e" obj={"\\n":"\\r"} ===',
    );
    expect(output).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e]/);
  });

  it('leaves pass-through records out of the body and counts them; the trigger is always printed', () => {
    const passTrigger: IncidentRecord = { ...trigger, passthrough: true };
    const incident = incidentWith({ reason: 'level', records: [debug, early, passTrigger], trigger: passTrigger });
    expect(formatIncident(incident, 'text')).toBe(
      [
        '=== INCIDENT inc-1 | GET /orders/7 | request=req-9 | reason=level | records=3 | dropped=0 | passthrough=1 ===',
        '2026-03-04T03:09:06.000Z   DEBUG [Orders] loading order 7',
        '2026-03-04T03:09:06.812Z   ERROR [IncidentOutcome] GET /orders/7 -> 500 in 812 ms',
        '=== END INCIDENT inc-1 ===',
        '',
      ].join('\n'),
    );
  });

  it('prints the record of a passthrough incident (how a target without writeRecord receives it)', () => {
    const incident = incidentWith({ reason: 'passthrough', records: [early], trigger: undefined });
    const lines = formatIncident(incident, 'text').split('\n');
    expect(lines[0]).toBe('=== INCIDENT inc-1 | GET /orders/7 | request=req-9 | reason=passthrough | records=1 | dropped=0 ===');
    expect(lines[1]).toBe('2026-03-04T03:09:06.100Z     LOG [Orders] payment started');
  });
});

describe('incident header: JSON', () => {
  it('is unchanged for an incident without the new fields', () => {
    expect(jsonLines(incidentWith())[0]).toEqual({
      incident: 'inc-1',
      requestId: 'req-9',
      type: 'incident',
      reason: 'status',
      scope: 'request',
      method: 'GET',
      url: '/orders/7',
      records: 2,
      dropped: 0,
    });
  });

  it('carries every new field, times as ISO strings, in a fixed order', () => {
    const incident = incidentWith({
      records: [debug, early, trigger],
      dropped: 12,
      droppedByLevel: { log: 2, debug: 10 },
      droppedSpan: { from: at('03:09:01.100'), to: at('03:09:05.000') },
      outcome: { status: 500, durationMs: 812, aborted: true },
      previous: 'inc-0',
      fingerprint: '0123456789ab',
      repeat: 2,
      suppressed: {
        count: 4940,
        first: at('03:00:00.000'),
        last: at('03:01:00.000'),
        requestIds: ['r1'],
        fingerprints: [{ fingerprint: 'ffffffffffff', count: 4940, message: 'connection pool exhausted' }],
      },
      fields: { orderId: 7, '"quoted"\n': 'x\u2028' },
    });
    const [header] = jsonLines(incident);
    expect(header).toEqual({
      incident: 'inc-1',
      requestId: 'req-9',
      type: 'incident',
      reason: 'status',
      scope: 'request',
      method: 'GET',
      url: '/orders/7',
      records: 3,
      dropped: 12,
      droppedByLevel: { debug: 10, log: 2 },
      droppedSpan: { from: '2026-03-04T03:09:01.100Z', to: '2026-03-04T03:09:05.000Z' },
      outcome: { status: 500, durationMs: 812, aborted: true },
      previous: 'inc-0',
      fingerprint: '0123456789ab',
      repeat: 2,
      suppressed: {
        count: 4940,
        first: '2026-03-04T03:00:00.000Z',
        last: '2026-03-04T03:01:00.000Z',
        requestIds: ['r1'],
        fingerprints: [{ fingerprint: 'ffffffffffff', count: 4940, message: 'connection pool exhausted' }],
      },
      passthrough: 1,
      fields: { orderId: 7, '"quoted"\n': 'x\u2028' },
    });
    expect(Object.keys(header).slice(9)).toEqual([
      'droppedByLevel',
      'droppedSpan',
      'outcome',
      'previous',
      'fingerprint',
      'repeat',
      'suppressed',
      'passthrough',
      'fields',
    ]);
    expect(Object.keys(header.droppedByLevel)).toEqual(['debug', 'log']);
  });

  it('nests fields, so a field named like a header key cannot overwrite it, and escapes them', () => {
    const output = formatIncident(incidentWith({ fields: { incident: 'forged', type: 'record', '\u001b[2J': '\u009b\n' } }), 'json');
    const [header] = output
      .slice(0, -1)
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(header).toMatchObject({
      incident: 'inc-1',
      type: 'incident',
      fields: { incident: 'forged', type: 'record', '\u001b[2J': '\u009b\n' },
    });
    // Only the newlines between lines are raw.
    expect(output.split('\n')).toHaveLength(4);
    expect(output.replace(/\n/g, '')).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/);
  });

  it('leaves pass-through records out, keeps seq numbering over all records, and always prints the trigger', () => {
    const passTrigger: IncidentRecord = { ...trigger, passthrough: true };
    const lines = jsonLines(incidentWith({ reason: 'level', records: [early, debug, early, passTrigger], trigger: passTrigger }));
    expect(lines[0]).toMatchObject({ records: 4, passthrough: 2 });
    expect(lines.slice(1).map((line) => [line.seq, line.message, line.trigger])).toEqual([
      [2, 'loading order 7', undefined],
      [4, 'GET /orders/7 -> 500 in 812 ms', true],
    ]);
  });

  it('prints the record of a passthrough incident, with no passthrough count', () => {
    const lines = jsonLines(incidentWith({ reason: 'passthrough', records: [early], trigger: undefined }));
    expect(lines).toHaveLength(2);
    expect(lines[0].passthrough).toBeUndefined();
    expect(lines[1]).toMatchObject({ seq: 1, message: 'payment started' });
  });
});
