import { types } from 'util';
import { boundText } from './bound-text.util';
import type { CaptureLimits } from '../interfaces/capture-limits.interface';
import type { Redactor } from '../redact/redactor.interface';
import { describeFailure, describeFunction, isErrorLike, readField, typeName } from '../shared/hostile-value.util';

/** What writing one value did. */
const WROTE = 0;
/** `undefined`: omitted from objects, `null` in arrays, as JSON.stringify does. */
const NOTHING = 1;
/** Out of output or node budget: nothing was written, the container closes with a marker. */
const NO_ROOM = 2;
type Outcome = typeof WROTE | typeof NOTHING | typeof NO_ROOM;

/**
 * Output kept free by every open container for its omission marker and its
 * closing bracket (`,"…":"9007199254740991 more keys"}` is 34 characters), so
 * a cut container still closes within `maxJsonLength`.
 */
const CONTAINER_RESERVE = 40;
/** Room a cut string needs beyond its text: quotes and the truncation marker. */
const STRING_OVERHEAD = 40;
const NO_ROOM_JSON = '"[…]"';

type Key = string | symbol;

interface WalkState {
  readonly limits: CaptureLimits;
  readonly redactor?: Redactor;
  readonly chunks: string[];
  /** Characters in `chunks`. */
  length: number;
  /** Characters promised to the open containers (see CONTAINER_RESERVE). */
  reserved: number;
  /** Values visited, against `maxNodes`. */
  nodes: number;
  /** Objects on the path from the root: a cycle, not a shared reference. */
  readonly ancestors: Set<object>;
}

interface Mark {
  chunks: number;
  length: number;
  reserved: number;
}

function room(state: WalkState): number {
  return state.limits.maxJsonLength - state.length - state.reserved;
}

function emit(state: WalkState, text: string): void {
  state.chunks.push(text);
  state.length += text.length;
}

function mark(state: WalkState): Mark {
  return { chunks: state.chunks.length, length: state.length, reserved: state.reserved };
}

function rollback(state: WalkState, to: Mark): void {
  state.chunks.length = to.chunks;
  state.length = to.length;
  state.reserved = to.reserved;
}

function writeRaw(state: WalkState, json: string): Outcome {
  if (json.length > room(state)) return NO_ROOM;
  emit(state, json);
  return WROTE;
}

/** A string value, scrubbed and cut to `maxStringLength`, or shorter if the output is nearly full. */
function writeString(state: WalkState, text: string): Outcome {
  const { maxStringLength } = state.limits;
  const json = JSON.stringify(boundText(text, maxStringLength, state.redactor));
  if (json.length <= room(state)) return writeRaw(state, json);
  // Cut to the room left; if escapes make it too long, every character fits in six.
  const space = room(state) - STRING_OVERHEAD;
  for (const max of [space, Math.floor(space / 6)]) {
    if (max < 1) break;
    const cut = JSON.stringify(boundText(text, Math.min(max, maxStringLength), state.redactor));
    if (cut.length <= room(state)) return writeRaw(state, cut);
  }
  return NO_ROOM;
}

function writeKey(state: WalkState, key: Key, first: boolean): void {
  const text = typeof key === 'symbol' ? key.toString() : key;
  emit(state, `${first ? '' : ','}${JSON.stringify(boundText(text, state.limits.maxStringLength, state.redactor))}:`);
}

function isSecret(state: WalkState, key: Key): boolean {
  if (state.redactor === undefined) return false;
  return state.redactor.isSecretKey(typeof key === 'symbol' ? (key.description ?? '') : key);
}

/**
 * `{…}` from lazily produced entries: only the kept entries are read. Stops at
 * `maxBreadth`, the node budget or the output budget, then says how many
 * entries were left out.
 */
function writeEntries(state: WalkState, entries: Iterator<[Key, unknown]>, total: number, depth: number): Outcome {
  if (room(state) < CONTAINER_RESERVE + 1) return NO_ROOM;
  emit(state, '{');
  state.reserved += CONTAINER_RESERVE;
  let consumed = 0;
  let written = 0;
  while (consumed < state.limits.maxBreadth && state.nodes < state.limits.maxNodes) {
    const step = entries.next();
    if (step.done) break;
    const [key, value] = step.value;
    const before = mark(state);
    writeKey(state, key, written === 0);
    let outcome: Outcome = NO_ROOM;
    if (room(state) >= 0) {
      if (isSecret(state, key)) {
        state.nodes++;
        outcome = writeRaw(state, JSON.stringify((state.redactor as Redactor).censor));
      } else {
        outcome = walk(value, depth + 1, state);
      }
    }
    if (outcome === NO_ROOM) {
      rollback(state, before);
      break;
    }
    consumed++;
    if (outcome === NOTHING) rollback(state, before);
    else written++;
  }
  state.reserved -= CONTAINER_RESERVE;
  const omitted = total - consumed;
  if (omitted > 0) emit(state, `${written === 0 ? '' : ','}"…":"${omitted} more keys"`);
  emit(state, '}');
  return WROTE;
}

