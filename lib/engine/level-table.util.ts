import type { LogLevel } from '@nestjs/common';
import { ALL_LOG_LEVELS, LOG_LEVEL_VALUES } from '../shared/log-levels';

/**
 * Nest's `isLogLevelEnabled` rule, precomputed per level value: a level is on
 * when listed, or when it is at or above the highest listed level (so
 * `['error']` also enables `fatal`). An empty list disables everything.
 */
export function enabledLevelTable(levels: readonly LogLevel[]): boolean[] {
  const table = ALL_LOG_LEVELS.map(() => false);
  if (levels.length === 0) return table;
  const highest = Math.max(...levels.map((level) => LOG_LEVEL_VALUES[level] ?? -1));
  for (const level of ALL_LOG_LEVELS) {
    const value = LOG_LEVEL_VALUES[level];
    table[value] = levels.includes(level) || value >= highest;
  }
  return table;
}
