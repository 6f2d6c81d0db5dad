import { Controller, Get, Logger, Param, Post } from '@nestjs/common';
import { OrdersService } from './orders.service';

@Controller('orders')
export class OrdersController {
  private readonly logger = new Logger(OrdersController.name);

  constructor(private readonly orders: OrdersService) {}

  @Get(':id')
  findOne(@Param('id') id: string) {
    this.logger.debug(`GET /orders/${id}`);
    return this.orders.findOne(id);
  }

  @Get(':id/invoice')
  invoice(@Param('id') id: string) {
    this.logger.debug(`GET /orders/${id}/invoice`);
    return this.orders.invoice(id);
  }

  @Get(':id/tracking')
  tracking(@Param('id') id: string) {
    this.logger.debug(`GET /orders/${id}/tracking`);
    return this.orders.tracking(id);
  }

  @Post(':id/pay')
  pay(@Param('id') id: string) {
    this.logger.debug(`POST /orders/${id}/pay`);
    return this.orders.pay(id);
  }
}
