// @IncidentScoped() in a Nest application context (no HTTP): the scope a call runs
// in, as IncidentBuffer sees it from inside the method.
import { Injectable, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentBuffer, IncidentLogger, IncidentLoggerModule, IncidentRequest, IncidentScoped } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { restoreNestLogger } from '../utils/transport-context';

@Injectable()
class Worker {
  constructor(readonly buffer: IncidentBuffer) {}

  @IncidentScoped()
  current(): IncidentRequest | undefined {
    return this.buffer.request;
  }

  @IncidentScoped({ name: 'import-orders', id: (job: { id: number }) => job.id })
  async job(_job: { id: number }): Promise<IncidentRequest | undefined> {
    await Promise.resolve();
    return this.buffer.request;
  }

  @IncidentScoped()
  nested(): { outer?: IncidentRequest; inner?: IncidentRequest } {
    return { outer: this.buffer.request, inner: this.current() };
  }

  run(): IncidentRequest | undefined {
    return this.buffer.run(() => this.current(), { id: 'run-1', url: 'nightly' });
  }
}

const target = new MemoryTarget();

@Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] })], providers: [Worker] })
class ContextModule {}

describe('@IncidentScoped() in an application context', () => {
  let app: Awaited<ReturnType<typeof NestFactory.createApplicationContext>>;
  let worker: Worker;
  beforeAll(async () => {
    app = await NestFactory.createApplicationContext(ContextModule, { bufferLogs: true });
    app.useLogger(app.get(IncidentLogger));
    worker = app.get(Worker);
  });
  afterAll(() => restoreNestLogger());

  it('each call runs in a new scope: kind job, method JOB, url Class.method', () => {
    const first = worker.current();
    const second = worker.current();
    expect(first).toMatchObject({ kind: 'job', method: 'JOB', url: 'Worker.current' });
    expect(first?.parentId).toBeUndefined();
    expect(second?.id).not.toBe(first?.id);
    expect(worker.buffer.request).toBeUndefined();
  });

  it('the name and id options: url the name, id from the arguments (as a string)', async () => {
    expect(await worker.job({ id: 42 })).toMatchObject({ kind: 'job', url: 'import-orders', id: '42' });
  });

  it('a decorated method called from another one: a child scope whose parentId is the caller', () => {
    const { outer, inner } = worker.nested();
    expect(inner).toMatchObject({ kind: 'job', url: 'Worker.current', parentId: outer?.id });
    expect(inner?.id).not.toBe(outer?.id);
  });

  it('inside IncidentBuffer.run(): a child of the run scope', () => {
    expect(worker.run()).toMatchObject({ kind: 'job', url: 'Worker.current', parentId: 'run-1' });
  });

  it('once the app is closed, a decorated method runs as a plain method', async () => {
    await app.close();
    expect(worker.current()).toBeUndefined();
    await expect(worker.job({ id: 1 })).resolves.toBeUndefined();
  });
});
