import { Module } from '@nestjs/common';
import { ConsoleTarget, IncidentLoggerModule } from '../../lib';
import { ConnectionPool } from './orders/connection-pool';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';

@Module({
  imports: [
    IncidentLoggerModule.forRoot({
      bufferSize: 30,
      targets: [new ConsoleTarget({ stream: process.stdout })],
    }),
  ],
  controllers: [OrdersController],
  providers: [ConnectionPool, OrdersService],
})
export class AppModule {}
