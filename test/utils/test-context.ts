import { ConsoleLogger, INestApplicationContext, Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentBuffer, IncidentLogger, IncidentLoggerModule, IncidentLoggerModuleOptions } from '../../lib';

export interface TestContext {
  app: INestApplicationContext;
  logger: IncidentLogger;
  buffer: IncidentBuffer;
  close(): Promise<void>;
}

/** A standalone Nest application context with the module installed as the app logger. */
export async function startContext(options: IncidentLoggerModuleOptions): Promise<TestContext> {
  // The startup notice is tested on its own (test/e2e/startup.e2e-spec.ts): quiet here unless asked for.
  @Module({ imports: [IncidentLoggerModule.forRoot({ startupNotice: false, ...options })] })
  class ContextModule {}
  const app = await NestFactory.createApplicationContext(ContextModule, { bufferLogs: true });
  const logger = app.get(IncidentLogger);
  app.useLogger(logger);
  app.flushLogs();
  const buffer = app.get(IncidentBuffer);
  buffer.clear(); // outside a request this is the global buffer: drop Nest's own boot lines
  return {
    app,
    logger,
    buffer,
    async close() {
      await app.close();
      Logger.overrideLogger(new ConsoleLogger());
    },
  };
}
