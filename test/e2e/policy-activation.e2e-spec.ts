// Issue 11, activation: per-context flush levels, the trigger predicate (and
// one that throws), ignored HTTP exception statuses, and setFlushLevel() at
// run time. End to end through a real app on Express and Fastify.
import { Controller, Get, Logger, NotFoundException } from '@nestjs/common';
import type { IncidentLoggerModuleOptions, IncidentRecord, IncidentTriggerScope } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { captureStderr, get, PolicyApp, QUIET_MS, sleep, startPolicyApp } from '../utils/policy-app';
import { Platform, PLATFORMS } from '../utils/test-app';

const target = new MemoryTarget();

@Controller()
class ActivationController {
  private readonly orders = new Logger('Orders');
  private readonly typeorm = new Logger('TypeOrmLogger');
  private readonly audit = new Logger('Audit');

  @Get('typeorm-warn')
  typeormWarn() {
    this.orders.debug('query orders');
    this.typeorm.warn('query is slow: SELECT * FROM orders');
    return 'ok';
  }

  @Get('typeorm-then-orders-warn')
  typeormThenOrdersWarn() {
    this.typeorm.warn('query is slow: SELECT * FROM orders');
    this.orders.warn('stock low for sku 9');
    return 'ok';
  }

  @Get('typeorm-error')
  typeormError() {
    this.typeorm.error('deadlock detected');
    return 'ok';
  }

  @Get('pay')
  pay() {
    this.orders.debug('payment failed (debug: below every flush level)');
    this.orders.log('charging card');
    this.orders.log('payment failed for order 7');
    return 'ok';
  }

  @Get('veto')
  veto() {
    this.orders.debug('retrying');
    this.orders.error('expected: cache miss');
    this.orders.warn('real problem');
    return 'ok';
  }

  @Get('audit')
  auditLog() {
    this.audit.log('role changed');
    return 'ok';
  }

  @Get('warn')
  warn() {
    this.orders.debug('before warn');
    this.orders.warn('a warning');
    return 'ok';
  }

  @Get('error')
  error() {
    this.orders.debug('before error');
    this.orders.error('an error');
    return 'ok';
  }

  @Get('log')
  log() {
    this.orders.debug('before log');
    this.orders.log('a log line');
    return 'ok';
  }

  @Get('not-found-logged')
  notFoundLogged() {
    this.orders.debug('looking up order 9');
    this.orders.error(new NotFoundException('order 9 not found'));
    return 'ok';
  }

  @Get('not-found-then-failure')
  notFoundThenFailure() {
    this.orders.error('order lookup', new NotFoundException('order 9 not found'));
    this.orders.error('real failure');
    return 'ok';
  }
}

function start(platform: Platform, options: IncidentLoggerModuleOptions = {}): Promise<PolicyApp> {
  return startPolicyApp(platform, { targets: [target], ...options }, [ActivationController]);
}

const messages = () => target.incidents.map((incident) => incident.records.map((r) => r.message));

