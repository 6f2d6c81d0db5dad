import { types } from 'util';
import { detachString } from './detach-string.util';
import type { CaptureLimits } from '../interfaces/capture-limits.interface';

/**
 * Output `toSafeJson` keeps free for each open container (its CONTAINER_RESERVE).
 * While the text written plus this much per container fits in `maxJsonLength`,
 * `toSafeJson` cuts nothing, so the text here is the whole of its output.
 */
const CONTAINER_RESERVE = 40;
/** Strings this short are scanned here for characters JSON escapes; longer ones go to JSON.stringify directly. */
const SCAN_LIMIT = 64;

interface FastState {
  readonly limits: CaptureLimits;
  readonly isSecretKey: ((key: string) => boolean) | undefined;
  readonly scrub: ((text: string) => string) | undefined;
  out: string;
  /** Values visited, counted as `toSafeJson` counts them (an `undefined` field too). */
  nodes: number;
  /** Most containers open at once: each holds CONTAINER_RESERVE characters back in `toSafeJson`. */
  maxOpen: number;
}

/** Whether `extra` more characters leave `toSafeJson` room for every container's reserve. */
function fits(state: FastState, extra = 0): boolean {
  return state.out.length + extra + CONTAINER_RESERVE * state.maxOpen <= state.limits.maxJsonLength;
}

/** Whether JSON.stringify writes `text` as is between quotes (most keys and short values). */
function isJsonSafe(text: string): boolean {
  if (text.length > SCAN_LIMIT) return false;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    // Control characters, `"`, `\` and surrogates (JSON escapes a lone one).
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return false;
  }
  return true;
}

/** `JSON.stringify(text)`, without its call when nothing needs escaping. */
function quote(text: string): string {
  return isJsonSafe(text) ? `"${text}"` : JSON.stringify(text);
}

/** A key or string value as `boundText` keeps it when no cut is needed; `undefined` when it would be cut. */
function keptText(text: string, state: FastState): string | undefined {
  const max = state.limits.maxStringLength;
  if (text.length > max) return undefined;
  const kept = state.scrub === undefined ? text : state.scrub(text);
  return kept.length <= max ? kept : undefined;
}

/**
 * Objects `toSafeJson` walks as plain data: prototype Object.prototype or
 * null, and no internal slots (a Date, Map, typed array… with a swapped
 * prototype is still written as one there). A proxy is left to it as well:
 * its traps may answer differently each time they are asked.
 */
function isPlainObject(value: object): boolean {
  if (types.isProxy(value)) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return false;
  // The tag names a Date, RegExp, Error, arguments or boxed primitive; the rest need their own checks.
  if (Object.prototype.toString.call(value) !== '[object Object]' || ArrayBuffer.isView(value) || types.isAnyArrayBuffer(value))
    return false;
  return !(types.isMap(value) || types.isSet(value) || types.isWeakMap(value) || types.isWeakSet(value) || types.isPromise(value));
}

function isPlainArray(value: object): value is unknown[] {
  return Array.isArray(value) && !types.isProxy(value) && Object.getPrototypeOf(value) === Array.prototype;
}

function writeString(text: string, state: FastState): boolean {
  const kept = keptText(text, state);
  if (kept === undefined) return false;
  state.out += quote(kept);
  return fits(state);
}

function writeItems(value: unknown[], depth: number, state: FastState): boolean {
  const length = value.length;
  if (length > state.limits.maxBreadth) return false;
  state.out += '[';
  for (let index = 0; index < length; index++) {
    if (index > 0) state.out += ',';
    // A hole reads as `undefined`, here as in toSafeJson: both write null.
    if (!writeValue(value[index], depth + 1, state)) return false;
  }
  state.out += ']';
  return true;
}

