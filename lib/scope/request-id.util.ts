import { randomUUID } from 'node:crypto';

// Ids from the outside are reused only when short and made of safe characters,
// so a header cannot inject text into log lines.
const VALID_REQUEST_ID = /^[A-Za-z0-9._:@/+=-]{1,128}$/;

export function requestIdFrom(header: unknown): string {
  const value = Array.isArray(header) ? header[0] : header;
  return typeof value === 'string' && VALID_REQUEST_ID.test(value) ? value : generateRequestId();
}

function generateRequestId(): string {
  const id = randomUUID();
  // randomUUID() returns a rope of ~20 pieces (~480 bytes); reading a character
  // makes V8 flatten it into one 36-character string that every scope keeps.
  id.charCodeAt(0);
  return id;
}

/**
 * Request ids settled before the request's scope opened: `incidentRequestId`
 * called by a middleware that runs first (pino-http's `genReqId` when
 * nestjs-pino's `LoggerModule` is imported before this module). `used` stays
 * false in an app that never calls it, so the scope middleware pays one
 * property read for this, and a WeakMap lookup only in apps that use it.
 */
export const earlyRequestIds = {
  used: false,
  byRequest: new WeakMap<object, string>(),
};
