import type { LogLevel } from '@nestjs/common';

/** Numeric severity, same order as Nest >= 10 (`verbose` lowest, `fatal` highest). */
export const LOG_LEVEL_VALUES: Readonly<Record<LogLevel, number>> = {
  verbose: 0,
  debug: 1,
  log: 2,
  warn: 3,
  error: 4,
  fatal: 5,
};

export const ALL_LOG_LEVELS: readonly LogLevel[] = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

/**
 * `LOG_LEVEL_VALUES[level]` for hot paths (a full ring evicts on every
 * record): comparing interned strings costs less than a keyed lookup.
 */
export function levelValue(level: LogLevel): number {
  if (level === 'debug') return 1;
  if (level === 'verbose') return 0;
  if (level === 'log') return 2;
  if (level === 'warn') return 3;
  if (level === 'error') return 4;
  return 5;
}
