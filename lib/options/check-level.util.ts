import type { LogLevel } from '@nestjs/common';
import { ALL_LOG_LEVELS, LOG_LEVEL_VALUES } from '../shared/log-levels';
import { invalidOption } from '../shared/option-validation.util';

const OWNER = 'IncidentLoggerModule';
const LEVEL_LIST = `one of ${ALL_LOG_LEVELS.map((level) => `'${level}'`).join(', ')}`;

/** A log level option (`name` is its path in the options). */
export function checkLevel(name: string, level: unknown, owner = OWNER): LogLevel {
  if (typeof level !== 'string' || !Object.prototype.hasOwnProperty.call(LOG_LEVEL_VALUES, level))
    invalidOption(owner, name, LEVEL_LIST, level);
  return level as LogLevel;
}
