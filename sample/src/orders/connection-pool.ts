import { Injectable, Logger } from '@nestjs/common';

export class PoolExhaustedError extends Error {
  override readonly name = 'PoolExhaustedError';
}

export interface Connection {
  id: number;
  /** What the connection is being used for, shown when the pool runs dry. */
  heldFor?: string;
}

/**
 * A toy database pool: a few connections, and callers that cannot get one
 * within `acquireTimeoutMs` fail. Every step logs at debug, the way real
 * drivers do when you turn their logging on.
 */
@Injectable()
export class ConnectionPool {
  private readonly logger = new Logger(ConnectionPool.name);
  private readonly free: Connection[] = [1, 2, 3].map((id) => ({ id }));
  private readonly waiting: Array<(connection: Connection) => void> = [];
  readonly size = this.free.length;
  readonly acquireTimeoutMs = 120;
  private readonly busy = new Set<Connection>();

  async acquire(purpose: string): Promise<Connection> {
    const connection = this.free.pop();
    if (connection) {
      this.take(connection, purpose);
      this.logger.debug(`acquired connection #${connection.id} (${this.free.length}/${this.size} free)`);
      return connection;
    }
    const holders = [...this.busy].map((c) => `#${c.id} by "${c.heldFor}"`).join(', ');
    this.logger.debug(`no free connection (${holders}); waiting up to ${this.acquireTimeoutMs} ms behind ${this.waiting.length} others`);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(onFree), 1);
        reject(new PoolExhaustedError(`connection pool exhausted: ${this.size}/${this.size} in use for ${this.acquireTimeoutMs} ms`));
      }, this.acquireTimeoutMs);
      const onFree = (freed: Connection) => {
        clearTimeout(timer);
        this.take(freed, purpose);
        this.logger.debug(`acquired connection #${freed.id} after waiting`);
        resolve(freed);
      };
      this.waiting.push(onFree);
    });
  }

  private take(connection: Connection, purpose: string): void {
    connection.heldFor = purpose;
    this.busy.add(connection);
  }

  release(connection: Connection): void {
    this.logger.debug(`released connection #${connection.id}`);
    this.busy.delete(connection);
    const next = this.waiting.shift();
    if (next) next(connection);
    else this.free.push(connection);
  }
}
