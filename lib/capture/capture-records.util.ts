import type { LogLevel } from '@nestjs/common';
import type { CaptureLimits, Redactor } from './capture-limits.interface';
import { LogRecord } from './log-record';
import { parseLogArguments } from './parse-log-arguments.util';
import { toSafeJson } from './safe-json.util';
import { truncateString } from './truncate.util';

/** How values are captured: bounds and (optional) redaction. */
export interface CapturePolicy {
  limits: CaptureLimits;
  redactor?: Redactor;
}

interface CapturedMessage {
  text: string;
  stack?: string;
  data?: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;

function safeText(value: unknown, policy: CapturePolicy): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch {
    text = '[unprintable]';
  }
  if (policy.redactor) text = policy.redactor.scrub(text);
  return truncateString(text, policy.limits.maxStringLength);
}

function readField(error: object, key: string): unknown {
  try {
    return (error as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

/** The stack of an error followed by `Caused by:` sections for its cause chain. */
function stackWithCauses(error: Error, policy: CapturePolicy): string | undefined {
  const sections: string[] = [];
  const seen = new Set<unknown>();
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null && depth < MAX_CAUSE_DEPTH; depth++) {
    if (seen.has(current)) {
      sections.push('Caused by: [Circular]');
      break;
    }
    seen.add(current);
    const isError = current instanceof Error;
    const stack = isError ? readField(current, 'stack') : undefined;
    const body = typeof stack === 'string' ? stack : isError ? `${readField(current, 'name')}: ${readField(current, 'message')}` : toSafeJson(current, policy.limits, policy.redactor);
    sections.push(depth === 0 ? body : `Caused by: ${body}`);
    current = isError || typeof current === 'object' ? readField(current as object, 'cause') : undefined;
  }
  if (sections.length === 0) return undefined;
  return safeText(sections.join('\n'), { ...policy, limits: { ...policy.limits, maxStringLength: policy.limits.maxStringLength * 4 } });
}

/** Name, own properties, cause and aggregated errors of an Error, as bounded JSON data. */
function errorData(error: Error, policy: CapturePolicy): Record<string, unknown> | undefined {
  const extra: Record<string, unknown> = {};
  let keys: string[] = [];
  try {
    keys = Object.keys(error);
  } catch {
    // revoked proxy or hostile object: name and stack are all we can give
  }
  for (const key of keys) if (key !== 'stack' && key !== 'message') extra[key] = readField(error, key);
  const name = readField(error, 'name');
  if (name !== 'Error') extra.name = name;
  const cause = readField(error, 'cause');
  if (cause !== undefined) extra.cause = cause;
  if (error instanceof AggregateError) extra.errors = readField(error, 'errors');
  if (Object.keys(extra).length === 0) return undefined;
  return JSON.parse(toSafeJson(extra, policy.limits, policy.redactor)) as Record<string, unknown>;
}

function captureMessage(message: unknown, policy: CapturePolicy): CapturedMessage {
  if (typeof message === 'string') return { text: safeText(message, policy) };
  if (message instanceof Error) {
    return { text: safeText(readField(message, 'message'), policy), stack: stackWithCauses(message, policy), data: errorData(message, policy) };
  }
  if (typeof message === 'function') {
    // Like ConsoleLogger: a class prints its name, a function is a lazy message.
    const source = Function.prototype.toString.call(message);
    if (source.startsWith('class')) return { text: safeText(message.name, policy) };
    try {
      return captureMessage((message as () => unknown)(), policy);
    } catch (error) {
      return { text: `[lazy message threw: ${safeText(error instanceof Error ? error.message : error, policy)}]` };
    }
  }
  if (typeof message === 'object' && message !== null) return { text: toSafeJson(message, policy.limits, policy.redactor) };
  return { text: safeText(typeof message === 'symbol' ? message.toString() : message, policy) };
}

/**
 * Turns one Nest log call into records, one per message as ConsoleLogger
 * prints one line per message. Everything is copied and bounded now, so later
 * mutation of the logged objects cannot change the records.
 */
export function captureRecords(
  level: LogLevel,
  message: unknown,
  optionalParams: unknown[],
  policy: CapturePolicy,
  timestamp: number,
): LogRecord[] {
  const call = parseLogArguments(level, [message, ...optionalParams]);
  const context = call.context === undefined ? undefined : truncateString(call.context, 256);
  const records: LogRecord[] = [];
  const last = call.messages.length - 1;
  call.messages.forEach((item, index) => {
    const captured = captureMessage(item, policy);
    // The stack argument belongs to the call: attach it to its last record.
    const stack = index === last && call.stack !== undefined ? safeText(call.stack, policy) : captured.stack;
    records.push(new LogRecord(level, timestamp, captured.text, context, stack, captured.data));
  });
  if (records.length === 0) records.push(new LogRecord(level, timestamp, '', context, call.stack));
  return records;
}
