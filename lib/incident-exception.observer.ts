import { ArgumentsHost, Catch, ExceptionFilter } from '@nestjs/common';
import { scopeStorage } from './scope/scope-storage';

/**
 * Matches no exception. Nest asks each exception filter whether it catches
 * an exception with `exception instanceof <type>`; this type answers "no"
 * every time, and on the way notes the exception on the request's scope, so
 * a request that ends with a 5xx nobody logged gets an incident naming it.
 * It runs only when a route throws, so requests that do not throw pay
 * nothing (a global interceptor would put every route on Nest's RxJS
 * interceptor path: about a quarter more CPU per request, measured).
 */
class NotedException {
  static [Symbol.hasInstance](exception: unknown): boolean {
    const scope = scopeStorage.getStore();
    // The request's own scope (Nest's exception handler runs in the request's async context).
    // Noted before Nest replies: the incident header (`incidentLinks`) can still be set.
    if (scope !== undefined && scope.kind === 'request' && !scope.ended) scope.noteException(exception);
    return false;
  }
}

/**
 * Registered by the module as a global filter that never handles anything
 * (see `NotedException`): your filters and Nest's default behave exactly as
 * before. Nest checks a route's filters method first, then class, then
 * global ones, stopping at the first that catches: an exception a filter of
 * yours handles before this one is not seen (its `status` incident is
 * written without it; log it in that filter to make it the trigger). Not
 * exported.
 */
@Catch(NotedException)
export class IncidentExceptionObserver implements ExceptionFilter {
  catch(_exception: unknown, _host: ArgumentsHost): void {
    // Never called: no exception is an instance of NotedException.
  }
}
