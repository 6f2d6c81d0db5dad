import { CaptureLimits, DEFAULT_CAPTURE_LIMITS } from '../../lib/interfaces/capture-limits.interface';
import { toSafeJson } from '../../lib/serialize/safe-json.util';
import { snapshot } from '../utils/snapshot';

const limits: CaptureLimits = { ...DEFAULT_CAPTURE_LIMITS };
const json = (value: unknown, custom: Partial<CaptureLimits> = {}) => toSafeJson(value, { ...limits, ...custom });
const parse = (value: unknown, custom: Partial<CaptureLimits> = {}) => JSON.parse(json(value, custom));

function revokedProxy(): object {
  const { proxy, revoke } = Proxy.revocable({ a: 1 }, {});
  revoke();
  return proxy;
}

describe('toSafeJson: hostile values never throw', () => {
  it('marks cycles through objects, arrays, Maps and Sets, and expands shared references', () => {
    const self: any = { name: 'self' };
    self.self = self;
    const deep: any = { a: { b: { c: {} } } };
    deep.a.b.c.back = deep.a;
    const viaArray: any = [1];
    viaArray.push([viaArray]);
    const viaMap: any = { m: new Map() };
    viaMap.m.set('back', viaMap);
    const viaSet: any = { s: new Set() };
    viaSet.s.add(viaSet);
    const shared = { x: 1 };

    expect(parse(self)).toEqual({ name: 'self', self: '[Circular]' });
    expect(parse(deep)).toEqual({ a: { b: { c: { back: '[Circular]' } } } });
    expect(parse(viaArray)).toEqual([1, ['[Circular]']]);
    expect(parse(viaMap)).toEqual({ m: { back: '[Circular]' } });
    expect(parse(viaSet)).toEqual({ s: ['[Circular]'] });
    expect(parse({ a: shared, b: shared, c: [shared] })).toEqual({ a: { x: 1 }, b: { x: 1 }, c: [{ x: 1 }] });
  });

  it('turns a throwing getter, toJSON or proxy trap into a placeholder for that value only', () => {
    const value = {
      before: 1,
      get bad(): never {
        throw new Error('getter exploded');
      },
      badJson: {
        toJSON: () => {
          throw new RangeError('toJSON exploded');
        },
      },
      revoked: revokedProxy(),
      trap: new Proxy(
        {},
        {
          ownKeys: () => {
            throw new Error('ownKeys trap');
          },
        },
      ),
      after: 2,
    };
    expect(parse(value)).toEqual({
      before: 1,
      bad: '[Thrown: Error: getter exploded]',
      badJson: '[Unserializable: RangeError: toJSON exploded]',
      revoked: expect.stringMatching(/^\[Unserializable: TypeError: .*revoked/),
      trap: '[Unserializable: Error: ownKeys trap]',
      after: 2,
    });
    expect(parse(revokedProxy())).toEqual(expect.stringMatching(/^\[Unserializable: TypeError/));
  });

  it('calls toJSON like JSON.stringify (and does not loop when it returns the object itself)', () => {
    const selfJson = {
      a: 1,
      toJSON() {
        return this;
      },
    };
    expect(parse({ url: new URL('https://example.com/x'), selfJson })).toEqual({
      url: 'https://example.com/x',
      selfJson: { a: 1, toJSON: '[Function: toJSON]' },
    });
  });

  it('writes BigInt, Symbols (values and enumerable keys), functions, NaN/Infinity and -0 as valid JSON', () => {
    const hidden = Symbol('hidden');
    const value: Record<PropertyKey, unknown> = {
      big: 10n ** 30n,
      sym: Symbol('s'),
      fn: function named() {},
      arrow: () => 1,
      nums: [NaN, Infinity, -Infinity, -0],
      undef: undefined,
      list: [undefined, () => 1],
      [Symbol('key')]: 'symbol keyed',
    };
    Object.defineProperty(value, hidden, { value: 'not enumerable', enumerable: false });
    expect(json(value)).toBe(
      '{"big":"1000000000000000000000000000000n","sym":"Symbol(s)","fn":"[Function: named]","arrow":"[Function: arrow]",' +
        '"nums":["NaN","Infinity","-Infinity",0],"list":[null,"[Function: anonymous]"],"Symbol(key)":"symbol keyed"}',
    );
  });

  it('writes Maps (any key type), Sets, Dates, RegExps and web containers', () => {
    const value = {
      map: new Map<unknown, unknown>([
        ['a', 1],
        [2, 'two'],
        [{ o: 1 }, 'object key'],
        [null, 'null key'],
      ]),
      set: new Set([1, 'x', { y: 2 }]),
      dates: [new Date(0), new Date(Number.NaN)],
      re: /a+b/gi,
      headers: new Headers({ accept: 'text/plain' }),
      query: new URLSearchParams('q=1&r=2'),
      promise: Promise.resolve(1),
      weak: [new WeakMap(), new WeakSet()],
    };
    expect(parse(value)).toEqual({
      map: { a: 1, '2': 'two', '[Object]': 'object key', null: 'null key' },
      set: [1, 'x', { y: 2 }],
      dates: ['1970-01-01T00:00:00.000Z', 'Invalid Date'],
      re: '/a+b/gi',
      headers: { accept: 'text/plain' },
      query: { q: '1', r: '2' },
      promise: '[Promise]',
      weak: ['[WeakMap]', '[WeakSet]'],
    });
  });

  it('summarises binary data by size, never copying it', () => {
    const big = Buffer.alloc(100 * 1024 * 1024, 1);
    const out = json({
      big,
      u8: new Uint8Array(3),
      f64: new Float64Array(2),
      view: new DataView(new ArrayBuffer(4)),
      ab: new ArrayBuffer(5),
      sab: new SharedArrayBuffer(6),
    });
    expect(JSON.parse(out)).toEqual({
      big: '[Buffer: 104857600 bytes]',
      u8: '[Uint8Array: 3 bytes]',
      f64: '[Float64Array: 16 bytes]',
      view: '[DataView: 4 bytes]',
      ab: '[ArrayBuffer: 5 bytes]',
      sab: '[SharedArrayBuffer: 6 bytes]',
    });
    expect(out.length).toBeLessThan(300);
  });

  it('keeps name, message, stack, own properties, cause and aggregated errors of an Error (never {})', () => {
    class PoolError extends Error {
      override name = 'PoolError';
      code = 'E_POOL';
    }
    const inner = new TypeError('inner');
    const error = new PoolError('outer', { cause: inner });
    const parsed = parse(error);
    expect(parsed).toEqual({
      name: 'PoolError',
      message: 'outer',
      stack: expect.stringContaining('outer'),
      code: 'E_POOL',
      cause: { name: 'TypeError', message: 'inner', stack: expect.stringContaining('TypeError: inner') },
    });
    expect(Object.keys(parsed)).toEqual(['name', 'message', 'stack', 'code', 'cause']);

    const aggregate = new AggregateError([new Error('first'), 'second'], 'many');
    expect(parse(aggregate)).toMatchObject({ name: 'AggregateError', message: 'many', errors: [{ message: 'first' }, 'second'] });
    expect(json(new Error('plain'))).not.toBe('{}');
  });

  it('stops cyclic cause chains', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as any).cause = b;
    expect(parse(a)).toMatchObject({ message: 'a', cause: { message: 'b', cause: '[Circular]' } });
  });

  it('captures an Error whose fields throw', () => {
    const error = new Error('x');
    Object.defineProperty(error, 'message', {
      get: () => {
        throw new Error('no message');
      },
      enumerable: false,
    });
    Object.defineProperty(error, 'cause', {
      get: () => {
        throw new Error('no cause');
      },
      enumerable: false,
    });
    expect(parse(error)).toMatchObject({ name: 'Error', message: '[Thrown: Error: no message]', cause: '[Thrown: Error: no cause]' });
  });

  it('captures null-prototype, frozen and sealed objects', () => {
    const bare = Object.assign(Object.create(null), { a: 1, nested: Object.assign(Object.create(null), { b: 2 }) });
    expect(parse({ bare, frozen: Object.freeze({ f: [1] }), sealed: Object.seal({ s: true }) })).toEqual({
      bare: { a: 1, nested: { b: 2 } },
      frozen: { f: [1] },
      sealed: { s: true },
    });
  });

  it('never mutates the value (deep-equal before and after, frozen state included)', () => {
    const cyclic: any = { list: [1, 2], map: new Map([['k', { v: 1 }]]), set: new Set(['a']), date: new Date(5) };
    cyclic.self = cyclic;
    const error = new AggregateError([new Error('e')], 'agg', { cause: cyclic });
    const value = {
      cyclic,
      error,
      frozen: Object.freeze({ deep: Object.freeze({ x: 1 }) }),
      sealed: Object.seal({ y: 2 }),
      bare: Object.assign(Object.create(null), { z: 3 }),
      get lazy() {
        return 'computed';
      },
      buffer: Buffer.from('abc'),
      secretish: { password: 'kept in the original' },
    };
    const before = snapshot(value);
    const extensible = [Object.isFrozen(value.frozen), Object.isSealed(value.sealed), Object.isExtensible(value)];
    json(value);
    json(value, { maxDepth: 2, maxBreadth: 1, maxNodes: 3, maxJsonLength: 256 });
    expect(snapshot(value)).toBe(before);
    expect([Object.isFrozen(value.frozen), Object.isSealed(value.sealed), Object.isExtensible(value)]).toEqual(extensible);
    expect(value.secretish.password).toBe('kept in the original');
  });

  it('is deterministic and equals JSON.stringify for plain JSON data within the limits', () => {
    const make = () => ({
      id: 7,
      name: 'order',
      items: [
        { sku: 'a', qty: 1 },
        { sku: 'b', qty: 2.5 },
      ],
      ok: true,
      none: null,
      '10': 'int key',
      nested: { deeper: ['x'] },
    });
    expect(json(make())).toBe(json(make()));
    expect(json(make())).toBe(JSON.stringify(make()));
    expect(json('a "quoted"\nline')).toBe(JSON.stringify('a "quoted"\nline'));
    expect(json(undefined)).toBe('null');
  });
});

