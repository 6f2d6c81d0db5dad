import { BadGatewayException, Injectable, InternalServerErrorException, Logger, ServiceUnavailableException } from '@nestjs/common';
import { CarrierClient } from './carrier.client';
import { ConnectionPool, PoolExhaustedError } from './connection-pool';
import { PaymentsClient } from './payments.client';

const QUERY_MS = 100;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(
    private readonly pool: ConnectionPool,
    private readonly carrier: CarrierClient,
    private readonly payments: PaymentsClient,
  ) {}

  async findOne(id: string): Promise<{ id: string; status: string; items: number }> {
    this.logger.debug(`loading order ${id}`);
    try {
      await this.query(`SELECT * FROM orders WHERE id = '${id}'`);
      await this.query(`SELECT * FROM order_items WHERE order_id = '${id}'`);
    } catch (error) {
      if (!(error instanceof PoolExhaustedError)) throw error;
      // The one line that matters, and the reason the debug lines above get written.
      this.logger.error(error);
      throw new ServiceUnavailableException('database busy, try again');
    }
    this.logger.debug(`order ${id} loaded`);
    return { id, status: 'shipped', items: 2 };
  }

  /** A bug nobody logs: the exception becomes a 500, and Nest does not log HttpExceptions. */
  invoice(id: string): { id: string; total: string } {
    this.logger.debug(`rendering the invoice of order ${id}: 2 lines, template "eu-vat"`);
    const lines = [19.99, 21.99];
    const total = lines.reduce((sum, price) => sum + price, 0).toFixed(2);
    this.logger.debug(`order ${id}: lines sum to ${total}, order total is 42.00`);
    if (total !== '42.00') throw new InternalServerErrorException(`invoice of order ${id}: lines sum to ${total}, order total is 42.00`);
    return { id, total };
  }

  async tracking(id: string): Promise<{ id: string; tracking: string }> {
    this.logger.debug(`tracking order ${id}`);
    try {
      return { id, tracking: await this.carrier.track(id) };
    } catch (error) {
      // Logged as one line, without the stack: what a storm's repeat lines show.
      this.logger.error(`tracking of order ${id} failed: ${error instanceof Error ? error.message : String(error)}`);
      throw new BadGatewayException('carrier unavailable, try again later');
    }
  }

  /** Pays through the payments service, which fails the first charge of each order: the client's retry recovers. */
  async pay(id: string): Promise<{ id: string; charge: string; status: string }> {
    this.logger.debug(`paying order ${id}: 41.98 EUR`);
    const { charge, status } = await this.payments.charge(id);
    this.logger.debug(`order ${id} paid: ${charge} ${status}`);
    return { id, charge, status };
  }

  private async query(sql: string): Promise<void> {
    const connection = await this.pool.acquire(sql);
    try {
      this.logger.debug(`${sql} on connection #${connection.id}`);
      await new Promise((resolve) => setTimeout(resolve, QUERY_MS));
      this.logger.debug(`query done in ${QUERY_MS} ms`);
    } finally {
      this.pool.release(connection);
    }
  }
}
