// One failure, one story: an error that already ended a scope as a `rejected`
// incident, logged again by whoever ran the work (the scheduler around a cron
// job, the caller of run()), is written as its line alone, linked to the
// incident that told it; the other scope's window is not written for it.
import { Logger } from '@nestjs/common';
import { formatIncident } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { startContext, TestContext } from '../utils/test-context';

describe('an error told already', () => {
  let ctx: TestContext;
  let target: MemoryTarget;
  const job = new Logger('Job');
  const scheduler = new Logger('Scheduler');

  beforeEach(async () => {
    target = new MemoryTarget();
    ctx = await startContext({ targets: [target] });
  });
  afterEach(() => ctx.close());

  it('logged in the global scope after its job rejected: its line alone, linked; the global window stays', async () => {
    new Logger('Boot').log('boot line');
    const error = new Error('job failed');
    await expect(
      ctx.buffer.run(async () => {
        job.debug('step 1');
        throw error;
      }),
    ).rejects.toBe(error);
    scheduler.error(error);
    const [rejected, told] = target.incidents;
    expect(target.incidents).toHaveLength(2);
    expect(rejected.reason).toBe('rejected');
    expect(target.messages(0)).toEqual(['step 1', expect.stringMatching(/^RUN rejected after \d+ ms: Error: job failed$/)]);
    expect(told).toMatchObject({ reason: 'level', scope: 'global', links: [rejected.id], dropped: 0 });
    expect(told.records).toEqual([told.trigger]);
    expect(told.trigger).toMatchObject({ level: 'error', context: 'Scheduler', message: 'job failed' });
    expect(formatIncident(told, 'text').split('\n')[0]).toContain(`| links=${rejected.id} |`);
    expect(JSON.parse(formatIncident(told, 'json').split('\n')[0]).links).toEqual([rejected.id]);
    // The global window was not spent on it: the next global failure still carries it.
    scheduler.error('something else');
    expect(target.messages(2)).toEqual(['boot line', 'something else']);
  });

  it('the same error passed after a message is recognised', async () => {
    const error = new Error('job failed');
    await ctx.buffer.run(() => Promise.reject(error)).catch(() => undefined);
    scheduler.error('the nightly job failed', error);
    expect(target.incidents[1].links).toEqual([target.incidents[0].id]);
  });

  it('another error, or the same message in a new Error, writes its window as usual', async () => {
    new Logger('Boot').log('boot line');
    await ctx.buffer.run(() => Promise.reject(new Error('job failed'))).catch(() => undefined);
    scheduler.error(new Error('job failed'));
    expect(target.incidents[1].links).toBeUndefined();
    expect(target.messages(1)).toEqual(['boot line', 'job failed']);
  });

  it('an error whose rejected incident was not written (outcome.rejected false) is not told', async () => {
    await ctx.close();
    target = new MemoryTarget();
    ctx = await startContext({ targets: [target], outcome: { rejected: false } });
    new Logger('Boot').log('boot line');
    const error = new Error('job failed');
    await ctx.buffer.run(() => Promise.reject(error)).catch(() => undefined);
    scheduler.error(error);
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].links).toBeUndefined();
    expect(target.messages(0)).toEqual(['boot line', 'job failed']);
  });
});
