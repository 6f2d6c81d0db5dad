import { createHash } from 'node:crypto';
import fc from 'fast-check';
import type { IncidentRecord } from '../../lib/interfaces/incident.interface';
import { fingerprintOf, normaliseMessage } from '../../lib/policy/fingerprint.util';

// Fixed seed: a failure reproduces, and CI runs the same cases every time.
fc.configureGlobal({ seed: 4242, numRuns: 300 });

const UUID = '123e4567-e89b-12d3-a456-426614174000';
const OTHER_UUID = 'F47AC10B-58CC-4372-A567-0E02B2C3D479';

describe('normaliseMessage', () => {
  it.each([
    ['order 42 failed after 30 ms', 'order <n> failed after <n> ms'],
    ['order 7 failed after 31 ms', 'order <n> failed after <n> ms'],
    ['payload of 99999 bytes', 'payload of <n> bytes'],
    ['payload of 100000 bytes', 'payload of <n> bytes'],
    ['took -3.25 s', 'took -<n>.<n> s'],
    ['GET /orders/7 -> 500 in 812 ms', 'GET /orders/<n> -> <n> in <n> ms'],
    ['at 2024-01-02T10:11:12.123Z from 10.0.0.1:5432', 'at <n>-<n>-<n>T<n>:<n>:<n>.<n>Z from <n>.<n>.<n>.<n>:<n>'],
  ])('numbers: %j -> %j', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });

  it.each([
    [`user ${UUID} not found`, 'user <uuid> not found'],
    [`user ${OTHER_UUID} not found`, 'user <uuid> not found'],
    [`job(${UUID}), next=${OTHER_UUID}.`, 'job(<uuid>), next=<uuid>.'],
    // Not a UUID once glued to more letters or digits: its parts are read as tokens.
    [`${UUID}x`, '<hex>-e<n>b-<n>d<n>-a<n>-<n>x'],
  ])('UUIDs: %j -> %j', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });

  it.each([
    ['commit deadbeef01 failed', 'commit <hex> failed'],
    ['document 507f1f77bcf86cd799439011 missing', 'document <hex> missing'],
    ['address 0x1F and 0Xdeadbeef', 'address <hex> and <hex>'],
    ['trace_id_9f86d081 span:ab12cd', 'trace_id_<hex> span:<hex>'],
    ['DEADBEEF42 upper case', '<hex> upper case'],
    // Words made of hex letters have no digit: kept.
    ['facade decade deface accede', 'facade decade deface accede'],
    // Too short for an id: only its digit runs change.
    ['a1b2 and 0x alone', 'a<n>b<n> and <n>x alone'],
    // Not all hex: a word with digits in it.
    ['user42 v2 sha256 http2xx', 'user<n> v<n> sha<n> http<n>xx'],
    ['0xZZ', '<n>xZZ'],
  ])('hex ids and words: %j -> %j', (message, expected) => {
    expect(normaliseMessage(message)).toBe(expected);
  });

  it('makes the same failure with different values equal, and keeps different failures apart', () => {
    const a = normaliseMessage(`connection ${UUID} to 10.0.0.7:5432 lost after 3 retries (pid 4412, token deadbeef99)`);
    const b = normaliseMessage(`connection ${OTHER_UUID} to 10.0.0.12:5433 lost after 10 retries (pid 17, token 0a1b2c3d4e)`);
    expect(a).toBe(b);
    expect(a).toBe('connection <uuid> to <n>.<n>.<n>.<n>:<n> lost after <n> retries (pid <n>, token <hex>)');
    expect(normaliseMessage('connection to 10.0.0.7 refused')).not.toBe(normaliseMessage('connection to 10.0.0.7 reset'));
  });

  it('keeps empty and non-ASCII text as it is', () => {
    expect(normaliseMessage('')).toBe('');
    expect(normaliseMessage('Fehler: Bestellung ½ ٣ 🙂 ungültig')).toBe('Fehler: Bestellung ½ ٣ 🙂 ungültig');
  });

  it('is the first 200 characters of the normalised text', () => {
    expect(normaliseMessage('x'.repeat(10_000))).toBe('x'.repeat(200));
    // Placeholders are longer than one digit: the bound applies after normalising.
    expect(normaliseMessage('7 '.repeat(1000))).toBe('<n> '.repeat(50));
    // ... and shorter than a UUID: 36 characters become 6, so more of the message is read.
    const uuids = `${UUID} `.repeat(40);
    expect(normaliseMessage(uuids)).toBe('<uuid> '.repeat(28).concat('<uui'));
    expect(normaliseMessage(`x${'1'.repeat(1000)}y tail`)).toBe('x<n>y tail');
  });

  it('takes linear time on hostile input (no backtracking)', () => {
    const hostile = [
      'a1'.repeat(500_000), // one huge token, all hex
      `0x${'f'.repeat(1_000_000)}g`, // a 0x token that turns out not to be hex at its very end
      `${'f'.repeat(1_000_000)}`, // hex letters without a digit
      `${'1-'.repeat(500_000)}`, // almost-UUIDs at every position
      `${'12345678-1234-1234-1234-'.repeat(40_000)}`,
      `x${'9'.repeat(1_000_000)}`,
    ];
    // Counted, not timed: every character read goes through String.prototype.charCodeAt,
    // which is wrapped to count the reads and to stop a quadratic scan at its budget.
    const charCodeAt = String.prototype.charCodeAt;
    let reads = 0;
    let budget = 0;
    String.prototype.charCodeAt = function (this: string, index: number) {
      if (++reads > budget) throw new Error(`more than ${budget} character reads: not a linear pass`);
      return charCodeAt.call(this, index);
    };
    try {
      for (const message of hostile) {
        reads = 0;
        budget = 4 * message.length;
        const normalised = normaliseMessage(message);
        expect(normalised.length).toBeLessThanOrEqual(200);
        expect(reads).toBeGreaterThan(0); // the scanner reads through charCodeAt: the count means something
      }
    } finally {
      String.prototype.charCodeAt = charCodeAt;
    }
  });

  // A plain regex version of the same rules, applied to the whole message and then cut: the scanner must agree.
  function reference(message: string): string {
    return message
      .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}(?![0-9a-z])|[0-9a-z]+/gi, (token) => {
        if (token.includes('-')) return '<uuid>';
        if (/^0x[0-9a-f]+$/i.test(token) || /^\d+$/.test(token)) return /^\d+$/.test(token) ? '<n>' : '<hex>';
        if (token.length >= 6 && /^[0-9a-f]+$/i.test(token) && /\d/.test(token)) return '<hex>';
        return token.replace(/\d+/g, '<n>');
      })
      .slice(0, 200);
  }

  it('property: agrees with a regex reference of the same rules', () => {
    const piece = fc.oneof(
      { weight: 6, arbitrary: fc.string({ unit: fc.constantFrom(...'0123456789abcdefxXABCFgz-_ :/.é'), maxLength: 12 }) },
      { weight: 1, arbitrary: fc.uuid() },
      { weight: 1, arbitrary: fc.uuid().map((uuid) => uuid.toUpperCase()) },
      { weight: 1, arbitrary: fc.stringMatching(/^0x[0-9a-fA-F]{1,16}$/) },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 40 }), (pieces) => {
        const message = pieces.join('');
        expect(normaliseMessage(message)).toBe(reference(message));
      }),
    );
  });
});

