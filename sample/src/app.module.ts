import { Module } from '@nestjs/common';
import { ConsoleTarget, IncidentLoggerModule, RotatingFileTarget } from '../../lib';
import { ConnectionPool } from './orders/connection-pool';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';

@Module({
  imports: [
    IncidentLoggerModule.forRoot({
      bufferSize: 30,
      targets: [
        new ConsoleTarget({ stream: process.stdout }),
        // The file to send a teammate: JSON lines, so `grep <incident id>` returns the whole incident.
        new RotatingFileTarget({
          filename: process.env.INCIDENT_LOG ?? 'incidents.log',
          maxBytes: 1_000_000,
          backupCount: 3,
          format: 'json',
        }),
      ],
    }),
  ],
  controllers: [OrdersController],
  providers: [ConnectionPool, OrdersService],
})
export class AppModule {}
