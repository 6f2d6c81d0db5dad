// A TCP microservice on loopback with a real ClientProxy: each message and event
// gets its own scope from IncidentScopeInterceptor (docs: issue 12 §2 API spec).
import {
  CallHandler,
  CanActivate,
  Controller,
  ExecutionContext,
  Get,
  Injectable,
  Logger,
  Module,
  NestInterceptor,
  NotFoundException,
  Param,
  ServiceUnavailableException,
  UseGuards,
  UseInterceptors,
} from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { EventPattern, MessagePattern, Payload, RpcException } from '@nestjs/microservices';
import { IncidentBuffer, IncidentLoggerModule, IncidentScopeInterceptor } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS } from '../utils/test-app';
import { barrier, hasRecord, headerOf, incidentsAt, incidentWith, messagesOf, quiet, rejectedMessage } from '../utils/transport-incidents';
import { HybridApp, sendError, startHybrid, startMicroservice } from '../utils/transport-microservice';
import { until } from '../utils/until';

const target = new MemoryTarget();
let inFlight = barrier(2);

@Injectable()
class AuditGuard implements CanActivate {
  private readonly logger = new Logger('AuditGuard');
  canActivate(context: ExecutionContext): boolean {
    const id = context.getType() === 'http' ? context.switchToHttp().getRequest().params.id : context.switchToRpc().getData().id;
    this.logger.debug(`guard saw ${id}`);
    return true;
  }
}

/** Logs before the next interceptor: its line is in the message's scope only if no second scope opens after it. */
@Injectable()
class StepInterceptor implements NestInterceptor {
  private readonly logger = new Logger('StepInterceptor');
  intercept(context: ExecutionContext, next: CallHandler) {
    this.logger.debug(`before ${context.switchToRpc().getData().id}`);
    return next.handle();
  }
}

@Controller()
class OrdersHandler {
  private readonly logger = new Logger('OrdersHandler');
  constructor(private readonly buffer: IncidentBuffer) {}

  @MessagePattern('sum')
  async sum(@Payload() data: { id: string; values: number[] }) {
    this.logger.debug(`sum ${data.id} started`);
    await inFlight.arrive();
    this.logger.debug(`sum ${data.id} resumed`);
    this.logger.warn(`sum ${data.id} is late`);
    return data.values.reduce((a, b) => a + b, 0);
  }

  @MessagePattern({ cmd: 'sum' })
  objectSum(@Payload() data: { id: string; values: number[] }) {
    this.logger.debug(`cmd sum ${data.id}`);
    this.logger.warn(`cmd sum ${data.id} warned`);
    return data.values.reduce((a, b) => a + b, 0);
  }

  @MessagePattern('fail.unknown')
  unknown(@Payload() data: { id: string }) {
    this.logger.debug(`loading ${data.id}`);
    throw new Error(`db down for ${data.id}`);
  }

  @MessagePattern('fail.rpc')
  rpc(@Payload() data: { id: string }) {
    this.logger.debug(`locking ${data.id}`);
    throw new RpcException(`order ${data.id} locked`);
  }

  @MessagePattern('fail.http4xx')
  notFound(@Payload() data: { id: string }) {
    this.logger.debug(`finding ${data.id}`);
    throw new NotFoundException(`order ${data.id} not found`);
  }

  @MessagePattern('fail.http5xx')
  unavailable(@Payload() data: { id: string }) {
    this.logger.debug(`reserving ${data.id}`);
    throw new ServiceUnavailableException(`inventory offline for ${data.id}`);
  }

  @EventPattern('order.created')
  created(@Payload() data: { id: string }) {
    this.logger.debug(`created ${data.id}`);
    this.logger.warn(`created ${data.id} without stock`);
  }

  @EventPattern('order.broken')
  broken(@Payload() data: { id: string }) {
    this.logger.debug(`reading ${data.id}`);
    throw new Error(`event ${data.id} unreadable`);
  }

