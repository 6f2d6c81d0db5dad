import { Injectable, Logger } from '@nestjs/common';

export class AcquirerTimeoutError extends Error {
  override readonly name = 'AcquirerTimeoutError';
}

/**
 * Charges an order through the card acquirer. The acquirer times out on the
 * first charge of each order (a flaky dependency), then accepts the retry:
 * the payments side of a failure its caller recovers from.
 */
@Injectable()
export class PaymentsService {
  private readonly logger = new Logger(PaymentsService.name);
  private readonly attempts = new Map<string, number>();

  async charge(orderId: string): Promise<{ orderId: string; charge: string; status: string }> {
    const attempt = (this.attempts.get(orderId) ?? 0) + 1;
    this.attempts.set(orderId, attempt);
    this.logger.debug(`charging order ${orderId}: 41.98 EUR, attempt ${attempt}, idempotency key order-${orderId}`);
    this.logger.debug(`POST https://acquirer.example/v1/charges: sending`);
    await new Promise((resolve) => setTimeout(resolve, 5));
    if (attempt === 1) {
      this.logger.debug('POST https://acquirer.example/v1/charges: 504 Gateway Timeout after 5 ms');
      // Unhandled here: Nest answers 500 and logs it (ExceptionsHandler), which writes the payments
      // incident; the 500 names it in `x-incident-id`.
      throw new AcquirerTimeoutError(`charge of order ${orderId} not captured: the acquirer timed out`);
    }
    this.logger.debug(`POST https://acquirer.example/v1/charges: 201 Created ch_${orderId}`);
    return { orderId, charge: `ch_${orderId}`, status: 'captured' };
  }
}
