// @nestjs/schedule jobs decorated @IncidentScoped(), written above and below @Interval
// and @Cron: the jobs still run (their metadata is kept) and each run has a scope.
import { Injectable, Logger, Module } from '@nestjs/common';
import { Cron, Interval, ScheduleModule } from '@nestjs/schedule';
import { Incident, IncidentLoggerModule, IncidentScoped } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { hasRecord, headerOf, incidentsAt, incidentWith, messagesOf, rejectedMessage } from '../utils/transport-incidents';
import { startTransportContext, TransportContext } from '../utils/transport-context';
import { until } from '../utils/until';

const target = new MemoryTarget();
const runs: Record<string, number> = {};

/** One run of a job: a debug line per run, a warning on run 2, a failure on run 3, quiet after. */
function run(logger: Logger, job: string): void {
  const n = (runs[job] = (runs[job] ?? 0) + 1);
  logger.debug(`${job} run ${n}`);
  if (n === 2) logger.warn(`${job} run 2 warned`);
  if (n === 3) throw new Error(`${job} run 3 failed`);
}

@Injectable()
class Jobs {
  private readonly logger = new Logger('Jobs');

  @IncidentScoped()
  @Interval(20)
  intervalAbove() {
    run(this.logger, 'intervalAbove');
  }

  @Interval(20)
  @IncidentScoped()
  intervalBelow() {
    run(this.logger, 'intervalBelow');
  }

  @IncidentScoped('nightly-sync')
  @Interval(20)
  async named() {
    await Promise.resolve();
    run(this.logger, 'named');
  }

  @IncidentScoped()
  @Cron('* * * * * *')
  cronAbove() {
    run(this.logger, 'cronAbove');
  }

  @Cron('* * * * * *')
  @IncidentScoped()
  cronBelow() {
    run(this.logger, 'cronBelow');
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] }), ScheduleModule.forRoot()],
  providers: [Jobs],
})
class AppModule {}

describe('@nestjs/schedule jobs with @IncidentScoped()', () => {
  let context: TransportContext;
  beforeAll(async () => {
    context = await startTransportContext(AppModule);
  });
  afterAll(() => context.close());

  describe.each([
    ['above', 'intervalAbove', 'Jobs.intervalAbove'],
    ['below', 'intervalBelow', 'Jobs.intervalBelow'],
    ['above, with a name', 'named', 'nightly-sync'],
  ])('@Interval, @IncidentScoped() written %s it', (_order, job, name) => {
    it('runs, each run in a scope of its own: kind job, url the job name', async () => {
      await until(() => hasRecord(target, `${job} run 2 warned`), `${job} run 2`, { attempts: 3000, intervalMs: 5 });
      const incident = incidentWith(target, `${job} run 2 warned`);
      // Run 1's line is in run 1's scope, not in this window.
      expect(messagesOf(incident)).toEqual([`${job} run 2`, `${job} run 2 warned`]);
      expect(incident.scope).toBe('request');
      expect(incident.request).toMatchObject({ kind: 'job', method: 'JOB', url: name });
      expect(incident.request?.parentId).toBeUndefined();
      expect(headerOf(incident)).toContain(` | JOB ${name} | request=`);
    });

    it('a failing run writes a rejected incident, and the error still reaches the scheduler', async () => {
      await until(() => hasRecord(target, `${job} run 3 failed`), `${job} run 3`, { attempts: 3000, intervalMs: 5 });
      const [rejected, ...others] = incidentsAt(target, name).filter((incident) => incident.reason === 'rejected');
      expect(others).toEqual([]);
      expect(messagesOf(rejected).slice(0, -1)).toEqual([`${job} run 3`]);
      expect(rejected.trigger).toMatchObject({ level: 'error', context: 'IncidentOutcome' });
      expect(rejected.trigger?.message).toMatch(rejectedMessage(`JOB ${name}`, `Error: ${job} run 3 failed`));
      expect(rejected.request).toMatchObject({ kind: 'job', url: name });
      // @nestjs/schedule catches the same error and logs it, in the global scope (the run's has ended):
      // one failure, one story: that line alone, linked to the rejected incident.
      const logged = (): Incident | undefined =>
        target.incidents.find((i) => i.trigger?.context === 'Scheduler' && i.trigger.message === `${job} run 3 failed`);
      await until(() => logged() !== undefined, `the Scheduler's line for ${job}`);
      expect(logged()?.scope).toBe('global');
      expect(messagesOf(logged())).toEqual([`${job} run 3 failed`]);
      expect(logged()?.links).toEqual([rejected.id]);
    });
  });

  it.each([
    ['above', 'cronAbove'],
    ['below', 'cronBelow'],
  ])('@Cron with @IncidentScoped() written %s it: runs in a scope of kind job', async (_order, job) => {
    await until(() => hasRecord(target, `${job} run 2 warned`), `${job} run 2 (a cron of every second)`, {
      attempts: 1000,
      intervalMs: 10,
    });
    const incident = incidentWith(target, `${job} run 2 warned`);
    expect(messagesOf(incident)).toEqual([`${job} run 2`, `${job} run 2 warned`]);
    expect(incident.request).toMatchObject({ kind: 'job', method: 'JOB', url: `Jobs.${job}` });
  });
});
