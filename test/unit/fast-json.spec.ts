import fc from 'fast-check';
import { captureRecords } from '../../lib/capture/capture-records.util';
import { CaptureLimits, DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import { createRedactor } from '../../lib/redact/redactor';
import { cachedSecretKeyTest } from '../../lib/redact/secret-key-cache.util';
import { toFastJson } from '../../lib/serialize/fast-json.util';
import * as safeJson from '../../lib/serialize/safe-json.util';
import { toSafeJson } from '../../lib/serialize/safe-json.util';

// Fixed seed: a failure reproduces, and CI runs the same cases every time.
fc.configureGlobal({ seed: 1010, numRuns: 400 });

const limits: CaptureLimits = { ...DEFAULT_CAPTURE_LIMITS };
const redactor = createRedactor();
const isSecretKey = cachedSecretKeyTest(redactor);
const scrub = (text: string) => redactor.scrub(text);

const limitsArb: fc.Arbitrary<CaptureLimits> = fc.record({
  maxStringLength: fc.integer({ min: 16, max: 120 }),
  maxDepth: fc.integer({ min: 1, max: 6 }),
  maxBreadth: fc.integer({ min: 1, max: 12 }),
  maxNodes: fc.integer({ min: 1, max: 120 }),
  maxJsonLength: fc.integer({ min: 256, max: 3000 }),
});

// Keys the walk treats specially, beside random ones.
const keyArb = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 24 }),
  fc.constantFrom('__proto__', 'toJSON', 'constructor', 'password', 'apiKey', 'user_id', '0', '10', ''),
);
const secretTextArb = fc.constantFrom(
  'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz',
  'https://user:hunter22@example.com/x',
  'password=swordfish42 and more',
  'AKIAIOSFODNN7EXAMPLE',
);
/** Everything fast-check can build (Maps, Dates, typed arrays, boxed values, sparse arrays, null prototypes, -0, NaN…). */
const anythingArb = fc.anything({
  key: keyArb,
  maxDepth: 4,
  maxKeys: 8,
  withBoxedValues: true,
  withSet: true,
  withMap: true,
  withObjectString: true,
  withNullPrototype: true,
  withBigInt: true,
  withDate: true,
  withTypedArray: true,
  withSparseArray: true,
  stringUnit: 'binary',
  values: [fc.double(), fc.string({ unit: 'binary', maxLength: 150 }), secretTextArb, fc.constant(undefined)],
});
/** Plain JSON data only: what the fast path is for. */
const plainArb = fc.jsonValue({ maxDepth: 4 });

describe('toFastJson: the text of toSafeJson, or undefined', () => {
  it('for any value and any limits, without a redactor', () => {
    let fast = 0;
    fc.assert(
      fc.property(anythingArb, limitsArb, (value, custom) => {
        const text = toFastJson(value, custom);
        if (text !== undefined) {
          fast++;
          expect(text).toBe(toSafeJson(value, custom));
        }
      }),
    );
    // Not a vacuous property: a share of the cases (most are exotic) took the fast path.
    expect(fast).toBeGreaterThan(40);
  });

  it('for any value and any limits, with the redactor’s key test and scrub', () => {
    let fast = 0;
    fc.assert(
      fc.property(anythingArb, limitsArb, (value, custom) => {
        const text = toFastJson(value, custom, isSecretKey, scrub);
        if (text !== undefined) {
          fast++;
          expect(text).toBe(toSafeJson(value, custom, redactor));
        }
      }),
    );
    expect(fast).toBeGreaterThan(40);
  });

  it('for plain JSON data under random limits, and all of it under the default limits', () => {
    let fast = 0;
    fc.assert(
      fc.property(plainArb, limitsArb, (value, custom) => {
        const text = toFastJson(value, custom);
        if (text !== undefined) {
          fast++;
          expect(text).toBe(toSafeJson(value, custom));
        }
        expect(toFastJson(value, limits)).toBe(JSON.stringify(value));
      }),
    );
    expect(fast).toBeGreaterThan(200);
  });
});

