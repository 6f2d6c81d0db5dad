// Nested scopes and the decorator's metadata: an HTTP request that emits an @OnEvent
// handler decorated @IncidentScoped() and calls IncidentBuffer.run(): each child is a
// scope of its own linked to the request (request.parentId), never merged into it.
import { Controller, Get, Injectable, Logger, Module, Param } from '@nestjs/common';
import { EventEmitter2, EventEmitterModule, OnEvent } from '@nestjs/event-emitter';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { IncidentBuffer, IncidentLoggerModule, IncidentScoped } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { get } from '../utils/policy-app';
import { PLATFORMS, startApp, TestApp } from '../utils/test-app';
import { hasRecord, headerOf, incidentsAt, incidentWith, messagesOf, quiet, rejectedMessage } from '../utils/transport-incidents';
import { sendError, startMicroservice } from '../utils/transport-microservice';
import { until } from '../utils/until';

const target = new MemoryTarget();
const declined = new Error('card declined');

@Injectable()
class ShippingListeners {
  private readonly logger = new Logger('ShippingListeners');

  @IncidentScoped()
  @OnEvent('order.shipped')
  async above(payload: { id: string }) {
    this.logger.debug(`notify above ${payload.id}`);
    await Promise.resolve();
    this.logger.warn(`notify above ${payload.id} bounced`);
  }

  @OnEvent('order.shipped')
  @IncidentScoped()
  async below(payload: { id: string }) {
    this.logger.debug(`notify below ${payload.id}`);
    await Promise.resolve();
    this.logger.warn(`notify below ${payload.id} bounced`);
  }
}

@Injectable()
class Pricing {
  private readonly logger = new Logger('Pricing');

  @IncidentScoped()
  add(a: number, b: number): number {
    this.logger.debug(`adding ${a} and ${b}`);
    return a + b;
  }

  @IncidentScoped()
  addLoudly(a: number, b: number): number {
    this.logger.debug(`adding ${a} and ${b} loudly`);
    this.logger.warn(`${a} + ${b} is suspicious`);
    return a + b;
  }

  @IncidentScoped('pricing-charge')
  charge(order: string): never {
    this.logger.debug(`charging ${order}`);
    throw declined;
  }
}

@Controller('orders')
class ShippingController {
  private readonly logger = new Logger('ShippingController');
  constructor(
    private readonly events: EventEmitter2,
    private readonly buffer: IncidentBuffer,
    private readonly pricing: Pricing,
  ) {}

  @Get(':id/ship')
  async ship(@Param('id') id: string) {
    this.logger.debug(`ship ${id}`);
    await this.events.emitAsync('order.shipped', { id });
    await this.buffer.run(
      async () => {
        this.logger.debug(`audit ${id}`);
        await Promise.resolve();
        this.logger.warn(`audit ${id} incomplete`);
      },
      { url: `audit/${id}` },
    );
    const total = this.pricing.add(2, 3);
    this.logger.warn(`ship ${id} done: ${typeof total} ${total}`);
    return { total };
  }
}

@Module({
  // Each test sends the same route (its warnings share a fingerprint), and from the 4th time in a
  // minute storm control writes a `repeat` line instead of the window: off, these tests are about scopes.
  imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target], storm: false }), EventEmitterModule.forRoot()],
  controllers: [ShippingController],
  providers: [ShippingListeners, Pricing],
})
class AppModule {}

describe.each(PLATFORMS)('nested scopes inside an HTTP request on %s', (platform) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, platform);
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));

  it("the request's incident holds none of its children's records, and no parent", async () => {
    const res = await get(t, '/orders/7/ship', `ship-${platform}`);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ total: 5 });
    const [incident, ...others] = incidentsAt(target, '/orders/7/ship');
    expect(others).toEqual([]);
    // The sync decorated method returned a number, not a promise: "number 5".
    expect(messagesOf(incident)).toEqual(['ship 7', 'ship 7 done: number 5']);
    expect(incident.request).toEqual({ id: `ship-${platform}`, kind: 'http', method: 'GET', url: '/orders/7/ship' });
  });

  it.each([
    ['above', 'ShippingListeners.above'],
    ['below', 'ShippingListeners.below'],
  ])('an @OnEvent handler with @IncidentScoped() written %s it: its own scope, parentId the request id', async (order, name) => {
    await get(t, '/orders/8/ship', `ship8-${platform}-${order}`);
    const incident = incidentWith(target, `notify ${order} 8 bounced`);
    expect(messagesOf(incident)).toEqual([`notify ${order} 8`, `notify ${order} 8 bounced`]);
    expect(incident.request).toMatchObject({ kind: 'job', method: 'JOB', url: name, parentId: `ship8-${platform}-${order}` });
    expect(incident.request?.id).not.toBe(`ship8-${platform}-${order}`);
  });

  it('IncidentBuffer.run() inside the request: kind run, parentId the request id', async () => {
    await get(t, '/orders/9/ship', `ship9-${platform}`);
    const incident = incidentWith(target, 'audit 9 incomplete');
    expect(messagesOf(incident)).toEqual(['audit 9', 'audit 9 incomplete']);
    expect(incident.request).toMatchObject({ kind: 'run', method: 'RUN', url: 'audit/9', parentId: `ship9-${platform}` });
    expect(headerOf(incident)).toContain(` | RUN audit/9 | request=${incident.request?.id} | parent=ship9-${platform} | reason=level`);
  });

  it("a decorated method called outside any request: the global scope is nobody's parent; sync stays sync", async () => {
    const result = t.app.get(Pricing).addLoudly(4, 5);
    expect(result).toBe(9);
    const incident = incidentWith(target, '4 + 5 is suspicious');
    expect(messagesOf(incident)).toEqual(['adding 4 and 5 loudly', '4 + 5 is suspicious']);
    expect(incident.request).toMatchObject({ kind: 'job', method: 'JOB', url: 'Pricing.addLoudly' });
    expect(incident.request?.parentId).toBeUndefined();
  });

  it('a sync decorated method that throws: the same error reaches the caller, after a rejected incident', async () => {
    let thrown: unknown;
    try {
      t.app.get(Pricing).charge('o-1');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBe(declined);
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(incident.request).toMatchObject({ kind: 'job', url: 'pricing-charge' });
    expect(messagesOf(incident).slice(0, -1)).toEqual(['charging o-1']);
    expect(incident.trigger?.message).toMatch(rejectedMessage('JOB pricing-charge', 'Error: card declined'));
  });
});

