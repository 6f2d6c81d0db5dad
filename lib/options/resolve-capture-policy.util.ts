import type { CapturePolicy } from '../capture/capture-policy.interface';
import { DEFAULT_CAPTURE_LIMITS, type CaptureLimits } from '../interfaces/capture-limits.interface';
import type { RedactOptions } from '../interfaces/redact-options.interface';
import { createRedactor } from '../redact/redactor';
import { integerOption, invalidOption, unknownOption } from '../shared/option-validation.util';

const OWNER = 'IncidentLoggerModule';

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
  if (typeof limits !== 'object' || limits === null || Array.isArray(limits)) invalidOption(OWNER, 'captureLimits', 'an object', limits);
  const resolved: CaptureLimits = { ...DEFAULT_CAPTURE_LIMITS };
  for (const [name, value] of Object.entries(limits)) {
    const range = Object.prototype.hasOwnProperty.call(LIMIT_RANGES, name) ? LIMIT_RANGES[name as keyof CaptureLimits] : undefined;
    if (range === undefined) unknownOption(OWNER, `captureLimits.${name}`, Object.keys(LIMIT_RANGES));
    const [min, max] = range;
    resolved[name as keyof CaptureLimits] = integerOption(
      OWNER,
      `captureLimits.${name}`,
      value,
      DEFAULT_CAPTURE_LIMITS[name as keyof CaptureLimits],
      min,
      max,
    );
  }
  return Object.freeze(resolved);
}

/**
 * The capture policy for the `redact` and `captureLimits` options: redaction
 * with the default key list unless `redact` is `false`. Throws with a message
 * naming the bad option.
 */
export function resolveCapturePolicy(
  redact: RedactOptions | false | undefined,
  captureLimits: Partial<CaptureLimits> | undefined,
): CapturePolicy {
  const limits = resolveLimits(captureLimits);
  if (redact === false) return { limits };
  return { limits, redactor: createRedactor(redact ?? {}) };
}
