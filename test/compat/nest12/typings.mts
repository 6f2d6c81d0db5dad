// A Nest 12 user's app in TypeScript, as `nest new` sets one up for ESM (module nodenext, strict), typed
// against the packed library's declarations next to Nest 12's own (tsconfig.json here: no skipLibCheck).
// compat-nest12.e2e-spec.ts type-checks it and never runs it: the .mjs scenarios run the same calls.
import { Controller, Get, Injectable, Logger, Module, type LoggerService } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import {
  ConsoleTarget,
  IncidentBuffer,
  IncidentLogger,
  IncidentLoggerModule,
  RotatingFileTarget,
  formatIncident,
  type Incident,
  type IncidentLoggerModuleOptions,
  type IncidentTarget,
} from 'nestjs-incident-logger';

class AlertTarget implements IncidentTarget {
  readonly sent: string[] = [];
  write(incident: Incident): void {
    this.sent.push(formatIncident(incident, 'text'));
  }
}

@Injectable()
class OptionsFactory {
  create(): IncidentLoggerModuleOptions {
    return {
      bufferSize: 30,
      targets: [new ConsoleTarget({ format: 'json' }), new RotatingFileTarget({ filename: 'incidents.log' }), AlertTarget],
    };
  }
}

@Injectable()
class OrdersService {
  private readonly logger = new Logger(OrdersService.name);
  constructor(private readonly buffer: IncidentBuffer) {}

  find(id: string): { id: string; requestId: string | undefined } {
    this.logger.debug(`loading order ${id}`);
    this.buffer.assign({ orderId: id });
    return { id, requestId: this.buffer.request?.id };
  }
}

@Controller('orders')
class OrdersController {
  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  find(): ReturnType<OrdersService['find']> {
    return this.orders.find('1');
  }
}

@Module({ providers: [OptionsFactory], exports: [OptionsFactory] })
class OptionsModule {}

@Module({
  imports: [
    IncidentLoggerModule.forRootAsync({
      imports: [OptionsModule],
      inject: [OptionsFactory],
      useFactory: (factory: OptionsFactory) => factory.create(),
    }),
  ],
  controllers: [OrdersController],
  providers: [OrdersService],
})
class AppModule {}

const app = await NestFactory.create(AppModule, { bufferLogs: true });
const logger: LoggerService = app.get(IncidentLogger);
app.useLogger(logger);
app.enableShutdownHooks();
await app.listen(3000);
