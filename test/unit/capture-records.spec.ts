import { captureRecords } from '../../lib/capture/capture-records.util';
import type { CapturePolicy } from '../../lib/capture/capture-policy.interface';
import { DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import type { LogRecord } from '../../lib/capture/log-record';
import { createRedactor } from '../../lib/redact/redactor';

const policy: CapturePolicy = { limits: DEFAULT_CAPTURE_LIMITS, redactor: createRedactor() };
const { maxStringLength } = DEFAULT_CAPTURE_LIMITS;

function one(message: unknown, ...params: unknown[]): LogRecord {
  const records = captureRecords('error', message, params, policy, 0);
  expect(records).toHaveLength(1);
  return records[0];
}

/** Every object reachable from the records: only plain data the capture built itself. */
function reachableObjects(value: unknown, out: object[] = []): object[] {
  if (typeof value !== 'object' || value === null) return out;
  out.push(value);
  for (const child of Object.values(value)) reachableObjects(child, out);
  return out;
}

describe('captureRecords: errors', () => {
  it('keeps message, stack, name and own properties of an Error', () => {
    class PaymentError extends Error {
      override name = 'PaymentError';
      constructor(
        message: string,
        readonly code: string,
        readonly details: object,
      ) {
        super(message);
      }
    }
    const record = one(new PaymentError('card declined', 'E_CARD', { attempt: 2 }));
    expect(record.message).toBe('card declined');
    expect(record.stack).toMatch(/^PaymentError: card declined\n\s+at /);
    expect(record.data).toEqual({ name: 'PaymentError', code: 'E_CARD', details: { attempt: 2 } });
  });

  it('writes the cause chain into the stack and the data, and stops cyclic or endless chains', () => {
    const root = new Error('disk full');
    const record = one(new Error('save failed', { cause: new Error('write failed', { cause: root }) }));
    expect(record.stack?.match(/^(Error: .*|Caused by: Error: .*)$/gm)).toEqual([
      'Error: save failed',
      'Caused by: Error: write failed',
      'Caused by: Error: disk full',
    ]);
    expect(record.data).toMatchObject({ cause: { message: 'write failed', cause: { message: 'disk full' } } });

    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as any).cause = b;
    expect(one(a).stack).toMatch(/Caused by: Error: b\n[\s\S]*Caused by: \[Circular\]$/);

    let chain = new Error('e0');
    for (let i = 1; i < 50; i++) chain = new Error(`e${i}`, { cause: chain });
    const stack = one(chain).stack as string;
    expect(stack.match(/^Caused by: Error/gm)).toHaveLength(7);
    expect(stack.endsWith('Caused by: […]')).toBe(true);
  });

  it('writes a non-Error cause and aggregated errors', () => {
    expect(one(new Error('x', { cause: { code: 42 } })).stack).toMatch(/\nCaused by: \{"code":42\}$/);
    const record = one(new AggregateError([new Error('one'), new RangeError('two')], 'both failed'));
    expect(record.message).toBe('both failed');
    expect(record.data).toMatchObject({ name: 'AggregateError', errors: [{ message: 'one' }, { name: 'RangeError', message: 'two' }] });
  });

  it('bounds a huge error message and stack argument', () => {
    const huge = 'm'.repeat(50 * 1024 * 1024);
    const record = one(new Error(huge));
    expect(record.message.length).toBeLessThan(maxStringLength + 64);
    expect((record.stack as string).length).toBeLessThan(4 * maxStringLength + 64);
    const withStack = captureRecords('error', 'failed', [`Error: failed\n    at f (file.js:1:1)\n${'x'.repeat(1e7)}`, 'Ctx'], policy, 0)[0];
    expect((withStack.stack as string).length).toBeLessThan(4 * maxStringLength + 64);
    expect(withStack.context).toBe('Ctx');
  });

  it('copies an own __proto__ property of an Error as data, without touching any prototype', () => {
    const error = new Error('odd');
    Object.defineProperty(error, '__proto__', { value: { polluted: 'yes' }, enumerable: true });
    const record = one(error);
    expect(Object.prototype.hasOwnProperty.call(record.data, '__proto__')).toBe(true);
    expect(JSON.stringify(record.data)).toBe('{"__proto__":{"polluted":"yes"}}');
    expect(Object.getPrototypeOf(record.data)).toBe(Object.prototype);
    expect(({} as any).polluted).toBeUndefined();
  });
});

describe('captureRecords: hostile arguments never throw', () => {
  it('captures revoked proxies (object and function) and errors with throwing fields', () => {
    const { proxy, revoke } = Proxy.revocable({}, {});
    const fn = Proxy.revocable(() => 'x', {});
    revoke();
    fn.revoke();
    expect(one(proxy).message).toMatch(/^"\[Unserializable: TypeError/);
    expect(one(fn.proxy).message).toMatch(/^\[lazy message threw: TypeError/);

    const error = new Error('x');
    Object.defineProperty(error, 'stack', {
      get: () => {
        throw new Error('no stack');
      },
    });
    Object.defineProperty(error, 'message', {
      get: () => {
        throw new Error('no message');
      },
    });
    const record = one(error);
    expect(record.message).toBe('[Thrown: Error: no message]');
    expect(typeof record.stack).toBe('string');
  });

  it('captures values whose conversion to text throws', () => {
    const evil = {
      toString: () => {
        throw new Error('no text');
      },
      [Symbol.toPrimitive]: () => {
        throw new Error('no primitive');
      },
    };
    expect(one(evil).message).toBe('{"toString":"[Function: toString]","Symbol(Symbol.toPrimitive)":"[Function: [Symbol.toPrimitive]]"}');
    const error = new Error('x');
    (error as any).message = evil;
    expect(one(error).message).toBe('[unprintable: Error: no primitive]');
    expect(one(Symbol('sym')).message).toBe('Symbol(sym)');
    expect(one(10n).message).toBe('10');
  });

  it('calls lazy messages like ConsoleLogger, within limits', () => {
    class OrdersService {}
    expect(one(() => 'computed lazily').message).toBe('computed lazily');
    expect(one(OrdersService).message).toBe('OrdersService');
    expect(
      one(() => {
        throw new Error('lazy failure');
      }).message,
    ).toBe('[lazy message threw: Error: lazy failure]');
    const endless = (): unknown => endless;
    expect(one(endless).message).toBe('[Function: endless]');
  });
});

describe('captureRecords: snapshots at call time', () => {
  it('keeps no reference to the logged objects: later mutation changes nothing', () => {
    const payload = { order: { id: 1, lines: [{ sku: 'a' }] } };
    const error = Object.assign(new Error('x'), { payload });
    const records = captureRecords('debug', payload, [error, 'Ctx'], policy, 0);
    payload.order.id = 2;
    payload.order.lines.push({ sku: 'b' });
    expect(records.map((r) => r.message)).toEqual(['{"order":{"id":1,"lines":[{"sku":"a"}]}}', 'x']);
    expect(records[1].data).toEqual({ payload: { order: { id: 1, lines: [{ sku: 'a' }] } } });
    const inputs = new Set<object>([payload, payload.order, payload.order.lines, error]);
    for (const object of reachableObjects(records)) expect(inputs.has(object)).toBe(false);
  });

  it('bounds a 100 MB string message to maxStringLength', () => {
    const huge = 'h'.repeat(100 * 1024 * 1024);
    const record = captureRecords('debug', huge, [], policy, 0)[0];
    expect(record.message.length).toBeLessThanOrEqual(maxStringLength + 40);
    expect(record.message.endsWith(`…[truncated ${huge.length - maxStringLength} chars]`)).toBe(true);
  });
});
