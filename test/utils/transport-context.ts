// A Nest application context (no HTTP server) booted the way a user boots a worker
// or a scheduler process: bufferLogs, useLogger(app.get(IncidentLogger)), init().
import { ConsoleLogger, INestApplicationContext, Logger, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentLogger } from '../../lib';

/** Nest's static logger state is process-global: restore it after each app. */
export function restoreNestLogger(): void {
  Logger.overrideLogger(new ConsoleLogger());
}

export interface TransportContext {
  app: INestApplicationContext;
  close(): Promise<void>;
}

export async function startTransportContext(module: Type<unknown>): Promise<TransportContext> {
  const app = await NestFactory.createApplicationContext(module, { bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  await app.init();
  return {
    app,
    async close() {
      await app.close();
      restoreNestLogger();
    },
  };
}
