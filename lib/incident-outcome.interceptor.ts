import { CallHandler, ExecutionContext, Inject, Injectable, NestInterceptor } from '@nestjs/common';
import { type MonoTypeOperatorFunction, type Observable, tap } from 'rxjs';
import { IncidentEngine } from './engine/incident-engine';

/**
 * Sees the exception a route handler (or a pipe, or an interceptor after
 * this one) throws, so the incident of a request that ends with a 5xx nobody
 * logged names it: Nest logs no `HttpException`, and its exception filters
 * are the app's own. It only observes: the error goes on unchanged to the
 * app's filters. Registered by the module as a global interceptor; guards
 * run before interceptors, so an exception thrown by a guard is not seen
 * (the status incident is still written, without the exception). Not
 * exported.
 */
@Injectable()
export class IncidentOutcomeInterceptor implements NestInterceptor {
  private readonly noteError: MonoTypeOperatorFunction<unknown>;

  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {
    // One operator for every request: only the subscription is per request.
    this.noteError = tap({ error: (error: unknown) => engine.noteException(error) });
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const handled = next.handle();
    return this.engine.wantsExceptions && context.getType() === 'http' ? handled.pipe(this.noteError) : handled;
  }
}
