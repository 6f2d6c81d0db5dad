import type { CaptureLimits, Redactor } from './capture-limits.interface';
import { truncateString } from './truncate.util';

interface WalkState {
  limits: CaptureLimits;
  redactor?: Redactor;
  nodes: number;
  length: number;
  ancestors: Set<object>;
}

function describeFailure(error: unknown): string {
  try {
    return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  } catch {
    return 'unknown error';
  }
}

function jsonString(value: string, state: WalkState): string {
  const scrubbed = state.redactor ? state.redactor.scrub(value) : value;
  return JSON.stringify(truncateString(scrubbed, state.limits.maxStringLength));
}

function typeName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name ? name : 'Object';
  } catch {
    return 'Object';
  }
}

function walkPrimitive(value: unknown, state: WalkState): string | undefined {
  switch (typeof value) {
    case 'string':
      return jsonString(value, state);
    case 'number':
      return Number.isFinite(value) ? String(Object.is(value, -0) ? 0 : value) : JSON.stringify(String(value));
    case 'boolean':
      return value ? 'true' : 'false';
    case 'bigint':
      return JSON.stringify(`${value}n`);
    case 'symbol':
      return JSON.stringify(value.toString());
    case 'function':
      return JSON.stringify(`[Function: ${value.name || 'anonymous'}]`);
    case 'undefined':
      return undefined;
    default:
      return value === null ? 'null' : undefined;
  }
}

function errorEntries(error: Error): Array<[string, unknown]> {
  const entries: Array<[string, unknown]> = [
    ['name', error.name],
    ['message', error.message],
    ['stack', error.stack],
  ];
  for (const key of Object.keys(error)) {
    if (key !== 'name' && key !== 'message' && key !== 'stack') entries.push([key, (error as any)[key]]);
  }
  if ('cause' in error && !Object.keys(error).includes('cause')) entries.push(['cause', error.cause]);
  if (error instanceof AggregateError) entries.push(['errors', error.errors]);
  return entries;
}

function walkEntries(entries: Iterable<[unknown, unknown]>, total: number, depth: number, state: WalkState): string {
  const parts: string[] = [];
  let kept = 0;
  for (const [rawKey, rawValue] of entries) {
    if (kept >= state.limits.maxBreadth) break;
    kept++;
    const key = typeof rawKey === 'string' ? rawKey : String(rawKey);
    if (state.redactor?.isSecretKey(key)) {
      parts.push(`${JSON.stringify(truncateString(key, state.limits.maxStringLength))}:${JSON.stringify(state.redactor.censor)}`);
      continue;
    }
    const encoded = walk(rawValue, depth + 1, state);
    if (encoded !== undefined) parts.push(`${JSON.stringify(truncateString(key, state.limits.maxStringLength))}:${encoded}`);
  }
  if (total > kept) parts.push(`"…":${JSON.stringify(`${total - kept} more keys`)}`);
  return `{${parts.join(',')}}`;
}

function walkItems(items: ArrayLike<unknown> | Iterable<unknown>, total: number, depth: number, state: WalkState): string {
  const parts: string[] = [];
  let kept = 0;
  for (const item of Array.isArray(items) ? items : (items as Iterable<unknown>)) {
    if (kept >= state.limits.maxBreadth) break;
    kept++;
    parts.push(walk(item, depth + 1, state) ?? 'null');
  }
  if (total > kept) parts.push(JSON.stringify(`… ${total - kept} more items`));
  return `[${parts.join(',')}]`;
}

function ownEntries(value: object): Array<[string, unknown]> {
  // Own enumerable string keys, read one by one so a throwing getter spoils only its own field.
  const out: Array<[string, unknown]> = [];
  for (const key of Object.keys(value)) {
    let field: unknown;
    try {
      field = (value as Record<string, unknown>)[key];
    } catch (error) {
      field = `[Thrown: ${describeFailure(error)}]`;
    }
    out.push([key, field]);
  }
  return out;
}

function walkObject(value: object, depth: number, state: WalkState): string {
  if (value instanceof Date) return JSON.stringify(Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString());
  if (Buffer.isBuffer(value)) return JSON.stringify(`[Buffer: ${value.length} bytes]`);
  if (ArrayBuffer.isView(value)) return JSON.stringify(`[${typeName(value)}: ${value.byteLength} bytes]`);
  if (value instanceof ArrayBuffer) return JSON.stringify(`[ArrayBuffer: ${value.byteLength} bytes]`);
  if (value instanceof RegExp) return JSON.stringify(String(value));
  if (value instanceof WeakMap || value instanceof WeakSet || value instanceof Promise) {
    return JSON.stringify(`[${typeName(value)}]`);
  }
  if (depth >= state.limits.maxDepth) return JSON.stringify(Array.isArray(value) ? '[Array]' : `[${typeName(value)}]`);
  if (value instanceof Error) {
    const entries = errorEntries(value);
    return walkEntries(entries, entries.length, depth, state);
  }
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return walk(toJSON.call(value), depth + 1, state) ?? 'null';
  if (Array.isArray(value)) return walkItems(value, value.length, depth, state);
  if (value instanceof Map) return walkEntries(value.entries(), value.size, depth, state);
  if (value instanceof Set) return walkItems(value.values(), value.size, depth, state);
  const entries = ownEntries(value);
  return walkEntries(entries, entries.length, depth, state);
}

function walk(value: unknown, depth: number, state: WalkState): string | undefined {
  if (state.nodes >= state.limits.maxNodes || state.length >= state.limits.maxJsonLength) return '"[…]"';
  state.nodes++;
  let out: string | undefined;
  if (typeof value !== 'object' || value === null) {
    out = walkPrimitive(value, state);
  } else if (state.ancestors.has(value)) {
    out = '"[Circular]"';
  } else {
    state.ancestors.add(value);
    try {
      out = walkObject(value, depth, state);
    } catch (error) {
      out = JSON.stringify(`[Unserializable: ${describeFailure(error)}]`);
    } finally {
      state.ancestors.delete(value);
    }
  }
  if (out !== undefined) state.length += out.length;
  return out;
}

/**
 * JSON text for any value, bounded by `limits`, with secrets redacted. Never
 * throws and never mutates or retains the value: cycles become "[Circular]",
 * throwing getters/toJSON/proxies become "[Thrown: …]"/"[Unserializable: …]",
 * BigInt/Symbol/functions become strings, binary data a byte count.
 */
export function toSafeJson(value: unknown, limits: CaptureLimits, redactor?: Redactor): string {
  const state: WalkState = { limits, redactor, nodes: 0, length: 0, ancestors: new Set() };
  try {
    return walk(value, 0, state) ?? 'null';
  } catch (error) {
    // Stack overflow or a failure in our own code: still a valid, honest result.
    return JSON.stringify(`[Unserializable: ${describeFailure(error)}]`);
  }
}
