import { captureRecords } from '../../lib/capture/capture-records.util';
import type { CapturePolicy } from '../../lib/capture/capture-policy.interface';
import { DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import type { LogRecord } from '../../lib/capture/log-record';
import { createRedactor } from '../../lib/redact/redactor';
import { formatIncident } from '../../lib/format/format-incident.util';
import { incidentOf } from '../utils/incident-of';

const policy: CapturePolicy = { limits: DEFAULT_CAPTURE_LIMITS, redactor: createRedactor() };
const RESERVED = ['incident', 'requestId', 'type', 'seq', 'level', 'time', 'context', 'message', 'stack'] as const;
const forged = Object.fromEntries([...RESERVED, 'trigger', 'data', 'reason'].map((key) => [key, `forged-${key}`]));

function capture(level: 'debug' | 'error', message: unknown, ...params: unknown[]): LogRecord[] {
  return captureRecords(level, message, params, policy, Date.UTC(2026, 0, 2, 3, 4, 5));
}

// What must never reach a line raw: C0 (tab aside), DEL, C1, line/paragraph separators, bidi controls.
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const NASTY = [
  'line\ninjected',
  'carriage\rreturn',
  'clear \u001b[2J screen',
  'title \u001b]0;owned\u0007 bell',
  'del \u007f char',
  'c1 \u009b31m csi',
  'nel \u0085 next line',
  'sep \u2028 and \u2029',
  'bidi \u202e reversed \u2066 isolate',
  'lone \ud800 high and \udfff low',
  '"}\n{"incident":"forged","level":"fatal"}',
  '\n=== END INCIDENT inc-1 ===\n=== INCIDENT forged ===',
];

describe('log injection: JSON lines', () => {
  it('keeps reserved fields out of reach of logged objects and Error properties', () => {
    // message and stack are the Error's own fields: every other reserved name is forged on it.
    const { message: _message, stack: _stack, ...forgedOnError } = forged;
    const error = Object.assign(new Error('real failure'), forgedOnError);
    const records = [...capture('debug', forged, 'RealCtx'), ...capture('error', error)];
    const lines = formatIncident(incidentOf(records), 'json')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(lines).toHaveLength(3);
    const [, debug, failure] = lines;
    expect(debug).toMatchObject({
      incident: 'inc-1',
      requestId: 'req-1',
      type: 'record',
      seq: 1,
      level: 'debug',
      time: '2026-01-02T03:04:05.000Z',
      context: 'RealCtx',
    });
    expect(JSON.parse(debug.message)).toEqual(forged); // the object is nested, as text
    expect(failure).toMatchObject({
      incident: 'inc-1',
      requestId: 'req-1',
      type: 'record',
      seq: 2,
      trigger: true,
      level: 'error',
      message: 'real failure',
    });
    expect(failure.stack).toMatch(/^Error: real failure\n/);
    expect(failure.data).toEqual(forgedOnError);
    for (const line of lines)
      expect(Object.keys(line).every((key) => !String(line[key]).startsWith('forged-') || key === 'message' || key === 'data')).toBe(true);
  });

  it('writes one well-formed JSON object per line whatever the text contains', () => {
    for (const text of NASTY) {
      const error = Object.assign(new Error(text), { [text]: text });
      const records = [
        ...capture('debug', text, text),
        ...capture('debug', { [text]: [text] }),
        ...capture('error', error, `Error: ${text}\n    at x (y.js:1:1)`, text),
      ];
      const output = formatIncident(incidentOf(records), 'json');
      expect(output.endsWith('\n')).toBe(true);
      const lines = output.slice(0, -1).split('\n');
      expect(lines).toHaveLength(records.length + 1);
      for (const line of lines) {
        expect(line).not.toMatch(RAW_CONTROL);
        expect(line).not.toMatch(LONE_SURROGATE);
        expect(() => JSON.parse(line)).not.toThrow();
      }
      // Escaped, not lost: the message reads back exactly as captured.
      expect(JSON.parse(lines[1]).message).toBe(records[0].message);
    }
  });
});

describe('log injection: text', () => {
  it('keeps every record on its own line with no raw control bytes', () => {
    for (const text of NASTY) {
      const error = new Error(text);
      const records = [...capture('debug', text, text), ...capture('debug', { [text]: text }), ...capture('error', error)];
      const output = formatIncident(incidentOf(records), 'text');
      const lines = output.slice(0, -1).split('\n');
      for (const line of lines) {
        expect(line).not.toMatch(RAW_CONTROL);
        // Only the header, records (ISO timestamp), indented stack lines and the end marker.
        expect(line).toMatch(/^(=== INCIDENT inc-1 \||=== END INCIDENT inc-1 ===$|\d{4}-\d\d-\d\dT|    )/);
      }
      expect(lines.filter((line) => line.startsWith('=== '))).toHaveLength(2);
      expect(lines.filter((line) => /^\d{4}-/.test(line))).toHaveLength(records.length);
      // Written as UTF-8, a lone surrogate becomes U+FFFD: the bytes are valid UTF-8.
      expect(Buffer.from(output, 'utf8').toString('utf8')).not.toMatch(LONE_SURROGATE);
    }
  });
});

describe('log injection: prototype pollution', () => {
  afterEach(() => {
    delete (Object.prototype as any).polluted;
  });

  it('logging __proto__ / constructor keys pollutes nothing and is captured faithfully', () => {
    const fromJson = JSON.parse('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"ok":true}');
    const error = Object.assign(new Error('bad input'), { input: fromJson });
    Object.defineProperty(error, '__proto__', { value: { polluted: 3 }, enumerable: true });
    const records = [...capture('debug', fromJson), ...capture('error', error)];
    const json = formatIncident(incidentOf(records), 'json');
    const text = formatIncident(incidentOf(records), 'text');

    expect(({} as any).polluted).toBeUndefined();
    expect((Object.prototype as any).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(records[1].data)).toBe(Object.prototype);
    expect(records[0].message).toBe('{"__proto__":{"polluted":1},"constructor":{"prototype":{"polluted":2}},"ok":true}');
    const failure = JSON.parse(json.split('\n')[2]);
    expect(Object.prototype.hasOwnProperty.call(failure.data, '__proto__')).toBe(true);
    expect(failure.data.input).toEqual(fromJson);
    expect(text).toContain('"__proto__":{"polluted":3}');
    expect(({} as any).polluted).toBeUndefined();
  });
});
