import { Logger } from '@nestjs/common';
import type { Incident, IncidentTarget } from '../../lib';
import { IncidentEngine } from '../../lib/engine/incident-engine';
import { MemoryTarget } from '../utils/memory.target';
import { startContext, TestContext } from '../utils/test-context';

describe('IncidentLogger through the Nest Logger facade', () => {
  let ctx: TestContext;
  let target: MemoryTarget;
  const logger = new Logger('OrdersService');

  async function setup(options: Parameters<typeof startContext>[0] = {}) {
    target = new MemoryTarget();
    ctx = await startContext({ targets: [target], ...options });
  }
  afterEach(() => ctx?.close());

  it('buffers verbose/debug/log silently and writes them, oldest first, when an error arrives', async () => {
    await setup();
    logger.verbose('v');
    logger.debug('d');
    logger.log('l');
    expect(target.incidents).toHaveLength(0);
    logger.error('boom');
    expect(target.incidents).toHaveLength(1);
    const incident = target.incidents[0];
    expect(incident.records.map((r) => `${r.level}:${r.message}:${r.context}`)).toEqual([
      'verbose:v:OrdersService',
      'debug:d:OrdersService',
      'log:l:OrdersService',
      'error:boom:OrdersService',
    ]);
    expect(incident.scope).toBe('global');
    expect(incident.reason).toBe('level');
    expect(incident.request).toBeUndefined();
    expect(incident.trigger?.message).toBe('boom');
    expect(incident.records[3].stack).toBeUndefined();
  });

  it('warn and fatal trigger too (default flushLevel warn)', async () => {
    await setup();
    logger.debug('a');
    logger.warn('careful');
    logger.debug('b');
    logger.fatal('dead');
    expect(target.incidents.map((i) => i.records.map((r) => r.message))).toEqual([
      ['a', 'careful'],
      ['b', 'dead'],
    ]);
  });

  it('a second trigger carries only what came after the first', async () => {
    await setup();
    logger.debug('before');
    logger.error('first');
    logger.debug('after');
    logger.error('second');
    expect(target.messages(0)).toEqual(['before', 'first']);
    expect(target.messages(1)).toEqual(['after', 'second']);
    expect(target.incidents[0].id).not.toBe(target.incidents[1].id);
  });

  it('keeps the newest bufferSize records and reports how many were dropped', async () => {
    await setup({ bufferSize: 3 });
    for (let i = 1; i <= 10; i++) logger.debug(`line ${i}`);
    logger.error('boom');
    expect(target.messages()).toEqual(['line 8', 'line 9', 'line 10', 'boom']);
    expect(target.incidents[0].dropped).toBe(7);
    logger.debug('x');
    logger.error('again');
    expect(target.incidents[1].dropped).toBe(0);
  });

  it('bounds a scope by bytes too (maxBufferBytes)', async () => {
    await setup({ maxBufferBytes: 4000 });
    for (let i = 0; i < 5; i++) logger.debug(`${i}`.padEnd(1000, '.'));
    logger.error('boom');
    expect(target.messages().length).toBeLessThan(5);
    expect(target.messages().at(-2)?.startsWith('4')).toBe(true);
    expect(target.incidents[0].dropped).toBeGreaterThan(0);
  });

  it('flushLevel moves the trigger', async () => {
    await setup({ flushLevel: 'error' });
    logger.debug('d');
    logger.warn('only a warning');
    expect(target.incidents).toHaveLength(0);
    logger.error('now');
    expect(target.messages()).toEqual(['d', 'only a warning', 'now']);
  });

  it('drops disabled levels instead of buffering them (logLevels option and setLogLevels)', async () => {
    await setup({ logLevels: ['log', 'warn', 'error', 'fatal'] });
    logger.debug('dropped');
    logger.verbose('dropped too');
    logger.log('kept');
    ctx.app.useLogger(['error']); // Nest calls setLogLevels: error and above only
    logger.log('dropped now');
    logger.warn('warn is off: no incident');
    expect(target.incidents).toHaveLength(0);
    logger.error('boom');
    expect(target.messages()).toEqual(['kept', 'boom']);
    expect(ctx.logger.isLevelEnabled('fatal')).toBe(true);
    expect(ctx.logger.isLevelEnabled('warn')).toBe(false);
  });

  it('captures at call time: an object mutated after logging appears as it was logged', async () => {
    await setup();
    const order = { id: 1, status: 'pending', items: ['a'] };
    logger.debug(order);
    order.status = 'paid';
    order.items.push('b');
    logger.error('boom');
    expect(JSON.parse(target.messages()[0])).toEqual({ id: 1, status: 'pending', items: ['a'] });
    expect(target.incidents[0].records[0].timestamp).toBeLessThanOrEqual(target.incidents[0].records[1].timestamp);
  });

  it('several messages in one call become several records with the same context', async () => {
    await setup();
    logger.log('first', { n: 2 }, 'third');
    logger.error('boom');
    expect(target.incidents[0].records.map((r) => [r.message, r.context])).toEqual([
      ['first', 'OrdersService'],
      ['{"n":2}', 'OrdersService'],
      ['third', 'OrdersService'],
      ['boom', 'OrdersService'],
    ]);
  });

  it('an Error as message keeps its message, stack and cause chain (Nest 11 shape)', async () => {
    await setup();
    const root = new Error('socket hang up');
    const error = new Error('query failed', { cause: root }) as Error & { code?: string };
    error.code = 'E_QUERY';
    logger.error(error);
    const trigger = target.incidents[0].trigger!;
    expect(trigger.message).toBe('query failed');
    expect(trigger.context).toBe('OrdersService');
    expect(trigger.stack).toMatch(/^Error: query failed\n\s+at /);
    expect(trigger.stack).toMatch(/\nCaused by: Error: socket hang up\n\s+at /);
    expect(trigger.data).toMatchObject({ code: 'E_QUERY', cause: { message: 'socket hang up' } });
  });

  it('Nest 10 shape error(message, stack) and static Logger.error keep the stack', async () => {
    await setup();
    const stack = new Error('x').stack!;
    logger.error('failed with stack', stack);
    Logger.error('static call', stack, 'Static');
    expect(target.incidents[0].trigger).toMatchObject({ message: 'failed with stack', stack, context: 'OrdersService' });
    expect(target.incidents[1].trigger).toMatchObject({ message: 'static call', stack, context: 'Static' });
  });

  it('a lazy function message is evaluated at call time; a class prints its name', async () => {
    await setup();
    let value = 'then';
    logger.debug(() => `computed ${value}`);
    value = 'later';
    logger.debug(class Payment {});
    logger.error('boom');
    expect(target.messages()).toEqual(['computed then', 'Payment', 'boom']);
  });

  it('a target that throws or rejects breaks neither the caller nor the other targets', async () => {
    const seen: Incident[] = [];
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await setup({
        targets: [
          {
            write: () => {
              throw new Error('disk gone');
            },
          },
          {
            write: async () => {
              throw new Error('rejected');
            },
          },
          {
            write: (incident) => {
              seen.push(incident);
            },
          },
        ],
      });
      expect(() => {
        logger.error('one');
        logger.error('two');
      }).not.toThrow();
      await new Promise((resolve) => setImmediate(resolve));
      expect(seen.map((i) => i.trigger?.message)).toEqual(['one', 'two']);
      const reports = stderr.mock.calls.map((call) => String(call[0])).filter((l) => l.includes('[nestjs-incident-logger]'));
      // Reported once per kind of failure, not once per incident.
      expect(reports.filter((l) => l.includes('disk gone'))).toHaveLength(1);
      expect(reports.filter((l) => l.includes('rejected'))).toHaveLength(1);
    } finally {
      stderr.mockRestore();
    }
  });

  it('a target that logs through Nest while writing does not recurse into new incidents', async () => {
    let writes = 0;
    const noisy: IncidentTarget = {
      write() {
        writes++;
        new Logger('NoisyTarget').error('target failed, password=stderr-secret');
        setImmediate(() => new Logger('NoisyTarget').error('later, asynchronously'));
      },
    };
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await setup({ targets: [noisy] });
      logger.error('boom');
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(writes).toBe(1);
      expect(stderr.mock.calls.some((call) => String(call[0]).includes('while writing an incident'))).toBe(true);
      // stderr reports are redacted like records.
      expect(stderr.mock.calls.some((call) => String(call[0]).includes('stderr-secret'))).toBe(false);
      expect(stderr.mock.calls.some((call) => String(call[0]).includes('password=[REDACTED]'))).toBe(true);
    } finally {
      stderr.mockRestore();
    }
  });

  it('a failure inside the logger itself drops that record, reports it, and never throws into the caller', async () => {
    await setup();
    const stderr = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const clock = jest.spyOn(Date, 'now').mockImplementation(() => {
      throw new Error('clock broke');
    });
    let reports: string[];
    try {
      expect(() => logger.debug('lost')).not.toThrow();
      expect(() => logger.error('lost too')).not.toThrow();
      reports = stderr.mock.calls.map((call) => String(call[0]));
    } finally {
      clock.mockRestore();
      stderr.mockRestore();
    }
    // Reported once (rate-limited), with the cause.
    expect(reports.filter((l) => l.includes('record was lost: Error: clock broke'))).toHaveLength(1);
    logger.debug('works again');
    logger.error('boom');
    expect(target.messages()).toEqual(['works again', 'boom']);
  });

  it('redacts a secret-looking context on every call, and keeps its context cache bounded', async () => {
    await setup();
    Logger.debug('first', 'token=ctx-secret');
    Logger.debug('second', 'token=ctx-secret'); // served from the cache
    for (let i = 0; i < 2000; i++) Logger.debug('noise', `Ctx${i}`);
    // An internal bound: read from the engine behind the logger.
    const engine = ctx.app.get(IncidentEngine) as unknown as { contexts: Map<string, string> };
    expect(engine.contexts.size).toBeLessThanOrEqual(512);
    Logger.debug('third', 'token=ctx-secret'); // computed again after the cache was cleared
    ctx.buffer.clear();
    Logger.debug('fourth', 'token=ctx-secret');
    Logger.debug('fifth', 'token=ctx-secret');
    logger.error('boom');
    expect(target.incidents[0].records.slice(0, 2).map((r) => r.context)).toEqual(['token=[REDACTED]', 'token=[REDACTED]']);
    expect(JSON.stringify(target.incidents)).not.toContain('ctx-secret');
  });

  it('calls flushSync after a fatal incident only', async () => {
    const calls: string[] = [];
    await setup({
      targets: [{ write: (i) => void calls.push(`write:${i.trigger?.level}`), flushSync: () => void calls.push('flushSync') }],
    });
    logger.error('e');
    logger.fatal('f');
    expect(calls).toEqual(['write:error', 'write:fatal', 'flushSync']);
  });

  it('flushes and closes targets on app.close()', async () => {
    const calls: string[] = [];
    await setup({ targets: [{ write() {}, flush: async () => void calls.push('flush'), close: () => void calls.push('close') }] });
    await ctx.close();
    expect(calls.slice(-2)).toEqual(['flush', 'close']);
    ctx = undefined as unknown as TestContext;
  });
});

