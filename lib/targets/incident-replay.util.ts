import type { LogLevel } from '@nestjs/common';
import type { Incident, IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import { isPrinted } from '../format/incident-view.util';

// What the targets that replay an incident through another logger
// (LoggerServiceTarget, PinoTarget) derive from it in the same way, so both
// carry the same ids under the same names and skip the same records.

/** pino's level names for Nest's: trace 10, debug 20, info 30, warn 40, error 50, fatal 60. */
export const PINO_LEVEL_NAMES: Readonly<Record<LogLevel, 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal'>> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/** Trace ids are set on incidents by the trace-correlation feature; read loosely, so a build without it still compiles. */
interface TracedIncident {
  traceId?: unknown;
  spanId?: unknown;
}

/**
 * The fields every replayed line carries, in this order: `incidentId`,
 * `requestId`, `reason`, then `traceId`/`spanId`, `repeat` and `links` when
 * the incident has them. A fresh object per call: loggers may keep or
 * mutate what they are given.
 */
export function incidentFields(incident: Incident): Record<string, unknown> {
  const fields: Record<string, unknown> = { incidentId: incident.id };
  if (incident.request !== undefined) fields.requestId = incident.request.id;
  fields.reason = incident.reason;
  const { traceId, spanId } = incident as TracedIncident;
  if (typeof traceId === 'string') fields.traceId = traceId;
  if (typeof spanId === 'string') fields.spanId = spanId;
  if (incident.repeat !== undefined) fields.repeat = incident.repeat;
  if (incident.links !== undefined && incident.links.length > 0) fields.links = incident.links;
  if (incident.suppressed !== undefined) fields.suppressed = incident.suppressed;
  return fields;
}

/** The fields of a pass-through record (`passthroughLevel`), written alone when it is logged. */
export function passthroughFields(request: IncidentRequest | undefined): Record<string, unknown> {
  const fields: Record<string, unknown> = {};
  if (request !== undefined) fields.requestId = request.id;
  fields.reason = 'passthrough';
  return fields;
}

/**
 * The records a replay writes, oldest first: pass-through records were
 * written on their own when they were logged and are not written again (as
 * in the built-in formats).
 */
export function replayedRecords(incident: Incident): IncidentRecord[] {
  return incident.records.filter((record) => isPrinted(incident, record));
}

/**
 * A stand-in record for an incident with no record to replay (a storm
 * control summary, a dump of an empty scope), so the incident still leaves
 * one line with its ids.
 */
export function summaryRecord(incident: Incident): IncidentRecord {
  const { suppressed } = incident;
  const message =
    suppressed !== undefined
      ? `${suppressed.count} incidents suppressed by storm control`
      : `incident ${incident.id} (${incident.reason}) with no records`;
  return { level: 'warn', timestamp: suppressed?.last ?? Date.now(), message };
}
