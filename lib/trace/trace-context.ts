/**
 * The W3C trace context a scope belongs to: read once when the scope opens
 * (the active OpenTelemetry span, else a valid `traceparent` header, else
 * the scope it was opened in), never per record.
 */
export interface TraceContext {
  /** 32 lower-case hex digits, not all zero. */
  readonly traceId: string;
  /** 16 lower-case hex digits, not all zero: the span the scope runs under. */
  readonly spanId: string;
  /** The W3C trace flags (bit 0: sampled). */
  readonly flags: number;
}

const HEX_32 = /^[0-9a-f]{32}$/;
const HEX_16 = /^[0-9a-f]{16}$/;
const HEX_2 = /^[0-9a-f]{2}$/;
const ZERO_32 = '0'.repeat(32);
const ZERO_16 = '0'.repeat(16);
/** Longer values are not parsed (a header is attacker-controlled). */
const MAX_TRACEPARENT_LENGTH = 512;

/**
 * A W3C `traceparent` header value, or undefined when it is not a valid one
 * (https://www.w3.org/TR/trace-context/#traceparent-header): version `ff` and
 * all-zero ids are invalid; version `00` is exactly four fields; a later
 * version may append fields, which are ignored. Upper-case hex is invalid, as
 * the spec says, rather than folded: a header that breaks the format is not
 * trusted for anything.
 */
export function parseTraceparent(value: unknown): TraceContext | undefined {
  if (typeof value !== 'string' || value.length < 55 || value.length > MAX_TRACEPARENT_LENGTH) return undefined;
  const parts = value.trim().split('-');
  if (parts.length < 4) return undefined;
  const [version, traceId, spanId, flags] = parts;
  if (!HEX_2.test(version) || version === 'ff') return undefined;
  if (version === '00' && parts.length !== 4) return undefined;
  if (!HEX_32.test(traceId) || traceId === ZERO_32 || !HEX_16.test(spanId) || spanId === ZERO_16 || !HEX_2.test(flags)) {
    return undefined;
  }
  return { traceId, spanId, flags: parseInt(flags, 16) };
}

/** The `traceparent` value that continues this context from a child span (`spanId`), version 00. */
export function formatTraceparent(trace: TraceContext, spanId = trace.spanId): string {
  return `00-${trace.traceId}-${spanId}-${(trace.flags & 0xff).toString(16).padStart(2, '0')}`;
}