  @MessagePattern('audit')
  audit(@Payload() data: { id: string }) {
    this.logger.debug(`auditing ${data.id}`);
    this.buffer.assign({ tenant: 'acme' });
    this.buffer.markForIncident(`check ${data.id} by hand`);
    return 'ok';
  }

  @MessagePattern('guarded')
  @UseGuards(AuditGuard)
  guarded(@Payload() data: { id: string }) {
    this.logger.warn(`guarded ${data.id} warned`);
    return 'ok';
  }

  @MessagePattern('twice')
  @UseInterceptors(StepInterceptor, IncidentScopeInterceptor)
  twice(@Payload() data: { id: string }) {
    this.logger.warn(`twice ${data.id} warned`);
    return 'ok';
  }
}

@Controller('orders')
class OrdersHttpController {
  private readonly logger = new Logger('OrdersHttpController');

  @Get(':id')
  @UseGuards(AuditGuard)
  find(@Param('id') id: string) {
    this.logger.debug(`http find ${id}`);
    this.logger.warn(`http ${id} slow`);
    return { id };
  }
}

const logger = IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] });

@Module({ imports: [logger], controllers: [OrdersHandler], providers: [{ provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor }] })
class GlobalInterceptorModule {}

@Module({ imports: [logger], controllers: [OrdersHandler] })
class PlainModule {}

@Module({
  imports: [logger],
  controllers: [OrdersHandler, OrdersHttpController],
  providers: [{ provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor }],
})
class HybridModule {}

type Started = Awaited<ReturnType<typeof startMicroservice>>;

