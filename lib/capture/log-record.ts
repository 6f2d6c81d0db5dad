import type { LogLevel } from '@nestjs/common';
import type { IncidentRecord } from '../interfaces';

/** Fixed-shape record (one hidden class, cheap to allocate on the hot path). */
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