/** `[…]` from lazily produced items, with the same budgets as `writeEntries`. */
function writeItems(state: WalkState, items: Iterator<unknown>, total: number, depth: number): Outcome {
  if (room(state) < CONTAINER_RESERVE + 1) return NO_ROOM;
  emit(state, '[');
  state.reserved += CONTAINER_RESERVE;
  let consumed = 0;
  while (consumed < state.limits.maxBreadth && state.nodes < state.limits.maxNodes) {
    const step = items.next();
    if (step.done) break;
    const before = mark(state);
    if (consumed > 0) emit(state, ',');
    let outcome = room(state) >= 0 ? walk(step.value, depth + 1, state) : NO_ROOM;
    if (outcome === NOTHING) outcome = writeRaw(state, 'null');
    if (outcome === NO_ROOM) {
      rollback(state, before);
      break;
    }
    consumed++;
  }
  state.reserved -= CONTAINER_RESERVE;
  const omitted = total - consumed;
  if (omitted > 0) emit(state, `${consumed === 0 ? '' : ','}"… ${omitted} more items"`);
  emit(state, ']');
  return WROTE;
}

function* objectEntries(value: object, keys: Key[]): Iterator<[Key, unknown]> {
  // Read one by one, when kept: a throwing getter spoils only its own field.
  for (const key of keys) yield [key, readField(value, key)];
}

function ownKeys(value: object): Key[] {
  const keys: Key[] = Object.keys(value);
  for (const symbol of Object.getOwnPropertySymbols(value)) {
    if (Object.prototype.propertyIsEnumerable.call(value, symbol)) keys.push(symbol);
  }
  return keys;
}

function* arrayItems(value: unknown[], length: number): Iterator<unknown> {
  for (let index = 0; index < length; index++) yield readField(value, index);
}

function mapKey(key: unknown): Key {
  if (typeof key === 'string' || typeof key === 'symbol') return key;
  if (typeof key === 'function') return describeFunction(key);
  if (typeof key === 'object' && key !== null) return `[${typeName(key)}]`;
  return String(key);
}

function* mapEntries(value: Map<unknown, unknown>): Iterator<[Key, unknown]> {
  // The intrinsic iterator: a subclass overriding entries() is not called.
  for (const [key, item] of Map.prototype.entries.call(value)) yield [mapKey(key), item];
}

/** Name, message, stack, own properties, cause and aggregated errors: never `{}`. */
function errorKeys(error: Error): Key[] {
  const keys: Key[] = ['name', 'message', 'stack'];
  for (const key of ownKeys(error)) if (key !== 'name' && key !== 'message' && key !== 'stack') keys.push(key);
  // `cause` and `errors` are own but not enumerable.
  if (!keys.includes('cause') && 'cause' in error) keys.push('cause');
  if (!keys.includes('errors') && error instanceof AggregateError) keys.push('errors');
  return keys;
}

/** Web containers that keep their data in internal slots, not own properties. */
function webContainerEntries(value: object): Array<[string, unknown]> | undefined {
  const classes = [globalThis.Headers, globalThis.URLSearchParams, globalThis.FormData];
  for (const type of classes) {
    if (typeof type === 'function' && value instanceof type) return [...(value as { entries(): Iterable<[string, unknown]> }).entries()];
  }
  return undefined;
}

/** What an object becomes once it is too deep to expand. */
function summary(value: object): string {
  if (isErrorLike(value)) return `[${String(readField(value, 'name'))}: ${String(readField(value, 'message'))}]`;
  if (Array.isArray(value)) return `[Array(${value.length})]`;
  if (types.isMap(value)) return `[Map(${(value as Map<unknown, unknown>).size})]`;
  if (types.isSet(value)) return `[Set(${(value as Set<unknown>).size})]`;
  return `[${typeName(value)}]`;
}

/** Types summarised rather than expanded: binary data is never copied. */
function opaque(value: object): string | undefined {
  if (types.isDate(value)) {
    const time = Date.prototype.getTime.call(value);
    return Number.isNaN(time) ? 'Invalid Date' : Date.prototype.toISOString.call(value);
  }
  if (Buffer.isBuffer(value)) return `[Buffer: ${value.length} bytes]`;
  if (ArrayBuffer.isView(value)) return `[${types.isDataView(value) ? 'DataView' : typeName(value)}: ${value.byteLength} bytes]`;
  if (types.isArrayBuffer(value)) return `[ArrayBuffer: ${value.byteLength} bytes]`;
  if (types.isSharedArrayBuffer(value)) return `[SharedArrayBuffer: ${value.byteLength} bytes]`;
  if (types.isRegExp(value)) return RegExp.prototype.toString.call(value);
  if (types.isPromise(value)) return '[Promise]';
  if (types.isWeakMap(value)) return '[WeakMap]';
  if (types.isWeakSet(value)) return '[WeakSet]';
  if (typeof WeakRef === 'function' && value instanceof WeakRef) return '[WeakRef]';
  if (typeof Blob === 'function' && value instanceof Blob) return `[${typeName(value)}: ${value.size} bytes]`;
  return undefined;
}

