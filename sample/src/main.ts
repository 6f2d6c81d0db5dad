import 'reflect-metadata';
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { IncidentLogger } from '../../lib';
import { AppModule } from './app.module';

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
  void bootstrap(port).then(() => {
    process.stdout.write(`orders sample listening on http://127.0.0.1:${port}\n`);
    process.stdout.write(`try: curl http://127.0.0.1:${port}/orders/42   (a burst of concurrent requests exhausts the pool)\n`);
  });
}
