import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';

type Attributes = Record<string, unknown>;

/** `Name: message` on a stack's first line (`TypeError: x`, `Error`, `MyError [CODE]: x` is not matched). */
const STACK_HEAD = /^([A-Za-z_$][\w$.]*)(?::\s?(.*))?$/;

/**
 * The request's attributes: OpenTelemetry's HTTP server conventions for an
 * HTTP request (`http.request.method`, `url.path`, `url.query`: `url.full`
 * is for clients), the incident's own names for the rest.
 */
export function requestAttributes(request: IncidentRequest | undefined, into: Attributes = {}): Attributes {
  if (request === undefined) return into;
  into['incident.request.id'] = request.id;
  if (request.kind !== undefined) into['incident.request.kind'] = request.kind;
  if (request.parentId !== undefined) into['incident.request.parent_id'] = request.parentId;
  if (request.operation !== undefined) into['incident.request.operation'] = request.operation;
  if (request.kind === undefined || request.kind === 'http') {
    into['http.request.method'] = request.method;
    const query = request.url.indexOf('?');
    into['url.path'] = query === -1 ? request.url : request.url.slice(0, query);
    if (query !== -1) into['url.query'] = request.url.slice(query + 1);
  } else {
    // A message pattern, an event or a job name is not a URL.
    into['incident.request.method'] = request.method;
    into['incident.request.name'] = request.url;
  }
  return into;
}

/** What every record of the incident carries, so any one of them leads to the rest. */
export function incidentAttributes(incident: Incident): Attributes {
  const attributes: Attributes = { 'incident.id': incident.id, 'incident.reason': incident.reason, 'incident.scope': incident.scope };
  requestAttributes(incident.request, attributes);
  if (incident.outcome !== undefined) {
    if (incident.outcome.status !== undefined) attributes['http.response.status_code'] = incident.outcome.status;
    attributes['incident.duration_ms'] = incident.outcome.durationMs;
    if (incident.outcome.aborted === true) attributes['incident.aborted'] = true;
  }
  if (incident.previous !== undefined) attributes['incident.previous'] = incident.previous;
  if (incident.links !== undefined && incident.links.length > 0) attributes['incident.links'] = [...incident.links];
  if (incident.fingerprint !== undefined) attributes['incident.fingerprint'] = incident.fingerprint;
  if (incident.repeat !== undefined) attributes['incident.repeat'] = incident.repeat;
  if (incident.dropped > 0) attributes['incident.dropped'] = incident.dropped;
  if (incident.fields !== undefined) attributes['incident.fields'] = { ...incident.fields };
  if (incident.suppressed !== undefined) {
    attributes['incident.suppressed.count'] = incident.suppressed.count;
    attributes['incident.suppressed.request_ids'] = [...incident.suppressed.requestIds];
  }
  return attributes;
}

/**
 * The record's own attributes, added to `base` (a fresh object each time:
 * the SDK keeps it). A record with a stack is an error: OpenTelemetry's
 * exception conventions (`exception.type`, `.message`, `.stacktrace`).
 */
export function recordAttributes(record: IncidentRecord, base: Attributes, isTrigger: boolean): Attributes {
  const attributes: Attributes = { ...base };
  if (record.context !== undefined) attributes['incident.record.context'] = record.context;
  if (isTrigger) attributes['incident.trigger'] = true;
  if (record.data !== undefined) attributes['incident.record.data'] = { ...record.data };
  if (record.stack !== undefined) {
    const newline = record.stack.indexOf('\n');
    const head = STACK_HEAD.exec(newline === -1 ? record.stack : record.stack.slice(0, newline));
    const name = record.data?.name;
    attributes['exception.type'] = typeof name === 'string' ? name : (head?.[1] ?? 'Error');
    attributes['exception.message'] = head?.[2] ?? record.message;
    attributes['exception.stacktrace'] = record.stack;
  }
  return attributes;
}
