import { Module } from '@nestjs/common';
import { ConsoleTarget, IncidentLoggerModule } from '../../../lib';
import { PaymentsController } from './payments.controller';
import { PaymentsService } from './payments.service';

/**
 * The payments service: a second Nest app with its own IncidentLoggerModule, as
 * it would run in its own process. Its incidents go to stdout in the same format
 * as the orders service's; the header's `POST /payments/…` says whose they are.
 * `incidentLinks` is on by default: a response whose request wrote an incident
 * names it in `x-incident-id`, which the orders service links to.
 */
@Module({
  imports: [IncidentLoggerModule.forRoot({ targets: [new ConsoleTarget({ stream: process.stdout })] })],
  controllers: [PaymentsController],
  providers: [PaymentsService],
})
export class PaymentsModule {}
