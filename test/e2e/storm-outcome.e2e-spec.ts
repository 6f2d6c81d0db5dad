import { BadGatewayException, Controller, Get, Logger, Module, Param } from '@nestjs/common';
import { IncidentBuffer, IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const target = new MemoryTarget();

@Controller()
class TrackingController {
  private readonly logger = new Logger('Tracking');

  @Get('orders/:id/tracking')
  track(@Param('id') id: string) {
    this.logger.error(`tracking of order ${id} failed: carrier API unavailable`);
    throw new BadGatewayException('carrier API unavailable');
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ targets: [target], storm: { windowMs: 600_000, fullIncidents: 1, maxIncidents: 2 } })],
  controllers: [TrackingController],
})
class AppModule {}

describe.each(PLATFORMS)('storm control and outcome incidents on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
    target.incidents.splice(0); // the previous platform's app wrote its summary when it closed
  });
  afterAll(() => t.close());

  it('a failure held back by storm control is held back once: no status incident follows it', async () => {
    for (let i = 1; i <= 6; i++) expect((await fetch(`${t.url}/orders/${i}/tracking`)).status).toBe(502);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const stats = t.app.get(IncidentBuffer).stats();
    // 6 failures: 1 full, 1 repeat, 4 held back. Not 8: each 502 was already decided by its logged error.
    expect(target.incidents.map((i) => i.reason)).toEqual(['level', 'repeat']);
    expect(stats.suppressed).toBe(4);
    expect(stats.incidents.status).toBe(0);
  });
});
