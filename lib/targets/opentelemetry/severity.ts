import type { LogLevel } from '@nestjs/common';

/**
 * Nest level → OpenTelemetry `SeverityNumber` and its short name (the
 * logs data model's ranges: TRACE 1-4, DEBUG 5-8, INFO 9-12, WARN 13-16,
 * ERROR 17-20, FATAL 21-24; the first of each range).
 */
export const SEVERITY: Readonly<Record<LogLevel, { number: number; text: string }>> = {
  verbose: { number: 1, text: 'TRACE' },
  debug: { number: 5, text: 'DEBUG' },
  log: { number: 9, text: 'INFO' },
  warn: { number: 13, text: 'WARN' },
  error: { number: 17, text: 'ERROR' },
  fatal: { number: 21, text: 'FATAL' },
};

/** Epoch milliseconds as OpenTelemetry's `HrTime` (`[seconds, nanoseconds]`): exact, never read as a `performance.now()` offset. */
export function hrTime(epochMs: number): [number, number] {
  const seconds = Math.floor(epochMs / 1000);
  return [seconds, Math.round((epochMs - seconds * 1000) * 1e6)];
}
