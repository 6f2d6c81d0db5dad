// What a scope opened by the interceptor or the pre-request hook says it is,
// read from the real decorators' metadata and Nest's real ExecutionContextHost.
import 'reflect-metadata';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import { EventPattern, MessagePattern } from '@nestjs/microservices';
import { SubscribeMessage } from '@nestjs/websockets';
import { graphqlCall, rpcUnit, wsUnit } from '../../lib/transports/unit-of-work.util';

class Handlers {
  @MessagePattern({ cmd: 'sum' })
  sum(): void {}

  @MessagePattern('orders.get')
  get(): void {}

  @EventPattern('order.created')
  created(): void {}

  @SubscribeMessage('events')
  events(): void {}

  plain(): void {}
}

function contextOf(handler: (...args: never[]) => unknown, type: string, args: unknown[] = []): ExecutionContextHost {
  const context = new ExecutionContextHost(args, Handlers, handler);
  context.setType(type);
  return context;
}

describe('the unit of work a call is', () => {
  const proto = Handlers.prototype;

  it('a message: RPC and its pattern, an object pattern as JSON', () => {
    expect(rpcUnit(contextOf(proto.sum, 'rpc'))).toEqual({ kind: 'rpc', method: 'RPC', url: '{"cmd":"sum"}' });
    expect(rpcUnit(contextOf(proto.get, 'rpc'))).toEqual({ kind: 'rpc', method: 'RPC', url: 'orders.get' });
  });

  it('an event: EVENT and its pattern', () => {
    expect(rpcUnit(contextOf(proto.created, 'rpc'))).toEqual({ kind: 'rpc', method: 'EVENT', url: 'order.created' });
  });

  it('a WebSocket event: WS and the event name', () => {
    expect(wsUnit(contextOf(proto.events, 'ws'))).toEqual({ kind: 'ws', method: 'WS', url: 'events' });
  });

  it('a handler without metadata is named by its method', () => {
    expect(rpcUnit(contextOf(proto.plain, 'rpc')).url).toBe('plain');
    expect(wsUnit(contextOf(proto.plain, 'ws')).url).toBe('plain');
  });

  it('a GraphQL call: the operation type and name, else its first field; the raw request under Fastify', () => {
    const raw = {};
    const named = { operation: { operation: 'query', name: { value: 'GetOrder' } }, fieldName: 'order' };
    expect(graphqlCall(contextOf(proto.plain, 'graphql', [undefined, {}, { req: raw }, named]))).toEqual({
      operation: 'query GetOrder',
      rawRequest: raw,
    });
    const anonymous = { operation: { operation: 'mutation', name: undefined }, fieldName: 'cancel' };
    const fastify = { req: { raw } };
    expect(graphqlCall(contextOf(proto.plain, 'graphql', [undefined, {}, fastify, anonymous]))).toEqual({
      operation: 'mutation cancel',
      rawRequest: raw,
    });
  });

  it('bounds what clients and code name: a 10,000-character operation name is cut', () => {
    const info = { operation: { operation: 'query', name: { value: 'Q'.repeat(10_000) } } };
    const { operation, rawRequest } = graphqlCall(contextOf(proto.plain, 'graphql', [undefined, {}, undefined, info]));
    expect(operation.length).toBeLessThanOrEqual(201);
    expect(operation.startsWith('query QQQ')).toBe(true);
    expect(rawRequest).toBeUndefined();
  });

  it('survives hostile metadata and arguments', () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    class Hostile {
      handler(): void {}
    }
    Reflect.defineMetadata('microservices:pattern', [cyclic], Hostile.prototype.handler);
    expect(rpcUnit(contextOf(Hostile.prototype.handler, 'rpc')).url).toBe('?');
    const throwing = new Proxy(
      {},
      {
        get: () => {
          throw new Error('no');
        },
      },
    );
    expect(graphqlCall(contextOf(proto.plain, 'graphql', [undefined, {}, throwing, throwing]))).toEqual({
      operation: 'operation',
      rawRequest: undefined,
    });
  });
});
