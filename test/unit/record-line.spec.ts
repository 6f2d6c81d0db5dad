// The line a target writes for a pass-through record (`passthroughLevel`,
// IncidentTarget.writeRecord), in both formats. The byte-for-byte equality of
// the JSON line with JSON.stringify is a property in json-format.spec.ts.
import type { IncidentRecord, IncidentRequest } from '../../lib';
import { formatRecordLine } from '../../lib/format/record-line.util';

const request: IncidentRequest = { id: 'req-9', method: 'GET', url: '/orders/9' };
const record: IncidentRecord = {
  level: 'warn',
  timestamp: Date.UTC(2026, 10, 25, 10, 0, 0, 9),
  context: 'Orders',
  message: 'retrying payment',
};
const withError: IncidentRecord = {
  ...record,
  stack: 'Error: gateway timeout\n    at pay (/app/pay.js:3:7)',
  data: { name: 'Error', code: 'ETIMEDOUT' },
};

// What must never reach a line raw: C0 (tab aside), DEL, C1, line/paragraph separators, bidi controls.
const RAW_CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

describe('formatRecordLine: text', () => {
  it('is the record line of an incident body, with the request id at the end, ending with a newline', () => {
    expect(formatRecordLine(record, request, 'text')).toBe('2026-11-25T10:00:00.009Z    WARN [Orders] retrying payment request=req-9\n');
  });

  it('puts data before the request id and indents the stack below, as in an incident', () => {
    expect(formatRecordLine(withError, request, 'text')).toBe(
      [
        '2026-11-25T10:00:00.009Z    WARN [Orders] retrying payment {"name":"Error","code":"ETIMEDOUT"} request=req-9',
        '    Error: gateway timeout',
        '        at pay (/app/pay.js:3:7)',
        '',
      ].join('\n'),
    );
  });

  it('has no request part outside a request, and no context part without a context', () => {
    expect(formatRecordLine({ ...record, context: undefined }, undefined, 'text')).toBe(
      '2026-11-25T10:00:00.009Z    WARN retrying payment\n',
    );
  });

  it('colours the level only when asked', () => {
    expect(formatRecordLine(record, request, 'text', true)).toBe(
      '2026-11-25T10:00:00.009Z \x1b[33m   WARN\x1b[39m\x1b[22m [Orders] retrying payment request=req-9\n',
    );
  });

  it('escapes message, context, data, stack and request id: one line (plus stack lines), no control bytes', () => {
    const hostile: IncidentRecord = {
      level: 'error',
      timestamp: 0,
      context: 'C\u001b[2J',
      message: 'a request=forged\n1970-01-01T00:00:00.000Z   FATAL forged\r\u009b\u2028\u202e',
      data: { '\n': '\u001b]0;owned\u0007' },
      stack: 'Error: x\n    at y\u2029z',
    };
    const output = formatRecordLine(hostile, { ...request, id: 'r\n=== INCIDENT forged |' }, 'text');
    const lines = output.slice(0, -1).split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe(
      '1970-01-01T00:00:00.000Z   ERROR [C\\u001b[2J] a request=forged\\n1970-01-01T00:00:00.000Z   FATAL forged\\r\\u009b\\u2028\\u202e ' +
        '{"\\n":"\\u001b]0;owned\\u0007"} request=r\\n=== INCIDENT forged |',
    );
    expect(lines.slice(1)).toEqual(['    Error: x', '        at y\\u2029z']);
    for (const line of lines) expect(line).not.toMatch(RAW_CONTROL);
  });
});

describe('formatRecordLine: JSON', () => {
  it('is one object: type, requestId, then the record fields of an incident record line', () => {
    const output = formatRecordLine(withError, request, 'json');
    expect(output.endsWith('}\n')).toBe(true);
    expect(output.slice(0, -1)).not.toContain('\n');
    const line = JSON.parse(output);
    expect(line).toEqual({
      type: 'passthrough',
      requestId: 'req-9',
      level: 'warn',
      time: '2026-11-25T10:00:00.009Z',
      context: 'Orders',
      message: 'retrying payment',
      stack: 'Error: gateway timeout\n    at pay (/app/pay.js:3:7)',
      data: { name: 'Error', code: 'ETIMEDOUT' },
    });
    expect(Object.keys(line)).toEqual(['type', 'requestId', 'level', 'time', 'context', 'message', 'stack', 'data']);
  });

  it('leaves requestId out outside a request, and ignores colours', () => {
    expect(formatRecordLine(record, undefined, 'json', true)).toBe(
      '{"type":"passthrough","level":"warn","time":"2026-11-25T10:00:00.009Z","context":"Orders","message":"retrying payment"}\n',
    );
  });

  it('keeps logged content from forging fields or lines, and reads back exactly', () => {
    const message = '","type":"record","incident":"forged"}\n{"type":"passthrough","level":"fatal\u2028\u009b\u202e';
    const hostile: IncidentRecord = { ...record, message, data: { type: 'forged', requestId: 'forged', '"': '\u007f' } };
    const output = formatRecordLine(hostile, request, 'json');
    expect(output.slice(0, -1)).not.toMatch(RAW_CONTROL);
    const line = JSON.parse(output);
    expect(line).toMatchObject({ type: 'passthrough', requestId: 'req-9', message, data: hostile.data });
    expect(line.incident).toBeUndefined();
  });
});
