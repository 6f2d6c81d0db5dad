import type { IncidentRequest } from '../interfaces/incident.interface';

/**
 * A request as one phrase: `GET /orders/7`. A `run()` scope has no URL unless
 * one was given: `RUN`, not `RUN ` with a trailing space.
 */
export function describeRequest(request: IncidentRequest): string {
  return request.url === '' ? request.method : `${request.method} ${request.url}`;
}
