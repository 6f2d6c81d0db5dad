import {
  ArgumentsHost,
  CanActivate,
  Catch,
  Controller,
  ExceptionFilter,
  Get,
  Injectable,
  Module,
  ServiceUnavailableException,
  UseFilters,
  UseGuards,
} from '@nestjs/common';
import { IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const target = new MemoryTarget();

class QuotaError extends Error {
  override name = 'QuotaError';
}

@Injectable()
class MaintenanceGuard implements CanActivate {
  canActivate(): boolean {
    throw new ServiceUnavailableException('down for maintenance');
  }
}

/** An app's own filter: answers 507 with its own body (the observer must not change that). */
@Catch(QuotaError)
class QuotaFilter implements ExceptionFilter {
  catch(exception: QuotaError, host: ArgumentsHost): void {
    const res = host.switchToHttp().getResponse<{
      status?: (code: number) => { send: (b: unknown) => void };
      code?: (code: number) => { send: (b: unknown) => void };
    }>();
    const reply = typeof res.code === 'function' ? res.code(507) : res.status!(507);
    reply.send({ quota: exception.message });
  }
}

@Controller()
class ObservedController {
  @Get('guarded')
  @UseGuards(MaintenanceGuard)
  guarded() {
    return 'never';
  }

  @Get('quota')
  @UseFilters(QuotaFilter)
  quota() {
    throw new QuotaError('disk quota exceeded');
  }
}

@Module({ imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false })], controllers: [ObservedController] })
class AppModule {}

describe.each(PLATFORMS)('the exception observer on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));
  const settle = () => new Promise((resolve) => setTimeout(resolve, 30));

  it('sees an exception thrown by a guard (which runs before any interceptor): the status incident names it', async () => {
    const res = await fetch(`${t.url}/guarded`);
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ message: 'down for maintenance' }); // Nest's own answer, unchanged
    await settle();
    expect(target.incidents.map((i) => i.reason)).toEqual(['status']);
    expect(target.incidents[0].trigger?.message).toMatch(
      /^GET \/guarded -> 503 in \d+ ms: ServiceUnavailableException: down for maintenance$/,
    );
    expect(target.incidents[0].trigger?.stack).toContain('MaintenanceGuard.canActivate');
  });

  it("leaves an app filter's answer alone; an exception that filter handled first is not seen (the incident has the status only)", async () => {
    const res = await fetch(`${t.url}/quota`);
    expect(res.status).toBe(507);
    expect(await res.json()).toEqual({ quota: 'disk quota exceeded' });
    await settle();
    expect(target.incidents.map((i) => i.reason)).toEqual(['status']);
    expect(target.incidents[0].trigger?.message).toMatch(/^GET \/quota -> 507 in \d+ ms$/);
    expect(target.incidents[0].trigger?.stack).toBeUndefined();
  });
});