describe('toSafeJson: bounds at capture time', () => {
  it('cuts a 100 MB string to maxStringLength with a marker', () => {
    const huge = 'x'.repeat(100 * 1024 * 1024);
    const out = json({ huge });
    const kept: string = JSON.parse(out).huge;
    expect(kept.startsWith('x'.repeat(limits.maxStringLength))).toBe(true);
    expect(kept.slice(limits.maxStringLength)).toBe(`…[truncated ${huge.length - limits.maxStringLength} chars]`);
    expect(out.length).toBeLessThan(limits.maxStringLength + 64);
  });

  it('keeps maxBreadth keys of a million-key object and counts the rest', () => {
    const wide: Record<string, number> = {};
    for (let i = 0; i < 1_000_000; i++) wide[`k${i}`] = i;
    const out = json(wide);
    const parsed = JSON.parse(out);
    expect(Object.keys(parsed)).toHaveLength(limits.maxBreadth + 1);
    expect(parsed['…']).toBe(`${1_000_000 - limits.maxBreadth} more keys`);
    expect(out.length).toBeLessThan(2000);
  });

  it('reads only the values it keeps', () => {
    let reads = 0;
    const target: Record<string, number> = {};
    for (let i = 0; i < 10_000; i++) target[`k${i}`] = i;
    const wide = new Proxy(target, {
      get(object, key) {
        if (typeof key === 'string' && key.startsWith('k')) reads++;
        return Reflect.get(object, key);
      },
    });
    json(wide);
    expect(reads).toBe(limits.maxBreadth);
  });

  it('keeps maxBreadth items of a huge sparse array and Map', () => {
    expect(parse(new Array(1e9)).slice(-1)).toEqual([`… ${1e9 - limits.maxBreadth} more items`]);
    const map = new Map(Array.from({ length: 10_000 }, (_, i) => [`k${i}`, i]));
    expect(Object.keys(parse(map))).toHaveLength(limits.maxBreadth + 1);
  });

  it('cuts nesting at maxDepth with a summary of what is below', () => {
    const deep: any = {};
    let cursor = deep;
    for (let i = 0; i < 10_000; i++) cursor = cursor.next = {};
    let parsed = parse({ list: [[[[[[[1]]]]]]], deep });
    let depth = 0;
    for (cursor = parsed.deep; typeof cursor === 'object'; cursor = cursor.next) depth++;
    expect(depth).toBe(limits.maxDepth - 1);
    expect(cursor).toBe('[Object]');
    // The logged value is level 1: list is level 2, so four more arrays are kept.
    expect(JSON.stringify(parsed.list)).toBe('[[[[["[Array(1)]"]]]]]');
    parsed = parse({ e: new Error('deep') }, { maxDepth: 1 });
    expect(parsed).toEqual({ e: '[Error: deep]' });
  });

  it('stops an exponential DAG at maxNodes: reads are counted, not timed', () => {
    let reads = 0;
    const level = (n: number): object => {
      if (n === 0) return { leaf: 1 };
      const child = level(n - 1);
      return {
        get a() {
          reads++;
          return child;
        },
        get b() {
          reads++;
          return child;
        },
      };
    };
    const dag = level(40); // 2^40 paths when expanded
    const out = json(dag, { maxDepth: 100 });
    expect(() => JSON.parse(out)).not.toThrow();
    expect(reads).toBeLessThanOrEqual(limits.maxNodes);
    expect(out).toContain('more keys');
  });

  it('never exceeds maxJsonLength, whatever the shape', () => {
    const longStrings = Array.from({ length: 500 }, (_, i) => `${i}:${'y'.repeat(5000)}`);
    const escapes = Array.from({ length: 500 }, () => '\u0001'.repeat(3000));
    const wideDeep = Array.from({ length: 100 }, () => ({ a: { b: { c: { d: 'z'.repeat(900) } } } }));
    for (const value of [longStrings, escapes, wideDeep, { s: 'q'.repeat(1e6) }]) {
      for (const maxJsonLength of [256, 1000, 4096, limits.maxJsonLength]) {
        const out = json(value, { maxJsonLength });
        expect(out.length).toBeLessThanOrEqual(maxJsonLength);
        expect(() => JSON.parse(out)).not.toThrow();
      }
    }
    expect(json(longStrings)).toMatch(/"… \d+ more items"\]$/);
  });
});