@Controller()
class AuditHandlers {
  private readonly logger = new Logger('AuditHandlers');

  @IncidentScoped()
  @EventPattern('audit.above')
  auditAbove(@Payload() data: { id: string }) {
    this.logger.debug(`audit.above got ${data.id}`);
    this.logger.warn(`audit.above ${data.id} incomplete`);
  }

  @EventPattern('audit.below')
  @IncidentScoped()
  auditBelow(@Payload() data: { id: string }) {
    this.logger.debug(`audit.below got ${data.id}`);
    this.logger.warn(`audit.below ${data.id} incomplete`);
  }

  @IncidentScoped()
  @MessagePattern('price.above')
  async priceAbove(@Payload() data: { a: number; b: number }) {
    await Promise.resolve();
    return data.a + data.b;
  }

  @MessagePattern('price.below')
  @IncidentScoped()
  priceBelow(@Payload() data: { a: number; b: number }) {
    if (data.a < 0) throw new Error(`negative price ${data.a}`);
    return data.a * data.b;
  }
}

@Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] })], controllers: [AuditHandlers] })
class MicroserviceModule {}

describe('@IncidentScoped() with @EventPattern / @MessagePattern and @Payload() (no interceptor)', () => {
  let s: Awaited<ReturnType<typeof startMicroservice>>;
  beforeAll(async () => {
    s = await startMicroservice(MicroserviceModule);
  });
  afterAll(() => s.close());
  beforeEach(() => target.incidents.splice(0));

  it.each(['above', 'below'])(
    '@EventPattern with @IncidentScoped() written %s it: handled with its payload, in a job scope',
    async (order) => {
      await s.emit(`audit.${order}`, { id: `e-${order}` });
      await until(() => hasRecord(target, `audit.${order} e-${order} incomplete`), `the audit.${order} incident`);
      const incident = incidentWith(target, `audit.${order} e-${order} incomplete`);
      expect(messagesOf(incident)).toEqual([`audit.${order} got e-${order}`, `audit.${order} e-${order} incomplete`]);
      expect(incident.request).toMatchObject({
        kind: 'job',
        method: 'JOB',
        url: `AuditHandlers.audit${order === 'above' ? 'Above' : 'Below'}`,
      });
    },
  );

  it('@MessagePattern with @IncidentScoped() in either order: replies with the value computed from its payload', async () => {
    expect(await s.send('price.above', { a: 2, b: 3 })).toBe(5);
    expect(await s.send('price.below', { a: 2, b: 3 })).toBe(6);
  });

  it("@MessagePattern below @IncidentScoped(): a throw is still Nest's error (logged, replied) after the rejected incident", async () => {
    expect(await sendError(s, 'price.below', { a: -1, b: 3 })).toEqual({ status: 'error', message: 'Internal server error' });
    await until(() => target.incidents.length >= 2, 'the rejected incident and the line Nest logged');
    await quiet();
    const [rejected, logged, ...others] = target.incidents;
    expect(others).toEqual([]);
    expect(rejected.reason).toBe('rejected');
    expect(rejected.request).toMatchObject({ kind: 'job', url: 'AuditHandlers.priceBelow' });
    expect(rejected.trigger?.message).toMatch(rejectedMessage('JOB AuditHandlers.priceBelow', 'Error: negative price -1'));
    // Nest's RpcExceptionsHandler logs the same error outside the job's scope: that line alone, linked.
    expect(logged.scope).toBe('global');
    expect(logged.trigger?.context).toBe('RpcExceptionsHandler');
    expect(messagesOf(logged)).toEqual(['negative price -1']);
    expect(logged.links).toEqual([rejected.id]);
  });
});
