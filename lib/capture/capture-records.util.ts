import type { LogLevel } from '@nestjs/common';
import { cachedSecretKeyTest } from '../redact/secret-key-cache.util';
import { boundText } from '../serialize/bound-text.util';
import { detachString } from '../serialize/detach-string.util';
import { toFastJson } from '../serialize/fast-json.util';
import { toSafeJson } from '../serialize/safe-json.util';
import { truncateString } from '../serialize/truncate.util';
import { describeFailure, describeFunction, isErrorLike, readField } from '../shared/hostile-value.util';
import type { CapturePolicy } from './capture-policy.interface';
import { LogRecord } from './log-record';
import { parseLogArguments } from './parse-log-arguments.util';

interface CapturedMessage {
  text: string;
  stack?: string;
  data?: Record<string, unknown>;
}

const MAX_CAUSE_DEPTH = 8;
/** A lazy message may return another function; this many are called, no more. */
const MAX_LAZY_DEPTH = 3;
const MAX_CONTEXT_LENGTH = 256;
/** A stack with its `Caused by:` sections may be this many times `maxStringLength`. */
const STACK_LENGTH_FACTOR = 4;
/** Error fields that have their own place in a record, or are behaviour. */
const NOT_ERROR_DATA = new Set(['message', 'stack', 'toJSON']);

/**
 * Every captured string leaves through here: bounded, scrubbed and detached
 * (a copy), since a slice of a large string would pin all of it in a buffer.
 * Strings in `toSafeJson`'s output and `JSON.parse`'d data are new already.
 */
function safeText(value: unknown, policy: CapturePolicy, max = policy.limits.maxStringLength): string {
  let text: string;
  try {
    text = typeof value === 'string' ? value : String(value);
  } catch (error) {
    text = `[unprintable: ${describeFailure(error)}]`;
  }
  return detachString(boundText(text, max, policy.redactor));
}

/** The stack of an error followed by `Caused by:` sections for its cause chain. */
function stackWithCauses(error: Error, policy: CapturePolicy): string | undefined {
  const max = policy.limits.maxStringLength * STACK_LENGTH_FACTOR;
  const sections: string[] = [];
  const seen = new Set<unknown>();
  let length = 0;
  let current: unknown = error;
  for (let depth = 0; current !== undefined && current !== null; depth++) {
    if (depth >= MAX_CAUSE_DEPTH || length >= max) {
      sections.push('Caused by: […]');
      break;
    }
    if (seen.has(current)) {
      sections.push('Caused by: [Circular]');
      break;
    }
    seen.add(current);
    let body: string;
    if (isErrorLike(current)) {
      const stack = readField(current, 'stack');
      body =
        typeof stack === 'string'
          ? stack
          : `${safeText(readField(current, 'name'), policy)}: ${safeText(readField(current, 'message'), policy)}`;
    } else {
      body = toSafeJson(current, policy.limits, policy.redactor);
    }
    // Each section is bounded before joining: no full copy of a huge stack.
    body = safeText(body, policy, max);
    sections.push(depth === 0 ? body : `Caused by: ${body}`);
    length += body.length;
    current = typeof current === 'object' || typeof current === 'function' ? readField(current, 'cause') : undefined;
  }
  return sections.length === 0 ? undefined : truncateString(sections.join('\n'), max);
}

/** Name, own properties, cause and aggregated errors of an Error, as bounded JSON data. */
function errorData(error: Error, policy: CapturePolicy): Record<string, unknown> | undefined {
  // Null prototype: an own `__proto__` key of the error is copied as data, not as a prototype.
  const extra: Record<string, unknown> = Object.create(null);
  const name = readField(error, 'name');
  if (name !== 'Error') extra.name = name;
  let keys: string[] = [];
  try {
    keys = Object.keys(error);
  } catch {
    // A hostile object (e.g. a proxy): name, message and stack are all we can give.
  }
  for (const key of keys) if (!NOT_ERROR_DATA.has(key)) extra[key] = readField(error, key);
  try {
    if (!('cause' in extra) && 'cause' in error) extra.cause = readField(error, 'cause');
    if (error instanceof AggregateError) extra.errors = readField(error, 'errors');
  } catch {
    // Same as above.
  }
  if (Object.keys(extra).length === 0) return undefined;
  const parsed: unknown = JSON.parse(toSafeJson(extra, policy.limits, policy.redactor));
  return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : { value: parsed };
}

