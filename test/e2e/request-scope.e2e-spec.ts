import { Body, CanActivate, Controller, Get, Injectable, Logger, Module, Param, Post, UseGuards } from '@nestjs/common';
import { IncidentLoggerModule } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';

const target = new MemoryTarget();

@Injectable()
class DenyGuard implements CanActivate {
  private readonly logger = new Logger('DenyGuard');
  canActivate(): boolean {
    this.logger.debug('checking the api key');
    throw new Error('guard exploded');
  }
}

@Controller()
class OrdersController {
  private readonly logger = new Logger('OrdersController');

  @Get('ok/:id')
  ok(@Param('id') id: string) {
    this.logger.debug(`ok ${id}`);
    return { id };
  }

  @Get('fail/:id')
  async fail(@Param('id') id: string) {
    this.logger.debug(`acquire ${id}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    this.logger.debug(`query ${id}`);
    this.logger.error(`pool exhausted ${id}`);
    return { id };
  }

  @Get('twice')
  async twice() {
    this.logger.debug('first step');
    this.logger.warn('first problem');
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.logger.debug('second step');
    this.logger.error('second problem');
    return 'ok';
  }

  @Get('throw')
  throws() {
    this.logger.debug('about to throw');
    throw new Error('unhandled boom');
  }

  @Get('guarded')
  @UseGuards(DenyGuard)
  guarded() {
    return 'never';
  }

  @Post('body')
  async body(@Body() body: { id: string }) {
    this.logger.debug(`got body ${body.id}`);
    await new Promise((resolve) => setTimeout(resolve, 1));
    this.logger.warn(`body warn ${body.id}`);
    return body;
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ bufferSize: 30, targets: [target], setResponseHeader: true })],
  controllers: [OrdersController],
})
class AppModule {}

describe.each(PLATFORMS)('request scope on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));

  it('writes the debug window of the failing request, trigger last', async () => {
    const res = await fetch(`${t.url}/fail/7`, { headers: { 'x-request-id': 'req-7' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('req-7');
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.records.map((r) => [r.level, r.message, r.context])).toEqual([
      ['debug', 'acquire 7', 'OrdersController'],
      ['debug', 'query 7', 'OrdersController'],
      ['error', 'pool exhausted 7', 'OrdersController'],
    ]);
    expect(incident.trigger).toBe(incident.records[2]);
    expect(incident.request).toEqual({ id: 'req-7', kind: 'http', method: 'GET', url: '/fail/7' });
    expect(incident.scope).toBe('request');
  });

  it('a second error in the same request carries only what came after the first', async () => {
    const res = await fetch(`${t.url}/twice`, { headers: { 'x-request-id': 'twice-1' } });
    expect(res.status).toBe(200);
    expect(target.incidents.map((i) => [i.request?.id, i.records.map((r) => r.message)])).toEqual([
      ['twice-1', ['first step', 'first problem']],
      ['twice-1', ['second step', 'second problem']],
    ]);
  });

  it('writes nothing for a request that does not fail', async () => {
    await (await fetch(`${t.url}/ok/1`)).json();
    expect(target.incidents).toHaveLength(0);
  });

  it('turns an unhandled controller exception into the incident of its request', async () => {
    const res = await fetch(`${t.url}/throw`);
    expect(res.status).toBe(500);
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.records.map((r) => r.message)).toEqual(['about to throw', 'unhandled boom']);
    expect(incident.trigger?.context).toBe('ExceptionsHandler');
    expect(incident.trigger?.stack).toMatch(/Error: unhandled boom\n\s+at /);
  });

  it('keeps the request scope in guards', async () => {
    const res = await fetch(`${t.url}/guarded`);
    expect(res.status).toBe(500);
    expect(target.incidents).toHaveLength(1);
    expect(target.messages(0)).toEqual(['checking the api key', 'guard exploded']);
    expect(target.incidents[0].request?.url).toBe('/guarded');
  });

  it('keeps the request scope for a POST with a JSON body', async () => {
    const res = await fetch(`${t.url}/body`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'b1', padding: 'x'.repeat(20000) }),
    });
    expect(res.status).toBe(201);
    expect(target.incidents).toHaveLength(1);
    expect(target.messages(0)).toEqual(['got body b1', 'body warn b1']);
    expect(target.incidents[0].scope).toBe('request');
    expect(target.incidents[0].request?.method).toBe('POST');
  });
});
