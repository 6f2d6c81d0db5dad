import type { IncidentRequest } from '../interfaces/incident.interface';

/**
 * A unit of work as one phrase: `GET /orders/7`, `RPC {"cmd":"sum"}`,
 * `WS events`, `POST /graphql query GetOrder`, `JOB Reports.nightly`. A
 * `run()` scope has no URL unless one was given: `RUN`, not `RUN ` with a
 * trailing space.
 */
export function describeRequest(request: IncidentRequest): string {
  const what = request.url === '' ? request.method : `${request.method} ${request.url}`;
  return request.operation === undefined ? what : `${what} ${request.operation}`;
}