describe('toFastJson: plain data takes the fast path', () => {
  const order = (n: number) => ({
    userId: `u-${n}`,
    orderId: n,
    items: [1, 2, 3].map((i) => ({ sku: `SKU-${n + i}`, qty: i, price: 19.99 * i, tags: ['a', 'b'], note: null })),
    flags: { express: true, gift: false },
  });

  it('writes common shapes exactly as JSON.stringify and toSafeJson do', () => {
    const values: unknown[] = [
      order(7),
      [order(1), order(2)],
      { text: 'quote " backslash \\ newline \n tab \t emoji 😀 é', long: 'x'.repeat(500) },
      { nested: { deeper: { deepest: [1, [2, [3]]] } } },
      { '': 0, '0': 'index key first', b: -0, c: 1e21, d: 5e-7, e: -12.5 },
      Object.assign(Object.create(null) as object, { nullPrototype: true }),
      {},
      [],
      'a string',
      42,
      true,
      null,
    ];
    for (const value of values) {
      const text = toFastJson(value, limits);
      expect(text).toBe(JSON.stringify(value));
      expect(text).toBe(toSafeJson(value, limits));
    }
  });

  it('writes what toSafeJson writes for -0, NaN, ±Infinity, undefined, holes and own __proto__ keys', () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}') as unknown;
    const values: unknown[] = [
      { a: NaN, b: Infinity, c: -Infinity, d: -0 },
      { a: undefined, b: 1, c: undefined },
      [undefined, 1, , 3], // eslint-disable-line no-sparse-arrays
      withProto,
      undefined,
    ];
    for (const value of values) expect(toFastJson(value, limits)).toBe(toSafeJson(value, limits));
    expect(toFastJson(withProto, limits)).toBe('{"__proto__":{"polluted":true},"a":1}');
  });

  it('scrubs each string and key when given the redactor’s scrub, as toSafeJson does', () => {
    const value = { note: 'called with Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz', url: 'https://a:hunter22@h/x' };
    const text = toFastJson(value, limits, isSecretKey, scrub);
    expect(text).toBe(toSafeJson(value, limits, redactor));
    expect(text).not.toContain('hunter22');
    expect(text).not.toContain('c2lnbmF0dXJlMTIz');
  });
});

class Order {
  id = 1;
}

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  revoke();
  return proxy;
}

