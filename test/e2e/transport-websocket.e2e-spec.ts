// A WebSocket gateway (@nestjs/platform-ws) with @UseInterceptors(IncidentScopeInterceptor)
// and a real `ws` client: each event gets its own scope (gateways ignore global enhancers).
import { Logger, Module, UseInterceptors } from '@nestjs/common';
import { MessageBody, SubscribeMessage, WebSocketGateway, WsException } from '@nestjs/websockets';
import { IncidentLoggerModule, IncidentScopeInterceptor } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { PLATFORMS } from '../utils/test-app';
import { barrier, hasRecord, headerOf, incidentWith, messagesOf, quiet, rejectedMessage } from '../utils/transport-incidents';
import { openWsClient, startWsApp, WsApp, WsClient } from '../utils/transport-websocket';
import { until } from '../utils/until';

const target = new MemoryTarget();
let inFlight = barrier(2);

@WebSocketGateway({ path: '/orders' })
@UseInterceptors(IncidentScopeInterceptor)
class OrdersGateway {
  private readonly logger = new Logger('OrdersGateway');

  @SubscribeMessage('events')
  async events(@MessageBody() data: { id: string }) {
    this.logger.debug(`event ${data.id} received`);
    await inFlight.arrive();
    this.logger.debug(`event ${data.id} resumed`);
    this.logger.warn(`event ${data.id} is late`);
    return { event: 'events', data: data.id };
  }

  @SubscribeMessage('note')
  note(@MessageBody() data: { id: string }) {
    this.logger.debug(`note ${data.id}`);
    return { event: 'note', data: data.id };
  }

  @SubscribeMessage('boom')
  boom(@MessageBody() data: { id: string }) {
    this.logger.debug(`loading ${data.id}`);
    throw new Error(`boom ${data.id}`);
  }

  @SubscribeMessage('refuse')
  refuse(@MessageBody() data: { id: string }) {
    this.logger.debug(`refusing ${data.id}`);
    throw new WsException(`not allowed ${data.id}`);
  }
}

@Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] })], providers: [OrdersGateway] })
class AppModule {}

describe.each(PLATFORMS)('WebSocket gateway (WsAdapter) on %s', (platform) => {
  let t: WsApp;
  let client: WsClient;
  beforeAll(async () => {
    t = await startWsApp(AppModule, platform);
    client = await openWsClient(t.wsUrl('/orders'));
  });
  afterAll(async () => {
    await client.close();
    await t.close();
  });
  beforeEach(() => {
    target.incidents.splice(0);
    inFlight = barrier(2);
  });

  it('gives two concurrent events of one connection a scope each: kind ws, url the event name', async () => {
    client.send('events', { id: 'a' });
    client.send('events', { id: 'b' });
    const replies = [await client.next(), await client.next()];
    expect(replies).toEqual(
      expect.arrayContaining([
        { event: 'events', data: 'a' },
        { event: 'events', data: 'b' },
      ]),
    );
    const first = incidentWith(target, 'event a is late');
    const second = incidentWith(target, 'event b is late');
    expect(messagesOf(first)).toEqual(['event a received', 'event a resumed', 'event a is late']);
    expect(messagesOf(second)).toEqual(['event b received', 'event b resumed', 'event b is late']);
    for (const incident of [first, second]) {
      expect(incident.scope).toBe('request');
      expect(incident.request).toMatchObject({ kind: 'ws', method: 'WS', url: 'events' });
      expect(incident.request?.parentId).toBeUndefined();
    }
    expect(first.request?.id).not.toBe(second.request?.id);
    expect(headerOf(first)).toContain(` | WS events | request=${first.request?.id} | reason=level`);
  });

  it("an error in a handler: Nest logs it, one level incident holding that event's lines only", async () => {
    client.send('note', { id: 'n1' });
    expect(await client.next()).toEqual({ event: 'note', data: 'n1' });
    client.send('boom', { id: 'x1' });
    await until(() => hasRecord(target, 'boom x1'), 'the boom incident');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('level');
    expect(incident.request).toMatchObject({ kind: 'ws', method: 'WS', url: 'boom' });
    expect(messagesOf(incident)).toEqual(['loading x1', 'boom x1']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'WsExceptionsHandler' });
  });

  it('a WsException (Nest logs nothing): one rejected incident naming it', async () => {
    client.send('refuse', { id: 'r1' });
    await until(() => target.incidents.length > 0, 'the rejected incident');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(incident.request).toMatchObject({ kind: 'ws', method: 'WS', url: 'refuse' });
    expect(messagesOf(incident).slice(0, -1)).toEqual(['refusing r1']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'IncidentOutcome' });
    expect(incident.trigger?.message).toMatch(rejectedMessage('WS refuse', 'WsException: not allowed r1'));
  });
});
