import { Injectable, Logger, ServiceUnavailableException } from '@nestjs/common';
import { ConnectionPool, PoolExhaustedError } from './connection-pool';

const QUERY_MS = 25;

@Injectable()
export class OrdersService {
  private readonly logger = new Logger(OrdersService.name);

  constructor(private readonly pool: ConnectionPool) {}

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