describe('toFastJson: everything else is left to toSafeJson', () => {
  const cyclic: Record<string, unknown> = { a: 1 };
  cyclic.self = cyclic;
  const withSymbolKey = { a: 1, [Symbol('s')]: 2 };
  const withHiddenSymbol = Object.defineProperty({ a: 1 }, Symbol('hidden'), { value: 2, enumerable: false });
  const withHiddenToJson = Object.defineProperty({ a: 1 }, 'toJSON', { value: () => 'replaced', enumerable: false });
  const swapped = (value: object) => Object.setPrototypeOf(value, Object.prototype) as object;
  const args = (function (..._: unknown[]) {
    return arguments; // eslint-disable-line prefer-rest-params
  })(1, 2);

  const cases: Array<[string, unknown]> = [
    ['a class instance', { order: new Order() }],
    ['a Date', { at: new Date(0) }],
    ['a Map', { m: new Map([['a', 1]]) }],
    ['a Set', new Set([1])],
    ['a Buffer', { b: Buffer.from('abc') }],
    ['a typed array', new Uint8Array(3)],
    ['an Error', { error: new Error('boom') }],
    ['a RegExp', { r: /x/ }],
    ['a Promise', { p: Promise.resolve(1) }],
    ['an own toJSON', { a: { toJSON: () => 'x' } }],
    ['a non-enumerable toJSON', withHiddenToJson],
    ['a symbol key', withSymbolKey],
    ['a non-enumerable symbol key', withHiddenSymbol],
    ['a symbol value', { s: Symbol('s') }],
    ['a BigInt', { n: 10n }],
    ['a function', { f: () => 1 }],
    ['a proxy of a plain object', { p: new Proxy({ a: 1 }, {}) }],
    ['a proxy of an array', new Proxy([1, 2], {})],
    ['a revoked proxy', { p: revokedProxy() }],
    ['a Date with Object.prototype', { d: swapped(new Date(0)) }],
    ['a Map with Object.prototype', swapped(new Map([['a', 1]]))],
    ['a Set with Object.prototype', swapped(new Set([1]))],
    ['a WeakMap with Object.prototype', swapped(new WeakMap())],
    ['an Error with Object.prototype', swapped(new Error('x'))],
    ['an ArrayBuffer with Object.prototype', swapped(new ArrayBuffer(4))],
    ['a typed array with Object.prototype', swapped(new Uint16Array(2))],
    ['an array subclass', { a: Object.setPrototypeOf([1], Object.create(Array.prototype) as object) }],
    ['an arguments object', args],
    ['a boxed string', { s: new String('abc') }],
    ['a cycle', cyclic],
  ];

  it.each(cases)('%s', (_name, value) => {
    expect(toFastJson(value, limits)).toBeUndefined();
  });

  it('each limit reached: depth, breadth, nodes, string and key length, output length', () => {
    const small: CaptureLimits = { maxStringLength: 16, maxDepth: 2, maxBreadth: 3, maxNodes: 10, maxJsonLength: 256 };
    expect(toFastJson({ a: { b: 1 } }, small)).toBe('{"a":{"b":1}}');
    expect(toFastJson({ a: { b: { c: 1 } } }, small)).toBeUndefined();
    expect(toFastJson({ a: 1, b: 2, c: 3 }, small)).toBe('{"a":1,"b":2,"c":3}');
    expect(toFastJson({ a: 1, b: 2, c: 3, d: 4 }, small)).toBeUndefined();
    expect(toFastJson([1, 2, 3, 4], small)).toBeUndefined();
    expect(
      toFastJson(
        [
          [1, 2, 3],
          [4, 5],
        ],
        small,
      ),
    ).toBe('[[1,2,3],[4,5]]'); // 8 nodes
    expect(toFastJson([[1, 2, 3], [4, 5, 6], [7]], small)).toBeUndefined(); // 11 nodes
    expect(toFastJson({ a: undefined, b: [undefined, 1, 2], c: [3, 4, 5] }, small)).toBe('{"b":[null,1,2],"c":[3,4,5]}'); // 10 nodes
    expect(toFastJson({ a: undefined, b: [undefined, 1, 2], c: [3, 4, [5]] }, small)).toBeUndefined(); // 11: undefined counts
    expect(toFastJson({ s: 'x'.repeat(16) }, small)).toBe(`{"s":"${'x'.repeat(16)}"}`);
    expect(toFastJson({ s: 'x'.repeat(17) }, small)).toBeUndefined();
    expect(toFastJson({ ['k'.repeat(17)]: 1 }, small)).toBeUndefined();
    // Output length: toSafeJson holds 40 characters back per open container (two here).
    const wide = (n: number) => ({ a: ['x'.repeat(n), 'y'.repeat(n), 'z'.repeat(n)] });
    const room: CaptureLimits = { ...small, maxStringLength: 60 };
    expect(JSON.stringify(wide(50)).length + 80).toBeLessThanOrEqual(256);
    expect(toFastJson(wide(50), room)).toBe(JSON.stringify(wide(50)));
    expect(JSON.stringify(wide(55)).length).toBeLessThanOrEqual(256);
    expect(toFastJson(wide(55), room)).toBeUndefined();
    expect(toSafeJson(wide(55), room)).not.toBe(JSON.stringify(wide(55)));
    // The cases left to the safe path above are indeed cut there.
    const cut = [
      { a: { b: { c: 1 } } },
      { a: 1, b: 2, c: 3, d: 4 },
      [[1, 2, 3], [4, 5, 6], [7]],
      { a: undefined, b: [undefined, 1, 2], c: [3, 4, [5]] },
    ];
    for (const value of cut) expect(toSafeJson(value, small)).not.toBe(JSON.stringify(value));
  });

  it('a key whose value is undefined must fit too: toSafeJson writes it before taking it back', () => {
    const tight: CaptureLimits = { maxStringLength: 200, maxDepth: 3, maxBreadth: 10, maxNodes: 100, maxJsonLength: 256 };
    const value = { a: 'x'.repeat(150), ['k'.repeat(60)]: undefined };
    expect(JSON.stringify(value).length + 40).toBeLessThanOrEqual(256);
    expect(toSafeJson(value, tight)).not.toBe(JSON.stringify(value));
    expect(toFastJson(value, tight)).toBeUndefined();
  });

  it('a secret key anywhere: the safe path censors it', () => {
    expect(toFastJson({ user: 'ann', password: 'swordfish' }, limits, isSecretKey)).toBeUndefined();
    expect(toFastJson({ items: [{ auth: { API_KEY: 'k' } }] }, limits, isSecretKey)).toBeUndefined();
    expect(toFastJson({ user: 'ann', password: 'swordfish' }, limits)).toBe('{"user":"ann","password":"swordfish"}');
    expect(toSafeJson({ password: 'swordfish' }, limits, redactor)).toBe('{"password":"[REDACTED]"}');
  });

  it('a throwing getter (or key test, or scrub): undefined, nothing thrown', () => {
    const value = {
      a: 1,
      get bad(): number {
        throw new Error('getter exploded');
      },
    };
    expect(toFastJson(value, limits)).toBeUndefined();
    const throwing = () => {
      throw new Error('user code');
    };
    expect(toFastJson({ a: 'b' }, limits, throwing)).toBeUndefined();
    expect(toFastJson({ a: 'b' }, limits, undefined, throwing)).toBeUndefined();
    expect(JSON.parse(toSafeJson(value, limits))).toEqual({ a: 1, bad: '[Thrown: Error: getter exploded]' });
  });

  it('a getter that returns plain data is read once, as toSafeJson reads it', () => {
    let reads = 0;
    const value = {
      get n(): number {
        return ++reads;
      },
    };
    expect(toFastJson(value, limits)).toBe('{"n":1}');
    expect(reads).toBe(1);
  });
});