function writeObject(value: object, depth: number, state: WalkState): Outcome {
  const text = opaque(value);
  if (text !== undefined) return writeString(state, text);
  if (depth >= state.limits.maxDepth) return writeString(state, summary(value));
  if (isErrorLike(value)) {
    const keys = errorKeys(value);
    return writeEntries(state, objectEntries(value, keys), keys.length, depth);
  }
  const webEntries = webContainerEntries(value);
  if (webEntries) return writeEntries(state, webEntries[Symbol.iterator](), webEntries.length, depth);
  const toJSON = readField(value, 'toJSON');
  if (typeof toJSON === 'function') {
    const replaced: unknown = toJSON.call(value, '');
    // Same depth, as JSON.stringify; the node budget ends toJSON chains.
    if (replaced !== value) return walk(replaced, depth, state);
  }
  if (Array.isArray(value)) {
    const length = value.length;
    return writeItems(state, arrayItems(value, length), length, depth);
  }
  if (types.isMap(value))
    return writeEntries(state, mapEntries(value as Map<unknown, unknown>), (value as Map<unknown, unknown>).size, depth);
  if (types.isSet(value)) return writeItems(state, Set.prototype.values.call(value), (value as Set<unknown>).size, depth);
  const keys = ownKeys(value);
  return writeEntries(state, objectEntries(value, keys), keys.length, depth);
}

function writePrimitive(value: unknown, state: WalkState): Outcome {
  switch (typeof value) {
    case 'string':
      return writeString(state, value);
    case 'number':
      // -0 prints as 0, like JSON; NaN and ±Infinity as text instead of a silent null.
      return Number.isFinite(value) ? writeRaw(state, String(value)) : writeRaw(state, `"${String(value)}"`);
    case 'boolean':
      return writeRaw(state, value ? 'true' : 'false');
    case 'bigint':
      return writeString(state, `${value}n`);
    case 'symbol':
      return writeString(state, value.toString());
    case 'function':
      return writeString(state, describeFunction(value));
    case 'undefined':
      return NOTHING;
    default:
      return writeRaw(state, 'null');
  }
}

function walk(value: unknown, depth: number, state: WalkState): Outcome {
  if (state.nodes >= state.limits.maxNodes) return NO_ROOM;
  state.nodes++;
  if (typeof value !== 'object' || value === null) return writePrimitive(value, state);
  if (state.ancestors.has(value)) return writeRaw(state, '"[Circular]"');
  const before = mark(state);
  state.ancestors.add(value);
  try {
    return writeObject(value, depth, state);
  } catch (error) {
    // A revoked proxy, a throwing toJSON or trap: this value only becomes a placeholder.
    rollback(state, before);
    return writeString(state, `[Unserializable: ${describeFailure(error)}]`);
  } finally {
    state.ancestors.delete(value);
  }
}

function newState(limits: CaptureLimits, redactor: Redactor | undefined): WalkState {
  return { limits, redactor, chunks: [], length: 0, reserved: 0, nodes: 0, ancestors: new Set() };
}

/**
 * JSON text for any value, bounded by `limits`, with secrets redacted. Never
 * throws, never mutates and never keeps the value:
 * - cycles become "[Circular]"; shared (acyclic) references are expanded
 *   again, within the node budget;
 * - a throwing getter, toJSON or proxy trap becomes "[Thrown: …]" /
 *   "[Unserializable: …]" for that value only;
 * - BigInt, Symbol, functions, NaN/Infinity, invalid Dates become strings;
 *   binary data a byte count; Errors keep name, message, stack, own
 *   properties, cause and aggregated errors;
 * - strings are cut at `maxStringLength`, containers at `maxDepth` /
 *   `maxBreadth`, the walk at `maxNodes` values, with markers saying what was
 *   left out; the result is at most `maxJsonLength` characters;
 * - the text shares no storage with the value's strings (each one is written
 *   through `JSON.stringify`, which builds a new string), so it needs no
 *   `detachString` copy to keep a slice's large parent out of a buffer.
 * Plain JSON data within the limits gives exactly `JSON.stringify(value)`.
 */
export function toSafeJson(value: unknown, limits: CaptureLimits, redactor?: Redactor): string {
  const state = newState(limits, redactor);
  try {
    const outcome = walk(value, 0, state);
    if (outcome === WROTE) return state.chunks.join('');
    return outcome === NOTHING ? 'null' : NO_ROOM_JSON;
  } catch (error) {
    // A failure of this code itself (e.g. stack exhausted): still valid, bounded JSON.
    const fallback = newState(limits, redactor);
    return writeString(fallback, `[Unserializable: ${describeFailure(error)}]`) === WROTE ? fallback.chunks.join('') : NO_ROOM_JSON;
  }
}
