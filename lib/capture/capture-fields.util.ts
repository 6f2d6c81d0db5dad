import { describeFailure } from '../shared/hostile-value.util';
import { toSafeJson } from '../serialize/safe-json.util';
import { boundText } from '../serialize/bound-text.util';
import type { CapturePolicy } from './capture-policy.interface';

/** Fields one scope keeps (`IncidentBuffer.assign`): later keys past it are left out and reported. */
export const MAX_FIELDS = 32;
const MAX_KEY_LENGTH = 64;

export interface CapturedFields {
  fields: Readonly<Record<string, unknown>>;
  /** Keys left out because the scope already had `MAX_FIELDS`. */
  refused: number;
}

/**
 * `assign()`: the scope's fields merged with new ones, captured now (copied,
 * bounded, redacted: a secret-named key gets the censor, strings are
 * scrubbed), so later mutation of the values changes nothing and no target
 * ever sees a raw secret. A new object each time: incidents already written
 * keep the fields they had.
 */
export function captureFields(
  current: Readonly<Record<string, unknown>> | undefined,
  added: unknown,
  policy: CapturePolicy,
): CapturedFields {
  const fields: Record<string, unknown> = {};
  if (current !== undefined)
    for (const key of Object.keys(current))
      Object.defineProperty(fields, key, { value: current[key], enumerable: true, writable: true, configurable: true });
  let count = Object.keys(fields).length;
  let refused = 0;
  if (typeof added !== 'object' || added === null) return { fields, refused };
  let keys: string[];
  try {
    keys = Object.keys(added);
  } catch {
    return { fields, refused }; // a proxy that refuses to list its keys
  }
  for (const rawKey of keys) {
    const key = boundText(rawKey, MAX_KEY_LENGTH, policy.redactor);
    if (!Object.prototype.hasOwnProperty.call(fields, key)) {
      if (count >= MAX_FIELDS) {
        refused++;
        continue;
      }
      count++;
    }
    // defineProperty: a key named `__proto__` is a field like any other, not the prototype.
    Object.defineProperty(fields, key, {
      value: captureValue(rawKey, added, policy),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return { fields, refused };
}

function captureValue(key: string, from: object, policy: CapturePolicy): unknown {
  const redactor = policy.redactor;
  if (redactor?.isSecretKey(key)) return redactor.censor;
  let value: unknown;
  try {
    value = (from as Record<string, unknown>)[key];
  } catch (error) {
    return boundText(`[Thrown by getter: ${describeFailure(error)}]`, policy.limits.maxStringLength, redactor);
  }
  if (typeof value === 'string') return boundText(value, policy.limits.maxStringLength, redactor);
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  // Objects, bigints, symbols, functions: the safe serialiser's bounded, redacted JSON, read back as data.
  return JSON.parse(toSafeJson(value, policy.limits, redactor)) as unknown;
}
