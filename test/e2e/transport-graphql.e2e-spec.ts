// GraphQL (@nestjs/graphql + Apollo, code-first) over real HTTP on Express: the
// middleware's HTTP scope is the operation's scope, re-labelled by the interceptor
// (kind 'graphql', operation '<type> <name>'). Express only: Apollo on Fastify
// needs @as-integrations/fastify, which is not a dev dependency.
import { InternalServerErrorException, Logger, Module, NotFoundException, UseInterceptors } from '@nestjs/common';
import { APP_INTERCEPTOR } from '@nestjs/core';
import { Args, Field, ID, Int, Mutation, ObjectType, Query, Resolver } from '@nestjs/graphql';
import { IncidentLoggerModule, IncidentScopeInterceptor } from '../../lib';
import { MemoryTarget } from '../utils/memory.target';
import { startApp, TestApp } from '../utils/test-app';
import { barrier, headerOf, incidentWith, messagesOf, quiet, rejectedMessage } from '../utils/transport-incidents';
import { apolloModule, graphql } from '../utils/transport-graphql';

const target = new MemoryTarget();
let inFlight = barrier(2);

@ObjectType()
class Order {
  @Field(() => ID) id!: string;
  @Field(() => Int) total!: number;
}

@Resolver(() => Order)
class OrdersResolver {
  private readonly logger = new Logger('OrdersResolver');

  @Query(() => Order)
  order(@Args('id', { type: () => ID }) id: string): Order {
    this.logger.debug(`loading order ${id}`);
    if (id.startsWith('warn')) this.logger.warn(`order ${id} is stale`);
    if (id.startsWith('boom')) throw new Error(`db down for ${id}`);
    if (id.startsWith('down')) throw new InternalServerErrorException(`payments down for ${id}`);
    if (id.startsWith('gone')) throw new NotFoundException(`order ${id} not found`);
    return { id, total: 42 };
  }

  @Query(() => Order)
  async slowOrder(@Args('id', { type: () => ID }) id: string): Promise<Order> {
    this.logger.debug(`slow order ${id} started`);
    await inFlight.arrive();
    this.logger.debug(`slow order ${id} resumed`);
    this.logger.warn(`slow order ${id} is late`);
    return { id, total: 1 };
  }

  @Mutation(() => Order)
  cancelOrder(@Args('id', { type: () => ID }) id: string): Order {
    this.logger.debug(`cancelling ${id}`);
    this.logger.warn(`cancel ${id} refunded twice`);
    return { id, total: 0 };
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] }), apolloModule()],
  providers: [OrdersResolver, { provide: APP_INTERCEPTOR, useClass: IncidentScopeInterceptor }],
})
class AppModule {}

const GET_ORDER = 'query GetOrder($id: ID!) { order(id: $id) { id total } }';

