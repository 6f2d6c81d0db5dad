import type { ExecutionContext } from '@nestjs/common';
import { Observable, tap } from 'rxjs';
import type { IncidentEngine } from '../engine/incident-engine';
import type { ScopeRequest } from '../scope/incident-scope';
import { scopeStorage } from '../scope/scope-storage';
import { graphqlCall, rpcUnit, wsUnit } from './unit-of-work.util';

/**
 * Calls already given a scope, by their argument array (the same array for
 * the pre-request hook and every interceptor of one call): registering the
 * interceptor twice, or with the hook, opens one scope, not two.
 */
const scopedCalls = new WeakSet<object>();

/**
 * Runs one message, event or resolver call in a scope of its own, opened when
 * the handling is subscribed and ended once its result or error has gone
 * downstream: Nest's exception handler logs an error it does not know inside
 * the scope (a `level` incident with the call's window), then the scope ends.
 */
function inScope(engine: IncidentEngine, unit: ScopeRequest, handle: () => Observable<unknown>): Observable<unknown> {
  return new Observable<unknown>((subscriber) => {
    const scope = engine.openUnit(unit);
    return scopeStorage.run(scope, () => {
      try {
        return handle().subscribe({
          next: (value) => subscriber.next(value),
          error: (error: unknown) => {
            subscriber.error(error);
            engine.endHandled(scope, { error });
          },
          complete: () => {
            subscriber.complete();
            engine.endHandled(scope);
          },
        });
      } catch (error) {
        subscriber.error(error);
        engine.endHandled(scope, { error });
        return undefined;
      }
    });
  });
}

/**
 * What the interceptor and the pre-request hook do with a call: HTTP passes
 * through (the middleware's scope is the request's, before guards); a
 * microservice message or event and a WebSocket event get a scope each; a
 * GraphQL operation labels its HTTP request's scope (or gets one when it
 * came in any other way).
 */
export function scopedHandling(engine: IncidentEngine, context: ExecutionContext, handle: () => Observable<unknown>): Observable<unknown> {
  const type = context.getType<string>();
  if (type === 'http') return handle();
  const args = context.getArgs();
  if (scopedCalls.has(args)) return handle();
  scopedCalls.add(args);
  if (type === 'rpc') return inScope(engine, rpcUnit(context), handle);
  if (type === 'ws') return inScope(engine, wsUnit(context), handle);
  if (type !== 'graphql') return handle();
  const call = graphqlCall(context);
  const request = call.rawRequest === undefined ? undefined : engine.requestScopes.get(call.rawRequest);
  if (request === undefined || request.ended) {
    // A subscription over WebSocket, or a route the middleware does not cover.
    return inScope(engine, { kind: 'graphql', method: 'GRAPHQL', url: call.operation }, handle);
  }
  // One HTTP request is one operation: its scope, labelled; several root fields share it.
  request.relabel('graphql', call.operation);
  return handle().pipe(tap({ error: (error: unknown) => engine.failRequest(request, error) }));
}