/** The behaviour every registration must give a message or an event; returns the running service. */
function perMessageScopes(start: () => Promise<Started>): () => Started {
  let s: Started;
  beforeAll(async () => {
    s = await start();
  });
  afterAll(() => s.close());
  beforeEach(() => {
    target.incidents.splice(0);
    inFlight = barrier(2);
  });

  it('gives two concurrent messages a scope each: each incident holds only its own lines', async () => {
    const [a, b] = await Promise.all([s.send('sum', { id: 'a', values: [1, 2] }), s.send('sum', { id: 'b', values: [3, 4] })]);
    expect([a, b]).toEqual([3, 7]);
    const first = incidentWith(target, 'sum a is late');
    const second = incidentWith(target, 'sum b is late');
    expect(messagesOf(first)).toEqual(['sum a started', 'sum a resumed', 'sum a is late']);
    expect(messagesOf(second)).toEqual(['sum b started', 'sum b resumed', 'sum b is late']);
    for (const incident of [first, second]) {
      expect(incident.scope).toBe('request');
      expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'sum' });
      expect(incident.request?.parentId).toBeUndefined();
    }
    expect(first.request?.id).not.toBe(second.request?.id);
  });

  it('names an object pattern by its JSON', async () => {
    expect(await s.send({ cmd: 'sum' }, { id: 'c', values: [5] })).toBe(5);
    const incident = incidentWith(target, 'cmd sum c warned');
    expect(messagesOf(incident)).toEqual(['cmd sum c', 'cmd sum c warned']);
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: '{"cmd":"sum"}' });
    expect(headerOf(incident)).toContain(' | RPC {"cmd":"sum"} | request=');
  });

  it('an unknown Error: Nest logs it, one level incident with the message window, no rejected one', async () => {
    expect(await sendError(s, 'fail.unknown', { id: 'u1' })).toEqual({ status: 'error', message: 'Internal server error' });
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('level');
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'fail.unknown' });
    expect(messagesOf(incident)).toEqual(['loading u1', 'db down for u1']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'RpcExceptionsHandler' });
  });

  it('an RpcException (Nest logs nothing): one rejected incident naming it', async () => {
    expect(await sendError(s, 'fail.rpc', { id: 'r1' })).toEqual({ status: 'error', message: 'order r1 locked' });
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'fail.rpc' });
    expect(messagesOf(incident).slice(0, -1)).toEqual(['locking r1']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'IncidentOutcome' });
    expect(incident.trigger?.message).toMatch(rejectedMessage('RPC fail.rpc', 'RpcException: order r1 locked'));
    expect(incident.outcome?.durationMs).toEqual(expect.any(Number));
  });

  it('an HttpException >= 500 (Nest logs nothing): one rejected incident naming it', async () => {
    await sendError(s, 'fail.http5xx', { id: 'h5' });
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(messagesOf(incident).slice(0, -1)).toEqual(['reserving h5']);
    expect(incident.trigger?.message).toMatch(rejectedMessage('RPC fail.http5xx', 'ServiceUnavailableException: inventory offline for h5'));
  });

  it('an HttpException that ignoreExceptionStatus ignores (404) writes nothing', async () => {
    await sendError(s, 'fail.http4xx', { id: 'h4' });
    await quiet();
    expect(target.incidents).toEqual([]);
  });

  it('gives an @EventPattern event its own scope: method EVENT, url the pattern', async () => {
    await s.emit('order.created', { id: 'e1' });
    await until(() => hasRecord(target, 'created e1 without stock'), 'the event incident');
    const incident = incidentWith(target, 'created e1 without stock');
    expect(messagesOf(incident)).toEqual(['created e1', 'created e1 without stock']);
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'EVENT', url: 'order.created' });
    expect(headerOf(incident)).toContain(' | EVENT order.created | request=');
  });
  it('an @EventPattern handler throwing an Error: Nest logs it, one level incident with the event window', async () => {
    await s.emit('order.broken', { id: 'e2' });
    await until(() => hasRecord(target, 'event e2 unreadable'), 'the broken event incident');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('level');
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'EVENT', url: 'order.broken' });
    expect(messagesOf(incident)).toEqual(['reading e2', 'event e2 unreadable']);
  });

  it('markForIncident and assign work in a message scope as in a request', async () => {
    expect(await s.send('audit', { id: 'm1' })).toBe('ok');
    await until(() => target.incidents.length > 0, 'the marked incident');
    const [incident] = target.incidents;
    expect(incident.reason).toBe('marked');
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'audit' });
    expect(incident.fields).toEqual({ tenant: 'acme' });
    expect(messagesOf(incident)[0]).toBe('auditing m1');
    expect(incident.trigger?.message).toMatch(/^RPC audit .*marked: check m1 by hand$/);
  });

  return () => s;
}

describe('TCP microservice, IncidentScopeInterceptor as APP_INTERCEPTOR', () => {
  const service = perMessageScopes(() => startMicroservice(GlobalInterceptorModule));

  it('registered twice (global + @UseInterceptors) opens one scope per message, not two', async () => {
    expect(await service().send('twice', { id: 't1' })).toBe('ok');
    const incident = incidentWith(target, 'twice t1 warned');
    // StepInterceptor runs between the global and the method's interceptor: a second scope would leave its line out.
    expect(messagesOf(incident)).toEqual(['before t1', 'twice t1 warned']);
    expect(incident.request).toMatchObject({ kind: 'rpc', url: 'twice' });
    expect(incident.request?.parentId).toBeUndefined();
  });

  it('Nest 11 limit: a guard runs before interceptors, so its log line goes to the global scope', async () => {
    expect(await service().send('guarded', { id: 'g1' })).toBe('ok');
    const incident = incidentWith(target, 'guarded g1 warned');
    expect(incident.request).toMatchObject({ kind: 'rpc', url: 'guarded' });
    expect(messagesOf(incident)).toEqual(['guarded g1 warned']);
    // The test itself runs outside any scope: the buffer it sees is the global one.
    expect(
      service()
        .app.get(IncidentBuffer)
        .snapshot()
        .map((record) => record.message),
    ).toContain('guard saw g1');
  });
});

