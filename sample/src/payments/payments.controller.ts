import { Controller, Logger, Param, Post } from '@nestjs/common';
import { PaymentsService } from './payments.service';

@Controller('payments')
export class PaymentsController {
  private readonly logger = new Logger(PaymentsController.name);

  constructor(private readonly payments: PaymentsService) {}

  @Post(':orderId')
  charge(@Param('orderId') orderId: string) {
    this.logger.debug(`POST /payments/${orderId}`);
    return this.payments.charge(orderId);
  }
}
