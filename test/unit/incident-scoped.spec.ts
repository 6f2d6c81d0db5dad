// @IncidentScoped() on its own: what the decorated method is without a running
// app (it just runs), and the metadata other decorators put on the method, kept
// in either decorator order. No Nest application is created in this file.
import { SetMetadata } from '@nestjs/common';
import 'reflect-metadata';
import { IncidentScoped } from '../../lib';

const KEY = 'test:marker';
const failure = new Error('declined');

class Jobs {
  calls: unknown[][] = [];

  @IncidentScoped()
  sync(a: number, b: number): number {
    this.calls.push([a, b]);
    return a + b;
  }

  @IncidentScoped({ name: 'async-job', id: (job: { id: string }) => job.id })
  async later(job: { id: string }): Promise<string> {
    await Promise.resolve();
    return `done ${job.id}`;
  }

  @IncidentScoped()
  throws(): never {
    throw failure;
  }

  @IncidentScoped('rejects')
  async rejects(): Promise<never> {
    await Promise.resolve();
    throw failure;
  }

  @IncidentScoped()
  @SetMetadata(KEY, 'below')
  markedBelow(): string {
    return 'below';
  }

  @SetMetadata(KEY, 'above')
  @IncidentScoped()
  markedAbove(): string {
    return 'above';
  }
}

describe('@IncidentScoped() outside a running app', () => {
  const jobs = new Jobs();

  it('a sync method stays sync: same value, same this, same arguments', () => {
    const result = jobs.sync(2, 3);
    expect(result).toBe(5);
    expect(jobs.calls).toEqual([[2, 3]]);
  });

  it('an async method resolves to its value', async () => {
    const result = jobs.later({ id: 'j1' });
    expect(result).toBeInstanceOf(Promise);
    await expect(result).resolves.toBe('done j1');
  });

  it('a throw and a rejection go on unchanged (the same error object)', async () => {
    expect(() => jobs.throws()).toThrow(failure);
    let thrown: unknown;
    try {
      jobs.throws();
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(failure);
    await expect(jobs.rejects()).rejects.toBe(failure);
  });

  it.each([
    ['above', 'markedBelow', 'below'],
    ['below', 'markedAbove', 'above'],
  ])('keeps the metadata of a decorator written %s it on the method', (_where, method, value) => {
    const fn = (Jobs.prototype as unknown as Record<string, () => string>)[method];
    expect(Reflect.getMetadata(KEY, fn)).toBe(value);
    expect(fn.call(new Jobs())).toBe(value);
  });
});
