import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ScheduleModule } from '@nestjs/schedule';
import { ConsoleTarget, IncidentLoggerModule, RotatingFileTarget } from '../../lib';
import { CarrierClient } from './orders/carrier.client';
import { ConnectionPool } from './orders/connection-pool';
import { OrdersController } from './orders/orders.controller';
import { OrdersService } from './orders/orders.service';
import { PaymentsClient } from './orders/payments.client';
import { UserGuard } from './orders/user.guard';
import { ReportsJob } from './reports/reports.job';

@Module({
  imports: [
    ScheduleModule.forRoot(),
    IncidentLoggerModule.forRoot({
      bufferSize: 30,
      // Storm control: per minute, the first 3 incidents of a failure in full, then its trigger line alone,
      // and past 20 incidents nothing but one summary. A small budget so the demo stays readable (default: 60);
      // 20, not less: the burst above may fail 9 times on a loaded machine, and the storm step still shows repeats.
      storm: { windowMs: 60_000, fullIncidents: 3, maxIncidents: 20 },
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
  providers: [ConnectionPool, CarrierClient, PaymentsClient, OrdersService, ReportsJob, { provide: APP_GUARD, useClass: UserGuard }],
})
export class AppModule {}
