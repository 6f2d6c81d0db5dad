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

/** `Owner: option is not an option; expected one of …`: a misspelt name fails instead of being ignored. */
export function unknownOption(owner: string, option: string, known: Iterable<string>): never {
  throw new Error(`${owner}: ${option} is not an option; expected one of ${[...known].join(', ')}`);
}

/** Throws the option error; used by every validator so they all read alike. */
export function invalidOption(owner: string, option: string, expected: string, value: unknown): never {
  throw new Error(optionErrorMessage(owner, option, expected, value));
}

/** A number option: `undefined` gives the default, anything else must be an integer in range. */
export function integerOption(
  owner: string,
  option: string,
  value: unknown,
  fallback: number,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range =
      max === Number.MAX_SAFE_INTEGER
        ? min === 1
          ? 'a positive integer'
          : `an integer of at least ${min}`
        : `an integer from ${min} to ${max}`;
    invalidOption(owner, option, range, value);
  }
  return value;
}

/** A boolean option: `undefined` gives the default. */
export function booleanOption(owner: string, option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') invalidOption(owner, option, 'a boolean', value);
  return value;
}
