import type { LogLevel } from '@nestjs/common';
import type { IncidentRecord } from '../interfaces';

/**
 * A finished record: bounded, copied and redacted. What targets, snapshots and
 * dumps receive, and what the slow capture path (errors, long strings, objects
 * that need the safe serialiser) buffers. Fixed shape: one hidden class.
 */
export class LogRecord implements IncidentRecord {
  constructor(
    readonly level: LogLevel,
    readonly timestamp: number,
    readonly message: string,
    readonly context: string | undefined,
    readonly stack: string | undefined = undefined,
    readonly data: Record<string, unknown> | undefined = undefined,
  ) {}
}

/**
 * A string message buffered as logged (bounded and copied, not yet redacted).
 * Almost every buffered record is discarded unread, so redaction waits until
 * the record leaves the buffer (`RecordScrubber`). Four fields: smaller than
 * a `LogRecord`.
 */
export class RawTextRecord implements IncidentRecord {
  constructor(
    readonly level: LogLevel,
    readonly timestamp: number,
    readonly message: string,
    readonly context: string | undefined,
  ) {}
}

/**
 * A plain object or array buffered as its JSON text, whose keys were checked
 * (no secret key) but whose strings are not yet redacted: each string in the
 * JSON is scrubbed when the record leaves the buffer.
 */
export class RawJsonRecord implements IncidentRecord {
  constructor(
    readonly level: LogLevel,
    readonly timestamp: number,
    readonly message: string,
    readonly context: string | undefined,
  ) {}
}

/**
 * A finished record already written to the targets when it was logged
 * (`passthroughLevel`), kept in the window for the incident. A class of its
 * own: the common `LogRecord` keeps its six fields.
 */
export class PassthroughRecord implements IncidentRecord {
  readonly passthrough = true;

  constructor(
    readonly level: LogLevel,
    readonly timestamp: number,
    readonly message: string,
    readonly context: string | undefined,
    readonly stack: string | undefined,
    readonly data: Record<string, unknown> | undefined,
  ) {}

  static from(record: IncidentRecord): PassthroughRecord {
    return new PassthroughRecord(record.level, record.timestamp, record.message, record.context, record.stack, record.data);
  }
}

/** What a scope buffers: finished records, or raw ones redacted on the way out. */
export type BufferedRecord = LogRecord | RawTextRecord | RawJsonRecord | PassthroughRecord;

const RECORD_OVERHEAD_BYTES = 72;

/** Approximate heap bytes of a record (UTF-16 strings); the unit of the byte caps. */
export function recordBytes(record: IncidentRecord): number {
  let chars = record.message.length;
  if (record.stack) chars += record.stack.length;
  if (record.data) chars += JSON.stringify(record.data).length;
  return RECORD_OVERHEAD_BYTES + 2 * chars;
}

/** Fast path of `recordBytes` for a record with only a message. */
export function messageRecordBytes(message: string): number {
  return RECORD_OVERHEAD_BYTES + 2 * message.length;
}
