import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentLogger } from '../../lib';
import { AppModule } from './app.module';
import { bootstrapPayments } from './payments/main';

/** The production bootstrap: buffer Nest's boot logs until our logger is in place. */
export async function bootstrap(port: number): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule, { bufferLogs: true });
  app.useLogger(app.get(IncidentLogger));
  app.enableShutdownHooks();
  await app.listen(port, '127.0.0.1');
  return app;
}

if (require.main === module) {
  const port = Number(process.env.PORT ?? 3000);
  // The payments service the orders service calls (POST /orders/:id/pay): here, unless PAYMENTS_URL names one.
  const payments = process.env.PAYMENTS_URL
    ? Promise.resolve()
    : bootstrapPayments(port + 1).then(() => {
        process.env.PAYMENTS_URL = `http://127.0.0.1:${port + 1}`;
      });
  void payments
    .then(() => bootstrap(port))
    .then(() => {
      process.stdout.write(`orders sample listening on http://127.0.0.1:${port}, payments on ${process.env.PAYMENTS_URL}\n`);
      process.stdout.write(`try: curl http://127.0.0.1:${port}/orders/42   (a burst of concurrent requests exhausts the pool)\n`);
      process.stdout.write(
        `     curl -X POST http://127.0.0.1:${port}/orders/42/pay   (payments fails once, orders retries: two linked incidents)\n`,
      );
    });
}
