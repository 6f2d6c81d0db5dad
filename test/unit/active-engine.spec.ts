// Two applications in one process (a test suite, a CLI next to a server): a
// decorated method uses the newest running app's logger, and the older one's
// again once the newer one has closed.
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentBuffer, IncidentLoggerModule, IncidentScoped } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';

@Injectable()
class Job {
  @IncidentScoped()
  run(): never {
    throw new Error('job failed');
  }
}

async function appWith(target: MemoryTarget) {
  @Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] })], providers: [Job] })
  class AppModule {}
  const app = await NestFactory.createApplicationContext(AppModule, { logger: false });
  app.get(IncidentBuffer).clear();
  return app;
}

describe('which running app a decorated method reports to', () => {
  it('the newest one, then the older one again once the newer has closed, then none', async () => {
    const first = new MemoryTarget();
    const second = new MemoryTarget();
    const a = await appWith(first);
    const b = await appWith(second);
    const job = new Job();
    expect(() => job.run()).toThrow('job failed');
    expect([first.incidents.length, second.incidents.length]).toEqual([0, 1]);
    await b.close();
    expect(() => job.run()).toThrow('job failed');
    expect([first.incidents.length, second.incidents.length]).toEqual([1, 1]);
    expect(first.incidents[0].reason).toBe('rejected');
    await a.close();
    expect(() => job.run()).toThrow('job failed');
    expect([first.incidents.length, second.incidents.length]).toEqual([1, 1]);
  });
});
