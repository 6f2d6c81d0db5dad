import { nearestName } from './nearest-name.util';

const MAX_SHOWN_VALUE = 120;

/** `null`, `array`, or `typeof`: the type a user recognises in an error message. */
function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (value instanceof RegExp) return 'RegExp';
  return typeof value;
}

/**
 * The value as JSON where JSON can show it, so `"5"` (a string from an
 * environment variable) reads apart from `5`; never throws, bounded.
 */
function showValue(value: unknown): string {
  let shown: string | undefined;
  if (value instanceof RegExp) return String(value).slice(0, MAX_SHOWN_VALUE);
  try {
    // NaN and Infinity are numbers, not the `null` JSON would show.
    shown = typeof value === 'bigint' ? `${value}n` : typeof value === 'number' ? String(value) : JSON.stringify(value);
  } catch {
    shown = undefined; // a cycle, or a throwing toJSON
  }
  if (shown === undefined) {
    try {
      shown = typeof value === 'function' ? `[Function: ${value.name || 'anonymous'}]` : String(value);
    } catch {
      shown = '[unprintable]';
    }
  }
  return shown.length > MAX_SHOWN_VALUE ? `${shown.slice(0, MAX_SHOWN_VALUE)}…` : shown;
}

/** The one form of every option error: `Owner: option must be …; got <value as JSON> (<type>)`. */
export function optionErrorMessage(owner: string, option: string, expected: string, value: unknown): string {
  return `${owner}: ${option} must be ${expected}; got ${showValue(value)} (${typeOf(value)})`;
}

/**
 * `Owner: option is not an option; did you mean …? Expected one of …`: a
 * misspelt name fails at startup instead of being ignored. `option` may be a
 * path (`redact.key`); its last part is compared with `known`.
 */
export function unknownOption(owner: string, option: string, known: Iterable<string>): never {
  const names = [...known];
  const nearest = nearestName(option.slice(option.lastIndexOf('.') + 1), names);
  const hint = nearest === undefined ? '' : ` did you mean ${option.slice(0, option.lastIndexOf('.') + 1)}${nearest}?`;
  throw new Error(`${owner}: ${option} is not an option;${hint} Expected one of ${names.join(', ')}`);
}

/** Rejects an own key of `options` that is not in `known` (see `unknownOption`); `prefix` is its path (`redact.`). */
export function checkKnownKeys(owner: string, options: object, known: readonly string[], prefix = ''): void {
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) unknownOption(owner, `${prefix}${key}`, known);
  }
}

/** An object of options (or `undefined`): anything else is an error naming the option. */
export function objectOption(owner: string, option: string, value: unknown): asserts value is object | undefined {
  if (value !== undefined && (typeof value !== 'object' || value === null || Array.isArray(value)))
    invalidOption(owner, option, 'an object', value);
}

/** One of a fixed set of strings: `undefined` gives the default. */
export function enumOption<T extends string>(owner: string, option: string, value: unknown, allowed: readonly T[], fallback: T): T {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || !allowed.includes(value as T))
    invalidOption(owner, option, `one of ${allowed.map((a) => `'${a}'`).join(', ')}`, value);
  return value as T;
}

/** Throws the option error; used by every validator so they all read alike. */
export function invalidOption(owner: string, option: string, expected: string, value: unknown): never {
  throw new Error(optionErrorMessage(owner, option, expected, value));
}

// Config services (ConfigService.get, process.env) hand out strings: a string
// of digits is read as the number it spells, "true"/"false" as the boolean.
const INTEGER_TEXT = /^\s*[+-]?\d+\s*$/;
const BOOLEAN_TEXT = /^\s*(true|false)\s*$/i;

/**
 * An integer option: `undefined` gives the default; a number, or a string of
 * digits (from a config service), must be an integer in range.
 */
export function integerOption(
  owner: string,
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  const number = typeof value === 'string' && INTEGER_TEXT.test(value) ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isSafeInteger(number) || number < min || number > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer of at least ${min}`
        : `an integer from ${min} to ${max}`;
    invalidOption(owner, option, range, value);
  }
  return number;
}

/** A boolean option: `undefined` gives the default; `"true"`/`"false"` (a config service's strings) are read as booleans. */
export function booleanOption(owner: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value === 'string' && BOOLEAN_TEXT.test(value)) return value.trim().toLowerCase() === 'true';
  if (typeof value !== 'boolean') invalidOption(owner, option, 'a boolean', value);
  return value;
}