function writeEntries(value: Record<string, unknown>, depth: number, state: FastState): boolean {
  const keys = Object.keys(value);
  if (keys.length > state.limits.maxBreadth) return false;
  // toSafeJson writes enumerable symbol keys; any symbol at all is left to it.
  if (Object.getOwnPropertySymbols(value).length > 0) return false;
  state.out += '{';
  let written = 0;
  for (let index = 0; index < keys.length; index++) {
    const key = keys[index];
    // The safe path writes the censor in its place.
    if (state.isSecretKey !== undefined && state.isSecretKey(key)) return false;
    const keptKey = keptText(key, state);
    if (keptKey === undefined) return false;
    const item = value[key];
    if (item === undefined) {
      // Omitted, as JSON.stringify does; toSafeJson writes its key first, then takes it back: it must fit meanwhile.
      if (++state.nodes > state.limits.maxNodes || !fits(state, quote(keptKey).length + 2)) return false;
      continue;
    }
    // Fewest concatenations: the key's text goes in as is between its quotes, when it can.
    const separator = written === 0 ? '' : ',';
    state.out += isJsonSafe(keptKey) ? `${separator}"${keptKey}":` : `${separator}${JSON.stringify(keptKey)}:`;
    if (!writeValue(item, depth + 1, state)) return false;
    written++;
  }
  state.out += '}';
  return true;
}

function writeContainer(value: object, depth: number, state: FastState): boolean {
  // Deeper containers are summarised by toSafeJson; a cycle always ends up here.
  if (depth >= state.limits.maxDepth) return false;
  const isArray = isPlainArray(value);
  if (!isArray && !isPlainObject(value)) return false;
  if ((value as { toJSON?: unknown }).toJSON !== undefined) return false;
  if (depth + 1 > state.maxOpen) state.maxOpen = depth + 1;
  return isArray ? writeItems(value, depth, state) : writeEntries(value as Record<string, unknown>, depth, state);
}

function writeValue(value: unknown, depth: number, state: FastState): boolean {
  if (++state.nodes > state.limits.maxNodes) return false;
  switch (typeof value) {
    case 'string':
      return writeString(value, state);
    case 'number':
      // As toSafeJson: -0 prints as 0, NaN and ±Infinity as text.
      state.out += Number.isFinite(value) ? String(value) : `"${String(value)}"`;
      return true;
    case 'boolean':
      state.out += value ? 'true' : 'false';
      return true;
    case 'undefined':
      state.out += 'null';
      return true;
    case 'object':
      if (value !== null) return writeContainer(value, depth, state);
      state.out += 'null';
      return true;
    default:
      // BigInt, Symbol, functions: toSafeJson describes them.
      return false;
  }
}

/**
 * The JSON text `toSafeJson(value, limits)` gives for plain data (plain
 * objects and arrays, strings, numbers, booleans, null), found in one walk
 * that does none of the safe path's work for what plain data never needs; or
 * `undefined` whenever that text could differ or be cut, then the caller uses
 * `toSafeJson`: a cycle or a limit reached, anything else (class instances,
 * Dates, Maps, Buffers, Errors, proxies, toJSON, symbols, BigInt, functions),
 * a key `isSecretKey` names, a getter that throws. The walk stops at the
 * first of these, so its work is bounded by the limits (plus one
 * `Object.keys` per object, as in the safe path).
 *
 * Strings are not scrubbed unless `scrub` is given; then each key and string
 * is passed through it, as `toSafeJson` does with a redactor's `scrub`.
 * The text is a copy sharing no storage with the value's strings.
 */
export function toFastJson(
  value: unknown,
  limits: CaptureLimits,
  isSecretKey?: (key: string) => boolean,
  scrub?: (text: string) => string,
): string | undefined {
  const state: FastState = { limits, isSecretKey, scrub, out: '', nodes: 0, maxOpen: 0 };
  try {
    if (!writeValue(value, 0, state) || !fits(state)) return undefined;
  } catch {
    // A getter (or isSecretKey, scrub) threw: the safe path writes a placeholder for that field.
    return undefined;
  }
  return detachString(state.out);
}
