import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentLogger } from '../../../lib';
import { PaymentsModule } from './payments.module';

/** The payments service's bootstrap, the same as the orders service's. */
export async function bootstrapPayments(port: number): Promise<INestApplication> {
  const app = await NestFactory.create(PaymentsModule, { bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  return app;
}