describe('TCP microservice, app.useGlobalInterceptors(app.get(IncidentScopeInterceptor))', () => {
  perMessageScopes(() => startMicroservice(PlainModule, (app) => app.useGlobalInterceptors(app.get(IncidentScopeInterceptor))));
});

@Controller()
class ReportHandler {
  private readonly logger = new Logger('ReportHandler');

  @MessagePattern('report')
  async report() {
    this.logger.debug('building the report');
    // Slow for certain: runs until the clock has moved past outcome.slowMs (a wait, not an assertion on time).
    const started = Date.now();
    await until(() => Date.now() - started > SLOW_MS, 'the clock to move');
    return 'report';
  }

  @MessagePattern('charge')
  charge(@Payload() data: { id: string }) {
    this.logger.debug(`charging ${data.id}`);
    throw new RpcException('card declined');
  }
}

const SLOW_MS = 20;

@Module({
  imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target], outcome: { slowMs: SLOW_MS } })],
  controllers: [ReportHandler],
  providers: [{ provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor }],
})
class PolicyModule {}

describe('TCP microservice: outcome.slowMs and storm control in message scopes', () => {
  let s: Started;
  beforeAll(async () => {
    s = await startMicroservice(PolicyModule);
  });
  afterAll(() => s.close());
  beforeEach(() => target.incidents.splice(0));

  it('a message slower than slowMs writes a slow incident of its scope', async () => {
    expect(await s.send('report', {})).toBe('report');
    await until(() => target.incidents.length > 0, 'the slow incident');
    const [incident] = target.incidents;
    expect(incident.reason).toBe('slow');
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'report' });
    expect(messagesOf(incident)).toEqual(['building the report', incident.trigger?.message]);
    expect(incident.trigger?.message).toMatch(new RegExp(`^RPC report .*slower than ${SLOW_MS} ms$`));
  });

  it('the same failure again and again: 3 full rejected incidents, then repeat lines', async () => {
    for (let i = 1; i <= 5; i++) {
      expect(await sendError(s, 'charge', { id: `c${i}` })).toEqual({ status: 'error', message: 'card declined' });
    }
    await until(() => target.incidents.length === 5, 'five incidents');
    expect(target.incidents.map((incident) => incident.reason)).toEqual(['rejected', 'rejected', 'rejected', 'repeat', 'repeat']);
    expect(target.incidents.map((incident) => incident.request?.kind)).toEqual(['rpc', 'rpc', 'rpc', 'rpc', 'rpc']);
    expect(messagesOf(target.incidents[2])[0]).toBe('charging c3');
    expect(target.incidents[4].repeat).toBe(5);
  });
});

describe.each(PLATFORMS)('hybrid app on %s (HTTP + connectMicroservice), interceptor global', (platform) => {
  let h: HybridApp;
  beforeAll(async () => {
    h = await startHybrid(HybridModule, platform);
  });
  afterAll(() => h.close());
  beforeEach(() => {
    target.incidents.splice(0);
    inFlight = barrier(1);
  });

  it('an HTTP request keeps its middleware scope (kind http, guard line included), not scoped twice', async () => {
    const res = await fetch(`${h.url}/orders/7`, { headers: { 'x-request-id': `http-${platform}` } });
    expect(res.status).toBe(200);
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(messagesOf(incident)).toEqual(['guard saw 7', 'http find 7', 'http 7 slow']);
    expect(incident.request).toEqual({ id: `http-${platform}`, kind: 'http', method: 'GET', url: '/orders/7' });
  });

  it('a message on the same app gets a scope of kind rpc', async () => {
    expect(await h.send('sum', { id: 'hy', values: [2, 2] })).toBe(4);
    const incident = incidentWith(target, 'sum hy is late');
    expect(messagesOf(incident)).toEqual(['sum hy started', 'sum hy resumed', 'sum hy is late']);
    expect(incident.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'sum' });
    expect(incidentsAt(target, '/orders/7')).toEqual([]);
  });
});
