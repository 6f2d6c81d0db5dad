import { DEFAULT_CAPTURE_LIMITS, type CaptureLimits } from './capture-limits.interface';
import type { CapturePolicy } from './capture-records.util';
import type { RedactOptions } from './redact-options.interface';
import { createRedactor } from './redactor';

/**
 * Accepted range of each limit. `maxDepth` stays well inside the call stack;
 * `maxJsonLength` leaves room for a container and its omission marker.
 */
const LIMIT_RANGES: Record<keyof CaptureLimits, [min: number, max: number]> = {
  maxStringLength: [16, Number.MAX_SAFE_INTEGER],
  maxDepth: [1, 100],
  maxBreadth: [1, Number.MAX_SAFE_INTEGER],
  maxNodes: [1, Number.MAX_SAFE_INTEGER],
  maxJsonLength: [256, Number.MAX_SAFE_INTEGER],
};

function resolveLimits(limits: unknown): CaptureLimits {
  if (limits === undefined) return DEFAULT_CAPTURE_LIMITS;
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) throw new Error('captureLimits must be an object');
  const resolved: CaptureLimits = { ...DEFAULT_CAPTURE_LIMITS };
  for (const [name, value] of Object.entries(limits)) {
    const range = Object.prototype.hasOwnProperty.call(LIMIT_RANGES, name) ? LIMIT_RANGES[name as keyof CaptureLimits] : undefined;
    if (range === undefined) throw new Error(`captureLimits.${name} is not a limit (expected one of ${Object.keys(LIMIT_RANGES).join(', ')})`);
    if (value === undefined) continue;
    const [min, max] = range;
    if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
      const bound = max === Number.MAX_SAFE_INTEGER ? `at least ${min}` : `from ${min} to ${max}`;
      throw new Error(`captureLimits.${name} must be an integer ${bound}; got ${String(value)}`);
    }
    resolved[name as keyof CaptureLimits] = value;
  }
  return Object.freeze(resolved);
}

/**
 * The capture policy for the `redact` and `captureLimits` options: redaction
 * with the default key list unless `redact` is `false`. Throws with a message
 * naming the bad option.
 */
export function resolveCapturePolicy(redact: RedactOptions | false | undefined, captureLimits: Partial<CaptureLimits> | undefined): CapturePolicy {
  const limits = resolveLimits(captureLimits);
  if (redact === false) return { limits };
  return { limits, redactor: createRedactor(redact ?? {}) };
}
