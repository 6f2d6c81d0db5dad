import type { IncomingMessage } from 'node:http';
import { activeEngine } from './engine/active-engine';
import { earlyRequestIds, requestIdFrom } from './scope/request-id.util';

const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';

/**
 * The request id incidents of this request carry, for another library's
 * request id: pino-http's (nestjs-pino's `pinoHttp.genReqId`), so its
 * `req.id` and the incident's `requestId` are the same whichever middleware
 * runs first (`IncidentLoggerModule` imported before or after
 * `LoggerModule`), on Express and Fastify.
 *
 * - This module's middleware ran first: the id of the request's scope.
 * - It runs later: the id is settled now (the valid `requestIdHeader` value,
 *   else a generated one) and the scope takes it when it opens.
 *
 * The same request always gets the same id, however often it is called.
 * @publicApi
 */
export function incidentRequestId(req: IncomingMessage): string {
  const engine = activeEngine.get();
  const scope = engine?.requestScopes.get(req);
  if (scope?.request !== undefined) return scope.request.id;
  let id = earlyRequestIds.byRequest.get(req);
  if (id === undefined) {
    id = requestIdFrom(req.headers[engine?.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER]);
    earlyRequestIds.byRequest.set(req, id);
    earlyRequestIds.used = true;
  }
  return id;
}
