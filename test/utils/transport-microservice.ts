// Helpers of the microservice e2e spec (test/e2e/transport-microservice.e2e-spec.ts):
// a real TCP microservice on 127.0.0.1 (a port the system picks), alone or
// hybrid (HTTP + connectMicroservice), and a real ClientProxy talking to it.
import { INestApplication, INestMicroservice, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxy, ClientProxyFactory, MicroserviceOptions, Transport } from '@nestjs/microservices';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { AddressInfo, Server } from 'node:net';
import { firstValueFrom } from 'rxjs';
import { IncidentLogger } from '../../lib';
import type { Platform } from './test-app';
import { restoreNestLogger } from './transport-context';

const HOST = '127.0.0.1';
const TCP: MicroserviceOptions = { transport: Transport.TCP, options: { host: HOST, port: 0 } };

export interface Microservice {
  /** A connected client of the TCP server. */
  client: ClientProxy;
  port: number;
  /** Sends a message (`@MessagePattern`) and resolves to the reply; rejects with the error the server sent. */
  send<T = unknown>(pattern: unknown, data: unknown): Promise<T>;
  /** Emits an event (`@EventPattern`): resolves once it is written to the socket, not when it is handled. */
  emit(pattern: unknown, data: unknown): Promise<void>;
  close(): Promise<void>;
}

export interface HybridApp extends Microservice {
  app: INestApplication;
  /** Base URL of the HTTP side. */
  url: string;
}

function portOf(server: Server): number {
  return (server.address() as AddressInfo).port;
}

async function connect(port: number): Promise<Pick<Microservice, 'client' | 'send' | 'emit'>> {
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: HOST, port } });
  await client.connect();
  return {
    client,
    send: <T>(pattern: unknown, data: unknown) => firstValueFrom(client.send<T>(pattern, data)),
    emit: async (pattern: unknown, data: unknown) => {
      await firstValueFrom(client.emit(pattern, data), { defaultValue: undefined });
    },
  };
}

/** `close()` of both kinds of app: the client, the app, then Nest's static logger put back as the spec found it (the app had set it). */
function closeAll(client: ClientProxy, app: { close(): Promise<void> }): () => Promise<void> {
  return async () => {
    await client.close();
    await app.close();
    restoreNestLogger();
  };
}

/**
 * A standalone microservice (NestFactory.createMicroservice) the way a user
 * boots one: bufferLogs, useLogger(app.get(IncidentLogger)), `configure`
 * (global enhancers), listen().
 */
export async function startMicroservice(
  module: Type<unknown>,
  configure: (app: INestMicroservice) => void = () => undefined,
): Promise<Microservice & { app: INestMicroservice }> {
  const app = await NestFactory.createMicroservice<MicroserviceOptions>(module, { ...TCP, bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  configure(app);
  await app.listen();
  const port = portOf(app.unwrap<Server>());
  const side = await connect(port);
  return {
    app,
    port,
    ...side,
    close: closeAll(side.client, app),
  };
}

/** An HTTP app on `platform` with a TCP microservice connected to it (connectMicroservice), both listening. */
export async function startHybrid(module: Type<unknown>, platform: Platform): Promise<HybridApp> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(module, adapter as any, { bufferLogs: true, forceCloseConnections: true });
  app.useLogger(app.get(IncidentLogger));
  const microservice = app.connectMicroservice<MicroserviceOptions>(TCP, { inheritAppConfig: true });
  await app.startAllMicroservices();
  await app.listen(0, HOST);
  const url = (await app.getUrl()).replace('[::1]', HOST);
  const port = portOf(microservice.unwrap<Server>());
  const side = await connect(port);
  return {
    app,
    url,
    port,
    ...side,
    close: closeAll(side.client, app),
  };
}

/** The error a `send()` rejected with (the object the server sent back). */
export async function sendError(service: Pick<Microservice, 'send'>, pattern: unknown, data: unknown): Promise<unknown> {
  try {
    await service.send(pattern, data);
  } catch (error) {
    return error;
  }
  throw new Error(`${JSON.stringify(pattern)} replied instead of failing`);
}