describe('IncidentBuffer', () => {
  let ctx: TestContext;
  let target: MemoryTarget;
  const logger = new Logger('Job');
  beforeEach(async () => {
    target = new MemoryTarget();
    ctx = await startContext({ targets: [target] });
  });
  afterEach(() => ctx.close());

  it('snapshots, clears and flushes the current buffer on demand', () => {
    logger.debug('a');
    logger.debug('b');
    expect(ctx.buffer.snapshot().map((r) => r.message)).toEqual(['a', 'b']);
    expect(ctx.buffer.request).toBeUndefined();
    ctx.buffer.clear();
    expect(ctx.buffer.snapshot()).toEqual([]);
    expect(ctx.buffer.flush()).toBeUndefined();
    logger.debug('c');
    const incident = ctx.buffer.flush();
    expect(incident?.reason).toBe('manual');
    expect(incident?.trigger).toBeUndefined();
    expect(target.messages()).toEqual(['c']);
    expect(ctx.buffer.snapshot()).toEqual([]);
  });

  it('run() gives a job a scope of its own, apart from the global buffer and other jobs', async () => {
    logger.debug('global line');
    const job = (id: string, fail: boolean) =>
      ctx.buffer.run(
        async () => {
          logger.debug(`${id} start`);
          await new Promise((resolve) => setTimeout(resolve, 5));
          expect(ctx.buffer.request?.id).toBe(id);
          logger.debug(`${id} end`);
          if (fail) logger.error(`${id} failed`);
        },
        { id, method: 'JOB', url: 'emails' },
      );
    await Promise.all([job('job-1', true), job('job-2', false), job('job-3', true)]);
    expect(target.incidents.map((i) => [i.request, i.records.map((r) => r.message)])).toEqual([
      [{ id: 'job-1', kind: 'run', method: 'JOB', url: 'emails' }, ['job-1 start', 'job-1 end', 'job-1 failed']],
      [{ id: 'job-3', kind: 'run', method: 'JOB', url: 'emails' }, ['job-3 start', 'job-3 end', 'job-3 failed']],
    ]);
    expect(ctx.buffer.snapshot().map((r) => r.message)).toEqual(['global line']);
  });
});