describe('fingerprintOf', () => {
  const FRAMES = [
    '    at Connection.acquire (/app/node_modules/pg-pool/index.js:45:11)',
    '    at new Promise (<anonymous>)',
    '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
    '    at OrdersService.find (/app/dist/orders/orders.service.js:31:17)',
    '    at OrdersController.get (/app/dist/orders/orders.controller.js:12:5)',
  ];
  const base: IncidentRecord = {
    level: 'error',
    timestamp: 1_700_000_000_000,
    context: 'OrdersService',
    message: 'connection pool exhausted after 3012 ms (order 42)',
    stack: ['Error: connection pool exhausted after 3012 ms (order 42)', ...FRAMES].join('\n'),
    data: { name: 'PoolError' },
  };
  const fp = (changes: Partial<IncidentRecord>): string => fingerprintOf({ ...base, ...changes });
  const stackWith = (...frames: string[]): string => ['Error: x', ...frames].join('\n');

  it('is the first 12 hex characters of a SHA-1 of its parts, pinned (people compare fingerprints across versions)', () => {
    const parts = [
      'error',
      'OrdersService',
      'PoolError',
      'connection pool exhausted after <n> ms (order <n>)',
      'OrdersService.find (/app/dist/orders/orders.service.js)',
    ];
    const recipe = createHash('sha1')
      .update(parts.map((part) => `${part.length}:${part}\n`).join(''))
      .digest('hex')
      .slice(0, 12);
    expect(fingerprintOf(base)).toBe(recipe);
    // Changing the recipe changes every fingerprint users have seen: do it knowingly, then update this value.
    expect(recipe).toBe('4903e306f255');
    expect(fingerprintOf({ level: 'warn', timestamp: 0, message: '' })).toMatch(/^[0-9a-f]{12}$/);
  });

  it('is the same across values, ids, times, request-specific data and line shifts', () => {
    const same = fp({
      timestamp: 1,
      message: 'connection pool exhausted after 17 ms (order 9001)',
      stack: [
        'Error: connection pool exhausted after 17 ms (order 9001)',
        '    at Connection.acquire (/app/node_modules/pg-pool/index.js:50:3)',
        '    at async OrdersService.find (/app/dist/orders/orders.service.js:35:9)',
        '    at OrdersController.list (/app/dist/orders/orders.controller.js:40:5)',
      ].join('\n'),
      data: { name: 'PoolError', code: 'E42', orderId: 9001 },
      passthrough: true,
    });
    expect(same).toBe(fingerprintOf(base));
    expect(fp({ message: `user ${UUID} token deadbeef01` })).toBe(fp({ message: `user ${OTHER_UUID} token 0123abcdef` }));
  });

  it('differs by level, context, error name, message and first own frame', () => {
    const original = fingerprintOf(base);
    const variants = [
      fp({ level: 'fatal' }),
      fp({ context: 'PaymentsService' }),
      fp({ context: undefined }),
      fp({ data: { name: 'TimeoutError' } }),
      fp({ message: 'connection pool closed after 3012 ms (order 42)' }),
      fp({ stack: stackWith('    at OrdersService.list (/app/dist/orders/orders.service.js:31:17)') }),
      fp({ stack: stackWith('    at OrdersService.find (/app/dist/orders/orders-v2.service.js:31:17)') }),
      fp({ stack: undefined }),
    ];
    expect(new Set([original, ...variants]).size).toBe(variants.length + 1);
  });

  it("takes the error name from data.name, else from the stack's first line up to ':'", () => {
    const withoutData = (stack: string): string => fp({ data: undefined, stack });
    const frame = '    at OrdersService.find (/app/dist/orders/orders.service.js:31:17)';
    expect(withoutData(`PoolError: anything at all\n${frame}`)).toBe(fp({ data: { name: 'PoolError' }, stack: `Error: other\n${frame}` }));
    expect(withoutData(`PoolError: one\n${frame}`)).toBe(withoutData(`PoolError: two: three\n${frame}`));
    expect(withoutData(`PoolError: one\n${frame}`)).not.toBe(withoutData(`TypeError: one\n${frame}`));
    // A name that is not a string does not count.
    expect(fp({ data: { name: 42 }, stack: `PoolError: x\n${frame}` })).toBe(withoutData(`PoolError: y\n${frame}`));
    // A stack passed without its first line has no name (its first frame still counts).
    expect(withoutData(frame)).toBe(fp({ data: { name: '' }, stack: `Error: x\n${frame}` }));
  });

  it('skips node_modules, Node internals and built-in frames, and stops at the cause', () => {
    const own = '    at OrdersService.find (/app/dist/orders/orders.service.js:31:17)';
    const expected = fp({ stack: stackWith(own) });
    expect(
      fp({
        stack: stackWith(
          '    at Pool.connect (/app/node_modules/pg-pool/index.js:45:11)',
          '    at Object.acquire (C:\\app\\node_modules\\knex\\lib\\client.js:1:2)',
          '    at process.processTicksAndRejections (node:internal/process/task_queues:95:5)',
          '    at EventEmitter.emit (node:events:517:28)',
          '    at listOnTimeout (internal/timers.js:554:17)',
          '    at new Promise (<anonymous>)',
          '    at async Promise.all (index 0)',
          own,
        ),
      }),
    ).toBe(expected);
    // Only the first own frame counts.
    expect(fp({ stack: stackWith(own, '    at Other.caller (/app/dist/other.js:1:1)') })).toBe(expected);
    // A cause's frames are not the trigger's.
    const causeOnly = fp({
      stack: stackWith('    at Pool.connect (/app/node_modules/pg-pool/index.js:45:11)', `Caused by: Error: y\n${own}`),
    });
    expect(causeOnly).toBe(fp({ stack: stackWith('    at Pool.connect (/app/node_modules/pg-pool/index.js:9:9)') }));
    expect(causeOnly).not.toBe(expected);
  });

  it('works on real V8 stacks: same function same fingerprint, another function another', () => {
    function failFind(n: number): Error {
      if (n % 2 === 0) return new Error(`order ${n} failed`);
      return new Error(`order ${n} failed`);
    }
    function failList(n: number): Error {
      return new Error(`order ${n} failed`);
    }
    const record = (error: Error): IncidentRecord => ({
      level: 'error',
      timestamp: Date.now(),
      context: 'Orders',
      message: error.message,
      stack: error.stack,
    });
    // Two lines of one function: line and column do not count.
    expect(fingerprintOf(record(failFind(2)))).toBe(fingerprintOf(record(failFind(7))));
    expect(fingerprintOf(record(failFind(2)))).not.toBe(fingerprintOf(record(failList(2))));
  });
});
