import { INestApplication, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ExpressAdapter } from '@nestjs/platform-express';
import { FastifyAdapter } from '@nestjs/platform-fastify';
import { IncidentLogger } from '../../lib';

export type Platform = 'express' | 'fastify';
export const PLATFORMS: Platform[] = ['express', 'fastify'];

export interface TestApp {
  app: INestApplication;
  url: string;
  logger: IncidentLogger;
  close(): Promise<void>;
}

/** Boots the module the way a user does: bufferLogs, useLogger(app.get(...)), listen(0). */
export async function startApp(
  module: Type<unknown>,
  platform: Platform,
  abortOnError = true,
  configure: (app: INestApplication) => void = () => undefined,
): Promise<TestApp> {
  const adapter = platform === 'fastify' ? new FastifyAdapter() : new ExpressAdapter();
  const app = await NestFactory.create(module, adapter as any, { bufferLogs: true, forceCloseConnections: true, abortOnError });
  const logger = app.get(IncidentLogger);
  app.useLogger(logger);
  configure(app);
  await app.listen(0, '127.0.0.1');
  const url = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  return {
    app,
    url,
    logger,
    async close() {
      await app.close();
      // Nest's static logger state is process-global: restore it between tests.
      Logger.overrideLogger(new (require('@nestjs/common').ConsoleLogger)());
    },
  };
}