function captureMessage(message: unknown, policy: CapturePolicy, lazyDepth = 0): CapturedMessage {
  if (typeof message === 'string') return { text: safeText(message, policy) };
  if (isErrorLike(message)) {
    return {
      text: safeText(readField(message, 'message'), policy),
      stack: stackWithCauses(message, policy),
      data: errorData(message, policy),
    };
  }
  if (typeof message === 'function') {
    // Like ConsoleLogger: a class prints its name, a function is a lazy message.
    let source = '';
    try {
      source = Function.prototype.toString.call(message);
    } catch {
      // A revoked function proxy: not a class.
    }
    if (source.startsWith('class')) return { text: safeText(readField(message, 'name'), policy) };
    if (lazyDepth >= MAX_LAZY_DEPTH) return { text: safeText(describeFunction(message), policy) };
    let produced: unknown;
    try {
      produced = (message as () => unknown)();
    } catch (error) {
      return { text: `[lazy message threw: ${safeText(describeFailure(error), policy)}]` };
    }
    return captureMessage(produced, policy, lazyDepth + 1);
  }
  if (typeof message === 'object' && message !== null) {
    // Plain data in one quick walk; whatever it leaves (see toFastJson) takes the safe walk.
    const { limits, redactor } = policy;
    const fast = redactor
      ? toFastJson(message, limits, cachedSecretKeyTest(redactor), (text) => redactor.scrub(text))
      : toFastJson(message, limits);
    return { text: fast ?? toSafeJson(message, limits, redactor) };
  }
  return { text: safeText(typeof message === 'symbol' ? message.toString() : message, policy) };
}

function captureMessageSafely(message: unknown, policy: CapturePolicy): CapturedMessage {
  try {
    return captureMessage(message, policy);
  } catch (error) {
    // Nothing a logged value does may cost the record (or the caller).
    return { text: detachString(`[capture failed: ${describeFailure(error)}]`) };
  }
}

/**
 * Turns one Nest log call into records, one per message as ConsoleLogger
 * prints one line per message: the slow path (errors, several messages, long
 * strings, values that need the safe serialiser, and every trigger).
 * Everything is copied, bounded and redacted now, so the records hold no
 * reference to the logged values (later mutation does not change them). The
 * engine's hot paths buffer raw records instead (see RecordScrubber).
 */
export function captureRecords(
  level: LogLevel,
  message: unknown,
  optionalParams: unknown[],
  policy: CapturePolicy,
  timestamp: number,
): LogRecord[] {
  const call = parseLogArguments(level, [message, ...optionalParams]);
  // The trailing string is the context to Nest, even when it was meant as data: scrub it too.
  const context = call.context === undefined ? undefined : safeText(call.context, policy, MAX_CONTEXT_LENGTH);
  const stack = call.stack === undefined ? undefined : safeText(call.stack, policy, policy.limits.maxStringLength * STACK_LENGTH_FACTOR);
  const records: LogRecord[] = [];
  const last = call.messages.length - 1;
  call.messages.forEach((item, index) => {
    const captured = captureMessageSafely(item, policy);
    // The stack argument belongs to the call: attach it to its last record.
    records.push(
      new LogRecord(
        level,
        timestamp,
        captured.text,
        context,
        index === last && stack !== undefined ? stack : captured.stack,
        captured.data,
      ),
    );
  });
  if (records.length === 0) records.push(new LogRecord(level, timestamp, '', context, stack));
  return records;
}
