import { BadGatewayException, Injectable, Logger } from '@nestjs/common';

/**
 * The orders service's client of the payments service: a plain `fetch`, retried
 * once on a 5xx. Nothing here knows about incidents: the module observes the call
 * (diagnostics_channel), sends the request id and `traceparent` with it, and, when
 * payments answers 500 naming its incident, writes this request's window as a
 * `downstream` incident linked to it, even though the retry succeeds.
 */
@Injectable()
export class PaymentsClient {
  private readonly logger = new Logger(PaymentsClient.name);
  // Read per call: the demo starts the payments app on a free port, then the orders app.
  private get baseUrl(): string {
    return process.env.PAYMENTS_URL ?? 'http://127.0.0.1:3001';
  }

  async charge(orderId: string): Promise<{ charge: string; status: string }> {
    const url = `${this.baseUrl}/payments/${orderId}`;
    for (let attempt = 1; ; attempt++) {
      this.logger.debug(`POST ${url}: attempt ${attempt}`);
      const response = await fetch(url, { method: 'POST' });
      const body = (await response.json()) as { charge: string; status: string };
      if (response.ok) {
        this.logger.debug(`POST ${url}: ${response.status}, charge ${body.charge}`);
        return body;
      }
      if (response.status < 500 || attempt === 2) throw new BadGatewayException(`payments answered ${response.status}`);
      this.logger.debug(`POST ${url}: ${response.status}, retrying once`);
    }
  }
}
