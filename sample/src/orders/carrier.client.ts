import { Injectable, Logger } from '@nestjs/common';

export class CarrierUnavailableError extends Error {
  override readonly name = 'CarrierUnavailableError';
}

/**
 * The shipping carrier's tracking API, as a client library sees it. For the
 * whole demo the carrier is down: every call fails after a short wait, the
 * same way, which is what a storm looks like at 2am.
 */
@Injectable()
export class CarrierClient {
  private readonly logger = new Logger(CarrierClient.name);
  private readonly timeoutMs = 5;

  async track(orderId: string): Promise<string> {
    this.logger.debug(`GET https://carrier.example/v2/parcels/${orderId}: sending`);
    await new Promise((resolve) => setTimeout(resolve, this.timeoutMs));
    this.logger.debug(`GET https://carrier.example/v2/parcels/${orderId}: 503 Service Unavailable`);
    throw new CarrierUnavailableError(`carrier API unavailable: 503 from carrier.example after ${this.timeoutMs} ms`);
  }
}
