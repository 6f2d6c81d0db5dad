/** An outgoing HTTP call answered with a failure, as the calling scope records it. */
export interface FailedCall {
  method: string;
  /** Origin and path as the client sent it (redacted by the engine before it is kept). */
  url: string;
  status: number;
  /** The id the response's incident header named, when valid. */
  incidentId: string | undefined;
}

/** The headers of an outgoing request, whatever the client (`node:http` or undici). */
export interface OutgoingHeaders {
  has(name: string): boolean;
  /** Adds the header; false when the request's headers are already out. */
  add(name: string, value: string): boolean;
}

// An id from another service is shown in our incidents: short and made of
// characters ids are made of (a UUID, a ULID, a hash), so a response cannot
// inject text, and a URL or an address is not taken for an id.
const VALID_INCIDENT_ID = /^[A-Za-z0-9._-]{1,128}$/;

/** A header value naming an incident (string, or the first of several), or undefined. */
export function incidentIdFrom(value: unknown): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  if (typeof first !== 'string') return undefined;
  const id = first.includes(',') ? first.slice(0, first.indexOf(',')).trim() : first.trim();
  return VALID_INCIDENT_ID.test(id) ? id : undefined;
}
