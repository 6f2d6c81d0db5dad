// Scenario "microservice": argv <on|off> (the module's scopeMessages option). A Nest 12 TCP
// microservice with NO interceptor registered, driven by a real ClientProxy over loopback:
// - with scopeMessages on (the default), the module's pre-request hook gives each message its own
//   scope BEFORE guards: the guard's line is in the message's incident;
// - an RpcException (Nest logs nothing) writes a `rejected` incident; an Error Nest logs writes one
//   `level` incident, and no second one;
// - with scopeMessages off, the same lines go to the global scope (as on Nest 10/11 without the
//   interceptor).
// Prints { nest, replies, incidents }.
import { Controller, Injectable, Logger, Module, UseGuards } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ClientProxyFactory, MessagePattern, RpcException, Transport } from '@nestjs/microservices';
import { lastValueFrom } from 'rxjs';
import { IncidentLogger, IncidentLoggerModule } from 'nestjs-incident-logger';
import { fail, report, route } from './app.mjs';

class AuditGuard {
  logger = new Logger('AuditGuard');
  canActivate(context) {
    this.logger.debug(`checking ${JSON.stringify(context.switchToRpc().getData())}`);
    return true;
  }
}
Injectable()(AuditGuard);

class PaymentsController {
  logger = new Logger('PaymentsController');
  async charge(data) {
    this.logger.debug(`charging order ${data.order}`);
    await Promise.resolve();
    if (data.order === 7) throw new RpcException('card declined');
    if (data.order === 13) throw new Error('ledger unreachable');
    this.logger.debug(`order ${data.order} charged`);
    return { charged: data.order };
  }
}
Controller()(PaymentsController);
route(MessagePattern('payments.charge'), PaymentsController, 'charge');
UseGuards(AuditGuard)(PaymentsController);

async function main() {
  const [scopeMessages] = process.argv.slice(2);
  const incidents = [];
  class AppModule {}
  Module({
    imports: [
      IncidentLoggerModule.forRoot({
        scopeMessages: scopeMessages !== 'off',
        storm: false,
        targets: [{ write: (incident) => incidents.push(incident) }],
      }),
    ],
    controllers: [PaymentsController],
    providers: [AuditGuard],
  })(AppModule);
  const app = await NestFactory.createMicroservice(AppModule, {
    transport: Transport.TCP,
    options: { host: '127.0.0.1', port: 0 },
    bufferLogs: true,
  });
  app.useLogger(app.get(IncidentLogger));
  await app.listen();
  const { port } = app.unwrap().address();
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  const send = (order) =>
    lastValueFrom(client.send('payments.charge', { order })).then(
      (value) => ({ ok: value }),
      (error) => ({ error: error.message }),
    );
  const replies = [];
  for (const order of [1, 7, 13]) replies.push(await send(order));
  client.close();
  // The global window (boot lines, and the messages' lines when they have no scope) is written too.
  new Logger('Scenario').warn('done');
  await app.close();
  const { default: core } = await import('@nestjs/core/package.json', { with: { type: 'json' } });
  report({ nest: core.version, replies, incidents });
}
main().catch(fail);
