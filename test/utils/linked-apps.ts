import { Controller, Get, Headers, InternalServerErrorException, Logger, Module, NotFoundException, Param, Type } from '@nestjs/common';
import { request as httpRequest } from 'node:http';
import { IncidentBuffer, IncidentLoggerModule, type IncidentLoggerModuleOptions } from '../../lib';
import { MemoryTarget } from './memory.target';

/** What service B received from its callers, per call. */
export interface ReceivedCall {
  url: string;
  requestId: string | undefined;
  traceparent: string | undefined;
}

/** Service B's switch: how many of the next order lookups fail. */
export class Failures {
  remaining = 0;
  readonly received: ReceivedCall[] = [];
}

/** A GET with node:http (what axios and got use underneath), resolving to status, headers and body. */
export function httpGet(url: string): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Service B: order lookups that fail (an unhandled error: Nest's ExceptionsHandler answers 500, then logs it) while told to. */
export function serviceBModule(target: MemoryTarget, failures: Failures, options: IncidentLoggerModuleOptions = {}): Type<unknown> {
  @Controller()
  class OrdersController {
    private readonly logger = new Logger('Orders');

    @Get('orders/:id')
    order(@Param('id') id: string, @Headers() headers: Record<string, string | undefined>) {
      failures.received.push({ url: `/orders/${id}`, requestId: headers['x-request-id'], traceparent: headers.traceparent });
      this.logger.debug(`looking up order ${id}`);
      if (failures.remaining > 0) {
        failures.remaining--;
        throw new Error('orders database unavailable');
      }
      return { id, total: 42 };
    }
  }

  @Module({
    imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false, ...options })],
    controllers: [OrdersController],
  })
  class ServiceBModule {}
  return ServiceBModule;
}

/** How service A calls B. */
export type Client = 'fetch' | 'http';

/** Service A: a checkout that calls B for the order, retries once on a failure, and logs nothing above debug. */
export function serviceAModule(target: MemoryTarget, serviceB: () => string, options: IncidentLoggerModuleOptions = {}): Type<unknown> {
  @Controller()
  class CheckoutController {
    private readonly logger = new Logger('Checkout');

    constructor(private readonly buffer: IncidentBuffer) {}

    @Get('checkout/:client/:id')
    async checkout(@Param('client') client: Client, @Param('id') id: string) {
      this.logger.debug(`checkout of order ${id} with ${client}`);
      for (let attempt = 1; ; attempt++) {
        const url = `${serviceB()}/orders/${id}`;
        const status = client === 'fetch' ? (await fetch(url)).status : (await httpGet(url)).status;
        if (status === 200 || attempt === 3) return { status, attempt };
        this.logger.debug(`attempt ${attempt} answered ${status}, retrying`);
      }
    }

    @Get('fanout/:calls')
    async fanout(@Param('calls') calls: string) {
      for (let call = 0; call < Number(calls); call++) await fetch(`${serviceB()}/orders/${call}`);
      return 'ok';
    }

    @Get('logged')
    logged() {
      this.logger.error('payment declined');
      return 'ok';
    }

    @Get('thrown')
    thrown() {
      this.logger.debug('about to throw');
      throw new Error('unhandled failure');
    }

    @Get('ise')
    ise() {
      this.logger.debug('about to answer 500');
      throw new InternalServerErrorException('nobody logs this');
    }

    @Get('poller')
    poller() {
      this.logger.debug('starting a background poller');
      // A timer first set inside a request keeps the request's async context after the request ended.
      setTimeout(() => void fetch(`${serviceB()}/health`).catch(() => undefined), 50);
      return 'ok';
    }

    @Get('logged-then-ise')
    loggedThenIse() {
      this.logger.error('charge failed');
      // Logged, then answered 500: one failure, one incident (the logged one).
      throw new InternalServerErrorException('charge failed');
    }

    @Get('missing')
    missing() {
      throw new NotFoundException('no such order');
    }

    @Get('marked')
    marked() {
      this.buffer.markForIncident('suspicious');
      return 'ok';
    }

    @Get('quiet')
    quiet() {
      this.logger.debug('nothing to see');
      return 'ok';
    }
  }

  @Module({
    imports: [IncidentLoggerModule.forRoot({ targets: [target], startupNotice: false, ...options })],
    controllers: [CheckoutController],
  })
  class ServiceAModule {}
  return ServiceAModule;
}