describe('IncidentBuffer.run() and promises', () => {
  it('returns a promise that still rejects (an unhandled rejection is not swallowed)', async () => {
    const ctx = await startContext({ targets: [new MemoryTarget()] });
    try {
      const failing = ctx.buffer.run(async () => {
        throw new Error('job failed');
      });
      await expect(failing).rejects.toThrow('job failed');
      expect(ctx.buffer.stats().liveScopes).toBe(0);
      expect(() =>
        ctx.buffer.run(() => {
          throw new Error('sync failure');
        }),
      ).toThrow('sync failure');
      expect(ctx.buffer.stats().liveScopes).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});

describe('policies through the logger (standalone context)', () => {
  let ctx: TestContext | undefined;
  afterEach(() => ctx?.close());

  it('setFlushLevel() rejects a bad level or duration, and a level at or below passthroughLevel, naming what is wrong', async () => {
    ctx = await startContext({ targets: [new MemoryTarget()], passthroughLevel: 'log' });
    expect(() => ctx!.logger.setFlushLevel('loud' as never)).toThrow(
      "IncidentLogger: setFlushLevel() level must be one of 'verbose', 'debug', 'log', 'warn', 'error', 'fatal'; got \"loud\" (string)",
    );
    expect(() => ctx!.logger.setFlushLevel('error', { forMs: -5 })).toThrow(
      'IncidentLogger: setFlushLevel() forMs must be a positive integer; got -5 (number)',
    );
    expect(() => ctx!.logger.setFlushLevel('log')).toThrow(
      'IncidentLogger: setFlushLevel() level must be a level above passthroughLevel (\'log\'); got "log" (string)',
    );
    expect(() => ctx!.logger.setFlushLevel('error')).not.toThrow();
  });

  it('a run() whose function throws synchronously writes a rejected incident, and the error goes on unchanged', async () => {
    const target = new MemoryTarget();
    ctx = await startContext({ targets: [target] });
    const error = new TypeError('bad input');
    const logger = new Logger('Job');
    expect(() =>
      ctx!.buffer.run(
        () => {
          logger.debug('parsing');
          throw error;
        },
        { id: 'job-1', url: 'import' },
      ),
    ).toThrow(error);
    expect(target.incidents.map((i) => i.reason)).toEqual(['rejected']);
    expect(target.messages()).toEqual(['parsing', expect.stringMatching(/^RUN import rejected after \d+ ms: TypeError: bad input$/)]);
    expect(target.incidents[0].request?.id).toBe('job-1');
    expect(target.incidents[0].outcome?.durationMs).toEqual(expect.any(Number));
  });
});
