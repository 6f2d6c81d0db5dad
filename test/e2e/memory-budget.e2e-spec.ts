import { Controller, Get, Logger, Module } from '@nestjs/common';
import { IncidentBuffer, IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { startContext, TestContext } from '../utils/test-context';
import { PLATFORMS, startApp } from '../utils/test-app';

describe('memory budget across live scopes', () => {
  let ctx: TestContext;
  let target: MemoryTarget;
  afterEach(() => ctx.close());

  it('keeps thousands of concurrent scopes under maxTotalBufferBytes, and releases them all at the end', async () => {
    target = new MemoryTarget();
    const budget = 1024 * 1024;
    ctx = await startContext({ targets: [target], maxTotalBufferBytes: budget });
    const logger = new Logger('Slow');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let maxSeen = 0;
    const line = 'x'.repeat(500);
    const scopes = Array.from({ length: 3000 }, (_, i) =>
      ctx.buffer.run(async () => {
        for (let n = 0; n < 20; n++) {
          logger.debug(`${i}:${n}:${line}`);
          maxSeen = Math.max(maxSeen, ctx.buffer.stats().bufferedBytes);
        }
        await gate;
        if (i === 2999) logger.error(`scope ${i} failed`);
      }),
    );
    const during = ctx.buffer.stats();
    expect(during.liveScopes).toBe(3000);
    expect(maxSeen).toBeLessThanOrEqual(budget);
    expect(during.bufferedBytes).toBeLessThanOrEqual(budget);
    // 3000 x 20 x ~1 KB would be ~60 MB without the budget.
    expect(during.budgetEvictions).toBeGreaterThan(50_000);
    release();
    await Promise.all(scopes);
    expect(ctx.buffer.stats()).toMatchObject({ liveScopes: 0, bufferedBytes: 0 });
    // The failing scope still has its newest records, then the trigger.
    const incident = target.incidents[0];
    expect(incident.records.at(-2)?.message.startsWith('2999:19:')).toBe(true);
    expect(incident.dropped).toBeGreaterThan(0);
  });

  it('evicts from the scope that is writing first, so a quiet scope keeps its records', async () => {
    target = new MemoryTarget();
    ctx = await startContext({ targets: [target], maxTotalBufferBytes: 64 * 1024, maxBufferBytes: 64 * 1024 });
    const logger = new Logger('Fair');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const quiet = ctx.buffer.run(async () => {
      logger.debug('quiet 1');
      logger.debug('quiet 2');
      await gate;
      logger.error('quiet failed');
    });
    const noisy = ctx.buffer.run(async () => {
      for (let n = 0; n < 500; n++) logger.debug(`noisy ${n} ${'y'.repeat(400)}`);
      await gate;
    });
    expect(ctx.buffer.stats().bufferedBytes).toBeLessThanOrEqual(64 * 1024);
    release();
    await Promise.all([quiet, noisy]);
    expect(target.messages(0)).toEqual(['quiet 1', 'quiet 2', 'quiet failed']);
  });
});

@Controller()
class PingController {
  private readonly logger = new Logger('Ping');
  constructor(private readonly buffer: IncidentBuffer) {}
  @Get('ping')
  ping() {
    for (let i = 0; i < 5; i++) this.logger.debug(`ping ${i}`);
    return 'pong';
  }
}

describe.each(PLATFORMS)('request scopes are released when responses close (%s)', (platform) => {
  it('no live scope and no buffered byte left after 500 requests', async () => {
    @Module({ imports: [IncidentLoggerModule.forRoot({ targets: [new MemoryTarget()] })], controllers: [PingController] })
    class AppModule {}
    const t = await startApp(AppModule, platform);
    try {
      const buffer = t.app.get(IncidentBuffer);
      for (let wave = 0; wave < 10; wave++) {
        await Promise.all(Array.from({ length: 50 }, () => fetch(`${t.url}/ping`).then((r) => r.text())));
      }
      for (let i = 0; i < 50 && buffer.stats().liveScopes > 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(buffer.stats()).toMatchObject({ liveScopes: 0, bufferedBytes: 0 });
    } finally {
      await t.close();
    }
  });
});
