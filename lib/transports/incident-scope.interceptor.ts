import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import type { Observable } from 'rxjs';
import { IncidentEngine } from '../engine/incident-engine';
import { scopedHandling } from './scoped-handling';

/**
 * Gives each microservice message or event, WebSocket event and GraphQL
 * operation a scope of its own, as the middleware does for HTTP requests.
 * Safe as a global interceptor (`APP_INTERCEPTOR`): HTTP requests pass
 * straight through (already scoped, before guards), and a call is scoped
 * once however many times this is registered. Guards run before
 * interceptors: their lines go to the enclosing scope (on Nest 12
 * microservices the module scopes messages before guards, with a
 * pre-request hook). See docs/transports.md.
 * @publicApi
 */
@Injectable()
export class IncidentScopeInterceptor implements NestInterceptor {
  /** @internal */
  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    return scopedHandling(this.engine, context, () => next.handle());
  }
}
