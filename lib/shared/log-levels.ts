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