describe('toFastJson: huge values stop at the first limit crossed', () => {
  it('a million keys, a million items, a 50 MB string, 10 000 levels', () => {
    const manyKeys: Record<string, number> = {};
    for (let i = 0; i < 1e6; i++) manyKeys[`k${i}`] = i;
    const manyItems = new Array<number>(1e6).fill(1);
    const bigString = 'x'.repeat(50 * 1024 * 1024);
    let deep: Record<string, unknown> = { leaf: true };
    for (let i = 0; i < 10_000; i++) deep = { deep };
    // A long run of small values past the node budget: the walk stops at maxNodes.
    const wideAndDeep = Array.from({ length: 100 }, () => Array.from({ length: 100 }, () => 1));

    for (const value of [manyKeys, manyItems, bigString, { bigString }, deep, wideAndDeep]) {
      expect(toFastJson(value, limits)).toBeUndefined();
      expect(toSafeJson(value, limits).length).toBeLessThanOrEqual(limits.maxJsonLength);
    }
  });
});

describe('cachedSecretKeyTest', () => {
  it('answers as isSecretKey, for many distinct and long keys, one cache per redactor', () => {
    const keys = ['password', 'Pass_Word', 'user', 'x-api-key', 'token', 'tokens', 'a'.repeat(100) + 'password', 'p'.repeat(65)];
    for (let i = 0; i < 2000; i++) keys.push(i % 3 === 0 ? `secret${i}` : `field${i}`, 'password', 'user');
    for (const key of keys) expect(isSecretKey(key)).toBe(redactor.isSecretKey(key));
    expect(cachedSecretKeyTest(redactor)).toBe(isSecretKey);

    const other = createRedactor({ keys: ['user'] });
    expect(cachedSecretKeyTest(other)('user')).toBe(true);
    expect(isSecretKey('user')).toBe(false);
  });
});

describe('captureRecords: objects take the fast path when they can', () => {
  afterEach(() => jest.restoreAllMocks());

  it('does not call the safe serialiser for plain data, with or without a redactor, and does for the rest', () => {
    const plain = { userId: 'u-1', items: [{ sku: 'A', qty: 2 }], note: 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlMTIz' };
    const policies = [{ limits }, { limits, redactor }];
    const expected = policies.map((policy) => toSafeJson(plain, policy.limits, policy.redactor));
    expect(expected[1]).not.toContain('c2lnbmF0dXJlMTIz');
    const safe = jest.spyOn(safeJson, 'toSafeJson');
    policies.forEach((policy, index) => {
      const [record] = captureRecords('debug', plain, [], policy, 0);
      expect(record.message).toBe(expected[index]);
    });
    expect(safe).not.toHaveBeenCalled();
    const [censored] = captureRecords('debug', { password: 'swordfish' }, [], { limits, redactor }, 0);
    expect(safe).toHaveBeenCalledTimes(1);
    expect(censored.message).toBe('{"password":"[REDACTED]"}');
    captureRecords('debug', { at: new Date(0) }, [], { limits }, 0);
    expect(safe).toHaveBeenCalledTimes(2);
  });
});
