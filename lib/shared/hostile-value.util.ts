import { types } from 'util';

/**
 * Helpers that read user values without letting them throw: getters, proxies
 * (revoked ones throw on every trap) and `toString` overrides are user code.
 */

const MAX_DESCRIPTION = 200;

/** An Error from any realm (vm contexts, Jest), or anything inheriting from Error here. */
export function isErrorLike(value: unknown): value is Error {
  try {
    return types.isNativeError(value) || value instanceof Error;
  } catch {
    return false;
  }
}

/** `value[key]`, or a placeholder text when the read throws. */
export function readField(value: object, key: PropertyKey): unknown {
  try {
    return (value as Record<PropertyKey, unknown>)[key];
  } catch (error) {
    return `[Thrown: ${describeFailure(error)}]`;
  }
}

/** One short line about a thrown value, never throwing itself. */
export function describeFailure(error: unknown): string {
  try {
    const text = isErrorLike(error) ? `${String(error.name)}: ${String(error.message)}` : String(error);
    return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION)}…` : text;
  } catch {
    return 'unknown error';
  }
}

/** The class name of an object, `Object` when it has none or hides it. */
export function typeName(value: object): string {
  try {
    const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
    return typeof name === 'string' && name !== '' ? name.slice(0, MAX_DESCRIPTION) : 'Object';
  } catch {
    return 'Object';
  }
}

/** `[Function: name]`, as util.inspect prints it (only `name` is read, guarded: it may be a throwing getter). */
export function describeFunction(value: { readonly name: unknown }): string {
  try {
    const name = value.name;
    return `[Function: ${typeof name === 'string' && name !== '' ? name.slice(0, MAX_DESCRIPTION) : 'anonymous'}]`;
  } catch {
    return '[Function]';
  }
}
