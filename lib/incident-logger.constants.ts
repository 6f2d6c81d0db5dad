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

export const DEFAULT_BUFFER_SIZE = 30;
export const DEFAULT_MAX_BUFFER_BYTES = 256 * 1024;
export const DEFAULT_MAX_TOTAL_BUFFER_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FLUSH_LEVEL: LogLevel = 'warn';
export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';

/** Injection token of the resolved target list. */
export const INCIDENT_TARGETS = Symbol('INCIDENT_TARGETS');
/** Injection token of the validated options with defaults applied. */
export const RESOLVED_INCIDENT_OPTIONS = Symbol('RESOLVED_INCIDENT_OPTIONS');
