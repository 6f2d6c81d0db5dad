import { Body, Controller, Get, Logger, Module, Param, Post } from '@nestjs/common';
import { IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const target = new MemoryTarget();
const tick = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

@Controller()
class WorkController {
  private readonly logger = new Logger('Work');

  /** Interleaves on purpose: every step awaits, so requests overlap. */
  async work(id: string, fail: boolean) {
    for (let step = 1; step <= 4; step++) {
      this.logger.debug(`${id} step ${step}`);
      await tick(Math.floor(Math.random() * 5));
    }
    if (fail) this.logger.error(`${id} failed`);
    return { id };
  }

  @Get('work/:id/:fail')
  get(@Param('id') id: string, @Param('fail') fail: string) {
    return this.work(id, fail === '1');
  }

  @Post('work')
  post(@Body() body: { id: string; fail: boolean }) {
    return this.work(body.id, body.fail);
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ targets: [target], storm: false })], // every request fails alike: this tests isolation, not storm control
  controllers: [WorkController],
})
class AppModule {}

describe.each(PLATFORMS)('200 concurrent interleaved requests on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());

  it('gives each failing request an incident with only its own records, in order', async () => {
    target.incidents.splice(0);
    const ids = Array.from({ length: 200 }, (_, i) => `r${i}`);
    const failing = new Set(ids.filter((_, i) => i % 3 === 0));
    await Promise.all(
      ids.map(async (id, i) => {
        const fail = failing.has(id);
        const res =
          i % 2 === 0
            ? await fetch(`${t.url}/work/${id}/${fail ? 1 : 0}`, { headers: { 'x-request-id': id } })
            : await fetch(`${t.url}/work`, {
                method: 'POST',
                headers: { 'content-type': 'application/json', 'x-request-id': id },
                body: JSON.stringify({ id, fail }),
              });
        expect(res.ok).toBe(true);
        await res.text();
      }),
    );
    expect(target.incidents).toHaveLength(failing.size);
    for (const incident of target.incidents) {
      const id = incident.request!.id;
      expect(failing.has(id)).toBe(true);
      expect(incident.records.map((r) => r.message)).toEqual([
        `${id} step 1`,
        `${id} step 2`,
        `${id} step 3`,
        `${id} step 4`,
        `${id} failed`,
      ]);
      expect(incident.dropped).toBe(0);
    }
    expect(new Set(target.incidents.map((i) => i.request!.id)).size).toBe(failing.size);
  });
});
