/**
 * An incident's header as the JSON-lines format writes it (`"type":"incident"`):
 * the shape both readers produce, so list and show never ask which format a
 * file was in. Keys another version may add (`traceId`, `spanId`, …) are kept
 * as they came.
 */
export interface HeaderEntry {
  incident: string;
  requestId?: string;
  type: 'incident';
  reason: string;
  scope?: string;
  kind?: string;
  method?: string;
  url?: string;
  operation?: string;
  parentId?: string;
  records: number;
  dropped: number;
  passthrough?: number;
  [key: string]: unknown;
}

/** A record line as the JSON-lines format writes it (`"type":"record"`). */
export interface RecordEntry {
  incident?: string;
  seq?: number;
  trigger?: boolean;
  level: string;
  /** ISO time. */
  time: string;
  context?: string;
  message: string;
  stack?: string;
  data?: unknown;
  [key: string]: unknown;
}

/** What one line (or, for text stack lines, a line group) of an incident file is. */
export type LineEntry =
  | { kind: 'header'; header: HeaderEntry }
  | { kind: 'record'; record: RecordEntry }
  /** Text format: a stack line, indented under the record line before it. */
  | { kind: 'stack'; line: string }
  /** Text format: `=== END INCIDENT <id> ===`. */
  | { kind: 'end'; id: string }
  /** A pass-through record written on its own (`passthroughLevel`): not part of an incident. */
  | { kind: 'passthrough' }
  /** The target's `INCIDENTS LOST` marker: incidents it could not write. */
  | { kind: 'lost'; count: number }
  /** Parses as JSON but is none of the above: another program's output. */
  | { kind: 'foreign' }
  /** Starts like a JSON line but does not parse: cut off, or damaged. */
  | { kind: 'broken' }
  | { kind: 'blank' };
