// A BullMQ processor (@nestjs/bullmq WorkerHost) against a real redis-server that this
// spec starts and stops: WorkerHost.process decorated @IncidentScoped({ id: (job) => job.id })
// gives each job a scope whose id is the job id. Skipped, saying why, only where
// scripts/ensure-redis.sh cannot install redis-server.
import { Logger, Module, Type } from '@nestjs/common';
import { BullModule, getQueueToken, Processor, WorkerHost } from '@nestjs/bullmq';
import { Job, Queue, QueueEvents } from 'bullmq';
import { IncidentLoggerModule, IncidentScoped } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { ensureRedis, RedisServer, startRedis } from '../utils/redis-server';
import { startTransportContext, TransportContext } from '../utils/transport-context';
import { barrier, headerOf, incidentWith, messagesOf, quiet, rejectedMessage } from '../utils/transport-incidents';

// Chosen when the file loads: installing redis-server can take a while, and a skip must be decided before the tests exist.
const redisMissing = ensureRedis();
if (redisMissing !== undefined) {
  console.warn(`transport-bullmq.e2e-spec.ts skipped: redis-server is not installed and could not be: ${redisMissing}`);
}
const describeWithRedis = redisMissing === undefined ? describe : describe.skip;

const target = new MemoryTarget();
let inFlight = barrier(2);

interface Payment {
  order: string;
  amount: number;
  /** Wait for the other job of the pair before finishing. */
  pair?: boolean;
  warn?: boolean;
}

@Processor('payments', { concurrency: 2 })
class PaymentsProcessor extends WorkerHost {
  private readonly logger = new Logger('PaymentsProcessor');

  @IncidentScoped({ id: (job: Job<Payment>) => job.id })
  async process(job: Job<Payment>): Promise<string> {
    const { order, amount } = job.data;
    this.logger.debug(`charging ${order}`);
    if (job.data.pair) await inFlight.arrive();
    if (amount < 0) throw new Error(`card declined for ${order}`);
    this.logger.debug(`charged ${order}`);
    if (job.data.warn) this.logger.warn(`${order} charged twice`);
    return `receipt-${order}`;
  }
}

function appModule(redis: RedisServer): Type<unknown> {
  @Module({
    imports: [
      IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] }),
      BullModule.forRoot({ connection: { host: redis.host, port: redis.port } }),
      BullModule.registerQueue({ name: 'payments' }),
    ],
    providers: [PaymentsProcessor],
  })
  class BullAppModule {}
  return BullAppModule;
}

describeWithRedis('BullMQ WorkerHost.process with @IncidentScoped({ id }) against a real redis-server', () => {
  let redis: RedisServer;
  let context: TransportContext;
  let queue: Queue<Payment>;
  let events: QueueEvents;
  beforeAll(async () => {
    redis = await startRedis();
    context = await startTransportContext(appModule(redis));
    queue = context.app.get(getQueueToken('payments'));
    events = new QueueEvents('payments', { connection: { host: redis.host, port: redis.port } });
    await events.waitUntilReady();
  });
  afterAll(async () => {
    await events?.close();
    await context?.close();
    await redis?.stop();
  });
  beforeEach(() => {
    target.incidents.splice(0);
    inFlight = barrier(2);
  });

  it('gives two concurrent jobs a scope each, whose id is the job id', async () => {
    const a = await queue.add('charge', { order: 'o-1', amount: 10, pair: true, warn: true }, { jobId: 'pay-1' });
    const b = await queue.add('charge', { order: 'o-2', amount: 20, pair: true, warn: true }, { jobId: 'pay-2' });
    expect(await Promise.all([a.waitUntilFinished(events), b.waitUntilFinished(events)])).toEqual(['receipt-o-1', 'receipt-o-2']);
    const first = incidentWith(target, 'o-1 charged twice');
    const second = incidentWith(target, 'o-2 charged twice');
    expect(messagesOf(first)).toEqual(['charging o-1', 'charged o-1', 'o-1 charged twice']);
    expect(messagesOf(second)).toEqual(['charging o-2', 'charged o-2', 'o-2 charged twice']);
    expect(first.request).toMatchObject({ id: 'pay-1', kind: 'job', method: 'JOB', url: 'PaymentsProcessor.process' });
    expect(second.request).toMatchObject({ id: 'pay-2', kind: 'job', method: 'JOB', url: 'PaymentsProcessor.process' });
  });

  it('a job that succeeds quietly writes nothing and keeps its return value', async () => {
    const job = await queue.add('charge', { order: 'o-3', amount: 5 }, { jobId: 'pay-3' });
    expect(await job.waitUntilFinished(events)).toBe('receipt-o-3');
    await quiet();
    expect(target.incidents).toEqual([]);
  });

  it('a failing job writes a rejected incident naming the job, and BullMQ still sees the failure', async () => {
    const job = await queue.add('charge', { order: 'o-4', amount: -1 }, { jobId: 'pay-4', attempts: 1 });
    await expect(job.waitUntilFinished(events)).rejects.toThrow('card declined for o-4');
    expect(await job.getState()).toBe('failed');
    expect((await Job.fromId(queue, 'pay-4'))?.failedReason).toBe('card declined for o-4');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(incident.request).toMatchObject({ id: 'pay-4', kind: 'job', method: 'JOB', url: 'PaymentsProcessor.process' });
    expect(messagesOf(incident).slice(0, -1)).toEqual(['charging o-4']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'IncidentOutcome' });
    expect(incident.trigger?.message).toMatch(rejectedMessage('JOB PaymentsProcessor.process', 'Error: card declined for o-4'));
    expect(headerOf(incident)).toContain(' | JOB PaymentsProcessor.process | request=pay-4 | reason=rejected');
  });
});
