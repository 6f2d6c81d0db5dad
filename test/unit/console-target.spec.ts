import { ConsoleTarget, Incident } from '../../lib';

const incident: Incident = {
  id: 'inc-1',
  reason: 'level',
  scope: 'request',
  dropped: 2,
  request: { id: 'req-9', method: 'GET', url: '/orders/9' },
  records: [
    { level: 'debug', timestamp: Date.UTC(2026, 10, 25, 10, 0, 0, 1), message: 'acquired #1', context: 'Pool' },
    {
      level: 'error',
      timestamp: Date.UTC(2026, 10, 25, 10, 0, 0, 9),
      message: 'pool exhausted',
      context: 'Orders',
      stack: 'Error: pool exhausted\n    at x (/app/a.js:1:1)',
      data: { code: 'E_POOL' },
    },
  ],
};
incident.trigger = incident.records[1];

function capture(options: ConstructorParameters<typeof ConsoleTarget>[0] = {}): string[] {
  const chunks: string[] = [];
  new ConsoleTarget({ ...options, stream: { write: (chunk: string) => chunks.push(chunk) } }).write(incident);
  return chunks;
}

describe('ConsoleTarget', () => {
  it('prints one block in a single write: header, one line per record, indented stack, end marker', () => {
    const chunks = capture();
    expect(chunks).toHaveLength(1);
    expect(chunks[0]).toBe(
      [
        '=== INCIDENT inc-1 | GET /orders/9 | request=req-9 | reason=level | records=2 | dropped=2 ===',
        '2026-11-25T10:00:00.001Z   DEBUG [Pool] acquired #1',
        '2026-11-25T10:00:00.009Z   ERROR [Orders] pool exhausted {"code":"E_POOL"}',
        '    Error: pool exhausted',
        '        at x (/app/a.js:1:1)',
        '=== END INCIDENT inc-1 ===',
        '',
      ].join('\n'),
    );
  });

  it('json format: a header line and one line per record, each with the incident and request ids', () => {
    const lines = capture({ format: 'json' })[0]
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toEqual([
      {
        incident: 'inc-1',
        requestId: 'req-9',
        type: 'incident',
        reason: 'level',
        scope: 'request',
        method: 'GET',
        url: '/orders/9',
        records: 2,
        dropped: 2,
      },
      {
        incident: 'inc-1',
        requestId: 'req-9',
        type: 'record',
        seq: 1,
        level: 'debug',
        time: '2026-11-25T10:00:00.001Z',
        context: 'Pool',
        message: 'acquired #1',
      },
      {
        incident: 'inc-1',
        requestId: 'req-9',
        type: 'record',
        seq: 2,
        trigger: true,
        level: 'error',
        time: '2026-11-25T10:00:00.009Z',
        context: 'Orders',
        message: 'pool exhausted',
        stack: 'Error: pool exhausted\n    at x (/app/a.js:1:1)',
        data: { code: 'E_POOL' },
      },
    ]);
  });

  it('a run() scope without a URL shows its method alone in the header (no double space)', () => {
    const chunks: string[] = [];
    const run: Incident = { ...incident, request: { id: 'job-1', method: 'RUN', url: '' } };
    new ConsoleTarget({ stream: { write: (chunk: string) => chunks.push(chunk) } }).write(run);
    expect(chunks[0].split('\n')[0]).toBe('=== INCIDENT inc-1 | RUN | request=job-1 | reason=level | records=2 | dropped=2 ===');
  });

  it('colours levels only when asked (or on a TTY without NO_COLOR)', () => {
    expect(capture({ colors: true })[0]).toContain('\x1b[31m  ERROR\x1b[39m\x1b[22m');
    expect(capture()[0]).not.toContain('\x1b[');
  });

  it('escapes control characters so a message cannot forge lines or drive the terminal', () => {
    const hostile: Incident = {
      ...incident,
      records: [{ level: 'debug', timestamp: 0, message: 'a\nFAKE LINE\r\u001b[2J\u009b\u2028\u202e', context: 'C\n' }],
    };
    const chunks: string[] = [];
    new ConsoleTarget({ stream: { write: (c: string) => chunks.push(c) } }).write(hostile);
    const lines = chunks[0].trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[1]).toBe('1970-01-01T00:00:00.000Z   DEBUG [C\\n] a\\nFAKE LINE\\r\\u001b[2J\\u009b\\u2028\\u202e');
    expect(chunks[0]).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202e]/);
  });

  describe('writeRecord (pass-through)', () => {
    const record = incident.records[1];
    const request = incident.request;

    function captured(options: ConstructorParameters<typeof ConsoleTarget>[0] = {}) {
      const chunks: string[] = [];
      const target = new ConsoleTarget({ ...options, stream: { write: (chunk: string) => chunks.push(chunk) } });
      return { target, chunks };
    }

    it('writes the record line and its stack in a single write, with the request id', () => {
      const { target, chunks } = captured();
      target.writeRecord(record, request);
      expect(chunks).toEqual([
        [
          '2026-11-25T10:00:00.009Z   ERROR [Orders] pool exhausted {"code":"E_POOL"} request=req-9',
          '    Error: pool exhausted',
          '        at x (/app/a.js:1:1)',
          '',
        ].join('\n'),
      ]);
    });

    it('uses the target format and colours', () => {
      const json = captured({ format: 'json' });
      json.target.writeRecord(record, undefined);
      expect(json.chunks).toHaveLength(1);
      expect(JSON.parse(json.chunks[0])).toEqual({
        type: 'passthrough',
        level: 'error',
        time: '2026-11-25T10:00:00.009Z',
        context: 'Orders',
        message: 'pool exhausted',
        stack: 'Error: pool exhausted\n    at x (/app/a.js:1:1)',
        data: { code: 'E_POOL' },
      });
      const coloured = captured({ colors: true });
      coloured.target.writeRecord(record, request);
      expect(coloured.chunks[0]).toContain('\x1b[31m  ERROR\x1b[39m\x1b[22m [Orders]');
    });

    it('a later incident does not print the pass-through record again, and says so in its header', () => {
      const { target, chunks } = captured();
      const early = { ...incident.records[0], passthrough: true };
      target.writeRecord(early, request);
      target.write({ ...incident, records: [early, incident.records[1]] });
      expect(chunks).toHaveLength(2);
      expect(chunks[0]).toBe('2026-11-25T10:00:00.001Z   DEBUG [Pool] acquired #1 request=req-9\n');
      expect(chunks[1].split('\n')[0]).toBe(
        '=== INCIDENT inc-1 | GET /orders/9 | request=req-9 | reason=level | records=2 | dropped=2 | passthrough=1 ===',
      );
      expect(chunks[1]).not.toContain('acquired #1');
    });
  });
});
