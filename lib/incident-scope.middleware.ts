import { Inject, Injectable, NestMiddleware } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IncidentEngine } from './engine/incident-engine';
import { earlyRequestIds } from './scope/request-id.util';
import { scopeStorage } from './scope/scope-storage';

const MAX_URL_LENGTH = 2048;

/**
 * Kept as received (query strings carry tokens: the URL is redacted when an
 * incident or `IncidentBuffer.request` shows it); a longer URL is redacted
 * before it is cut, so a token across the cut is still recognised.
 */
function boundedUrl(engine: IncidentEngine, url: string): string {
  return url.length <= MAX_URL_LENGTH ? url : engine.redactAndCut(url, MAX_URL_LENGTH);
}

type RawRequest = IncomingMessage & { originalUrl?: string };

/**
 * Opens the request's scope. Mounted by the module on every route, before
 * guards, so guards, interceptors, pipes, handlers and exception filters all
 * log into it.
 *
 * Per request it does only what every request needs: a scope object and
 * AsyncLocalStorage.run(). The request id is settled when something reads it
 * (an incident, `IncidentBuffer.request`, the response header when
 * `setResponseHeader` is on), and the scope joins the memory budget and
 * listens for the response's 'close' only once it buffers a record.
 * @publicApi
 */
@Injectable()
export class IncidentScopeMiddleware implements NestMiddleware {
  /** @internal */
  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  use(req: RawRequest, res: ServerResponse, next: (error?: unknown) => void): void {
    // One scope per raw request, even if the middleware is mounted twice (module
    // imported twice, or mounted by hand as well). The engine's own: the outcome
    // reads it at the end. A property of the request, not a WeakMap entry: see
    // RequestScopes for what the WeakMap cost.
    const scopesByRequest = this.engine.requestScopes;
    const existing = scopesByRequest.get(req);
    if (existing !== undefined) {
      if (scopeStorage.getStore() !== existing) scopeStorage.enterWith(existing);
      return next();
    }
    const { requestIdHeader, setResponseHeader, traceContext } = this.engine;
    const scope = this.engine.openScope(
      {
        // An id incidentRequestId() gave out before this scope opened is passed
        // as the header: it came from requestIdFrom, so it is kept as is.
        idHeader: (earlyRequestIds.used && earlyRequestIds.byRequest.get(req)) || req.headers[requestIdHeader],
        method: req.method ?? 'UNKNOWN',
        url: boundedUrl(this.engine, req.originalUrl ?? req.url ?? ''),
        // Kept raw: parsed only if an incident (or IncidentBuffer.request) needs it.
        traceHeader: traceContext ? req.headers.traceparent : undefined,
      },
      res,
    );
    scopesByRequest.set(req, scope);
    if (setResponseHeader && !res.headersSent) res.setHeader(requestIdHeader, scope.request!.id);
    // run(), not enterWith(): enterWith would leave the store on the socket's
    // parser and leak it into the next keep-alive request. The Fastify
    // POST-with-body case (nestjs-pino#546) is covered by an e2e test.
    scopeStorage.run(scope, next);
  }
}