describe.each(PLATFORMS)('activation on %s', (platform) => {
  let t: PolicyApp | undefined;
  let stderr: ReturnType<typeof captureStderr> | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
    stderr?.stop();
    stderr = undefined;
  });
  beforeEach(() => target.incidents.splice(0));

  it("contextFlushLevels { TypeOrmLogger: 'error' }: its warn is buffered, another context's warn triggers, its error triggers", async () => {
    t = await start(platform, { contextFlushLevels: { TypeOrmLogger: 'error' } });
    await get(t, '/typeorm-warn');
    await sleep(QUIET_MS);
    expect(target.incidents).toEqual([]);

    await get(t, '/typeorm-then-orders-warn');
    expect(messages()).toEqual([['query is slow: SELECT * FROM orders', 'stock low for sku 9']]);
    expect(target.incidents[0].reason).toBe('level');
    expect(target.incidents[0].trigger?.context).toBe('Orders');

    target.incidents.splice(0);
    await get(t, '/typeorm-error');
    expect(messages()).toEqual([['deadlock detected']]);
  });

  it('trigger: true opens an incident for a log record, false vetoes an error; called only at or above the lowest flush level', async () => {
    const calls: Array<[IncidentRecord, IncidentTriggerScope]> = [];
    t = await start(platform, {
      // Audit's level makes `log` the lowest flush level: the predicate sees log records too.
      contextFlushLevels: { Audit: 'log' },
      trigger: (record, scope) => {
        calls.push([record, scope]);
        if (record.message.includes('payment failed')) return true;
        if (record.message.startsWith('expected:')) return false;
        return undefined;
      },
    });
    calls.splice(0); // Nest's boot lines (log level, global scope)

    await get(t, '/pay', 'pay-1');
    expect(messages()).toEqual([['payment failed (debug: below every flush level)', 'charging card', 'payment failed for order 7']]);
    expect(target.incidents[0].reason).toBe('level');
    expect(target.incidents[0].trigger?.level).toBe('log');
    // Never called for the debug record; called for both log records, with the scope they were logged in.
    expect(calls.map(([record]) => [record.level, record.message])).toEqual([
      ['log', 'charging card'],
      ['log', 'payment failed for order 7'],
    ]);
    expect(calls[1][1]).toEqual({ scope: 'request', request: { id: 'pay-1', kind: 'http', method: 'GET', url: '/pay' } });

    // false: the error is buffered, and shows in the next incident's window; undefined: the level rule.
    target.incidents.splice(0);
    await get(t, '/veto');
    expect(messages()).toEqual([['retrying', 'expected: cache miss', 'real problem']]);
    expect(target.incidents[0].trigger?.message).toBe('real problem');

    // undefined for a log record of a context whose level is log: the level rule triggers.
    target.incidents.splice(0);
    await get(t, '/audit');
    expect(messages()).toEqual([['role changed']]);
  });

  it('a trigger predicate that throws falls back to the level rule, reported once on stderr', async () => {
    stderr = captureStderr();
    t = await start(platform, {
      trigger: () => {
        throw new Error('predicate bug');
      },
    });
    await get(t, '/warn');
    await get(t, '/error');
    await get(t, '/log');
    expect(messages()).toEqual([
      ['before warn', 'a warning'],
      ['before error', 'an error'],
    ]);
    expect(stderr.lines()).toHaveLength(1);
  });

  it('logger.error(new NotFoundException()) is buffered, counted in ignoredByStatus, and shows in the next incident', async () => {
    t = await start(platform);
    const before = t.buffer.stats().ignoredByStatus;
    await get(t, '/not-found-logged');
    await sleep(QUIET_MS);
    expect(target.incidents).toEqual([]);
    expect(t.buffer.stats().ignoredByStatus - before).toBe(1);

    // As a param, then a real failure in the same request: the ignored record is in its window.
    await get(t, '/not-found-then-failure');
    expect(t.buffer.stats().ignoredByStatus - before).toBe(2);
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    // A logged error param is captured as a record of its own, after the message's.
    expect(incident.records.map((r) => [r.level, r.message, r.data?.name])).toEqual([
      ['error', 'order lookup', undefined],
      ['error', 'order 9 not found', 'NotFoundException'],
      ['error', 'real failure', undefined],
    ]);
    expect(incident.trigger).toBe(incident.records[2]);
  });

  it('ignoreExceptionStatus false: a logged NotFoundException triggers', async () => {
    t = await start(platform, { ignoreExceptionStatus: false });
    await get(t, '/not-found-logged');
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].records[0].message).toBe('looking up order 9');
    expect(JSON.stringify(target.incidents[0].trigger)).toContain('order 9 not found');
    expect(t.buffer.stats().ignoredByStatus).toBe(0);
  });

  it("ignoreExceptionStatus can accept other statuses: (s) => s === 404 ignores a 404, not a 409's", async () => {
    t = await start(platform, { ignoreExceptionStatus: (status) => status === 404 });
    await get(t, '/not-found-logged');
    expect(target.incidents).toEqual([]);
    t.logger.error({ getStatus: () => 409, message: 'conflict' });
    expect(target.incidents).toHaveLength(1);
  });

  it("setFlushLevel('log') at run time: a log record triggers; back to 'warn': it is buffered again", async () => {
    t = await start(platform);
    await get(t, '/log');
    expect(target.incidents).toEqual([]);

    t.logger.setFlushLevel('log');
    await get(t, '/log');
    expect(messages()).toEqual([['before log', 'a log line']]);

    target.incidents.splice(0);
    t.logger.setFlushLevel('warn');
    await get(t, '/log');
    expect(target.incidents).toEqual([]);
    await get(t, '/warn');
    expect(messages()).toEqual([['before warn', 'a warning']]);
  });

  it("setFlushLevel('error', { forMs: 200 }) goes back to the configured flushLevel after the delay", async () => {
    t = await start(platform);
    t.logger.setFlushLevel('error', { forMs: 200 });
    // In the global scope, synchronously: still within the 200 ms.
    t.logger.warn('warn while raised');
    expect(target.incidents).toEqual([]);
    // Poll: a warn in a request triggers again once the level went back.
    let attempts = 0;
    while (target.incidents.length === 0) {
      if (++attempts > 200) throw new Error('never happened: flushLevel went back to warn');
      await sleep(20);
      await get(t, '/warn');
    }
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].trigger?.message).toBe('a warning');
  });
});