describe('GraphQL over HTTP (Apollo, Express), interceptor global', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(AppModule, 'express');
  });
  afterAll(() => t.close());
  beforeEach(() => {
    target.incidents.splice(0);
    inFlight = barrier(2);
  });

  it("a named query: the request's scope, kind graphql, operation 'query GetOrder'", async () => {
    const res = await graphql(t, GET_ORDER, { variables: { id: 'warn-1' }, requestId: 'gql-1' });
    expect(res.body.data).toEqual({ order: { id: 'warn-1', total: 42 } });
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(messagesOf(incident)).toEqual(['loading order warn-1', 'order warn-1 is stale']);
    expect(incident.request).toEqual({ id: 'gql-1', kind: 'graphql', method: 'POST', url: '/graphql', operation: 'query GetOrder' });
    expect(incident.request?.parentId).toBeUndefined();
    expect(headerOf(incident)).toContain(' | POST /graphql query GetOrder | request=gql-1 | reason=level');
  });

  it("an anonymous operation is named by its first root field; a mutation by 'mutation <name>'", async () => {
    await graphql(t, '{ order(id: "warn-2") { id } }');
    await graphql(t, 'mutation CancelOrder { cancelOrder(id: "c1") { id } }');
    expect(incidentWith(target, 'order warn-2 is stale').request).toMatchObject({ kind: 'graphql', operation: 'query order' });
    expect(incidentWith(target, 'cancel c1 refunded twice').request).toMatchObject({ kind: 'graphql', operation: 'mutation CancelOrder' });
  });

  it('one scope per HTTP request, even with several root fields', async () => {
    await graphql(t, 'query Both { a: order(id: "1") { id } b: order(id: "warn-3") { id } }', { requestId: 'gql-both' });
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(messagesOf(incident)).toEqual(['loading order 1', 'loading order warn-3', 'order warn-3 is stale']);
    expect(incident.request).toMatchObject({ id: 'gql-both', kind: 'graphql', operation: 'query Both' });
  });

  it("a resolver throwing an Error: Nest logs it, one level incident with that request's window", async () => {
    const res = await graphql(t, GET_ORDER, { variables: { id: 'boom-1' }, requestId: 'gql-boom' });
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0].message).toBe('db down for boom-1');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('level');
    expect(messagesOf(incident)).toEqual(['loading order boom-1', 'db down for boom-1']);
    expect(incident.trigger?.level).toBe('error');
    expect(incident.request).toMatchObject({ id: 'gql-boom', kind: 'graphql', operation: 'query GetOrder' });
  });

  it('a resolver throwing InternalServerErrorException (HTTP status stays 200): a rejected incident at request end', async () => {
    const res = await graphql(t, GET_ORDER, { variables: { id: 'down-1' }, requestId: 'gql-down' });
    expect(res.status).toBe(200);
    expect(res.body.errors?.[0].message).toBe('payments down for down-1');
    await quiet();
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(incident.reason).toBe('rejected');
    expect(incident.request).toMatchObject({ id: 'gql-down', kind: 'graphql', operation: 'query GetOrder' });
    expect(messagesOf(incident).slice(0, -1)).toEqual(['loading order down-1']);
    expect(incident.trigger).toMatchObject({ level: 'error', context: 'IncidentOutcome' });
    expect(incident.trigger?.message).toMatch(
      rejectedMessage('POST /graphql query GetOrder', 'InternalServerErrorException: payments down for down-1'),
    );
  });

  it('a resolver throwing a 4xx HttpException writes nothing', async () => {
    const res = await graphql(t, GET_ORDER, { variables: { id: 'gone-1' } });
    expect(res.body.errors?.[0].message).toBe('order gone-1 not found');
    await quiet();
    expect(target.incidents).toEqual([]);
  });

  it('two concurrent operations are not mixed', async () => {
    const query = 'query Slow($id: ID!) { slowOrder(id: $id) { id } }';
    const [a, b] = await Promise.all([
      graphql(t, query, { variables: { id: 'a' }, requestId: 'gql-a' }),
      graphql(t, query, { variables: { id: 'b' }, requestId: 'gql-b' }),
    ]);
    expect([a.body.data, b.body.data]).toEqual([{ slowOrder: { id: 'a' } }, { slowOrder: { id: 'b' } }]);
    const first = incidentWith(target, 'slow order a is late');
    const second = incidentWith(target, 'slow order b is late');
    expect(messagesOf(first)).toEqual(['slow order a started', 'slow order a resumed', 'slow order a is late']);
    expect(messagesOf(second)).toEqual(['slow order b started', 'slow order b resumed', 'slow order b is late']);
    expect(first.request).toMatchObject({ id: 'gql-a', kind: 'graphql', operation: 'query Slow' });
    expect(second.request).toMatchObject({ id: 'gql-b', kind: 'graphql', operation: 'query Slow' });
  });
});

@Resolver(() => Order)
@UseInterceptors(IncidentScopeInterceptor)
class InvoicesResolver {
  private readonly logger = new Logger('InvoicesResolver');

  @Query(() => Order)
  invoice(@Args('id', { type: () => ID }) id: string): Order {
    this.logger.debug(`loading invoice ${id}`);
    if (id.startsWith('down')) throw new InternalServerErrorException(`ledger down for ${id}`);
    this.logger.warn(`invoice ${id} is overdue`);
    return { id, total: 7 };
  }
}

@Module({
  imports: [IncidentLoggerModule.forRoot({ startupNotice: false, targets: [target] }), apolloModule()],
  providers: [InvoicesResolver],
})
class ResolverInterceptorModule {}

describe('GraphQL over HTTP (Apollo, Express), @UseInterceptors on the resolver', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startApp(ResolverInterceptorModule, 'express');
  });
  afterAll(() => t.close());
  beforeEach(() => target.incidents.splice(0));

  it("names the operation: kind graphql, operation 'query GetInvoice'", async () => {
    await graphql(t, 'query GetInvoice { invoice(id: "i1") { id } }', { requestId: 'inv-1' });
    expect(target.incidents).toHaveLength(1);
    const [incident] = target.incidents;
    expect(messagesOf(incident)).toEqual(['loading invoice i1', 'invoice i1 is overdue']);
    expect(incident.request).toEqual({ id: 'inv-1', kind: 'graphql', method: 'POST', url: '/graphql', operation: 'query GetInvoice' });
  });

  it('an InternalServerErrorException: a rejected incident at request end', async () => {
    await graphql(t, 'query GetInvoice { invoice(id: "down-2") { id } }', { requestId: 'inv-2' });
    await quiet();
    expect(target.incidents).toHaveLength(1);
    expect(target.incidents[0].reason).toBe('rejected');
    expect(target.incidents[0].trigger?.message).toMatch(
      rejectedMessage('POST /graphql query GetInvoice', 'InternalServerErrorException: ledger down for down-2'),
    );
  });
});
