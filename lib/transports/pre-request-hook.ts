import type { ExecutionContext } from '@nestjs/common';
import type { Observable } from 'rxjs';
import type { IncidentEngine } from '../engine/incident-engine';
import { scopedHandling } from './scoped-handling';

/** Nest 12's `ApplicationConfig` (pre-request hooks); absent before Nest 12. */
interface HookRegistry {
  registerPreRequestHook?: (hook: (context: ExecutionContext, next: () => Observable<unknown>) => Observable<unknown>) => unknown;
}

/**
 * Nest 12 runs a microservice's pre-request hooks before its guards: the
 * message's scope opens there, so guards, interceptors, pipes, the handler
 * and the exception handler all log into it. Registered on the application
 * config the microservice reads (a hybrid app's microservice reads the app's
 * only with `inheritAppConfig: true`). On Nest 10 and 11, which have no
 * hooks, nothing is registered: use `IncidentScopeInterceptor`.
 * Returns whether the hook was registered.
 */
export function registerScopeHook(config: unknown, engine: IncidentEngine): boolean {
  const registry = config as HookRegistry | undefined;
  if (typeof registry?.registerPreRequestHook !== 'function') return false;
  registry.registerPreRequestHook((context, next) => scopedHandling(engine, context, next));
  return true;
}
