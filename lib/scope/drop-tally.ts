import type { LogLevel } from '@nestjs/common';
import { ALL_LOG_LEVELS, LOG_LEVEL_VALUES } from '../shared/log-levels';

/** Records that left a buffer unwritten, by level, for the whole process (`stats().droppedByLevel`). */
export class DropCounters {
  readonly byLevel = [0, 0, 0, 0, 0, 0];

  count(level: LogLevel, n = 1): void {
    this.byLevel[LOG_LEVEL_VALUES[level]] += n;
  }

  /** Hot: a full ring evicts on every push. The caller looked the level up once. */
  countValue(value: number): void {
    this.byLevel[value]++;
  }

  toRecord(): Record<LogLevel, number> {
    const out = {} as Record<LogLevel, number>;
    ALL_LOG_LEVELS.forEach((level, index) => (out[level] = this.byLevel[index]));
    return out;
  }
}

/**
 * What one window lost: counts by level and the time span of the lost
 * records, so an incident says "12 debug lines from 03:09:01 to 03:09:05
 * are missing", not just "12". Allocated on a scope's first drop.
 */
export class DropTally {
  private readonly byLevel = [0, 0, 0, 0, 0, 0];
  private from = Number.POSITIVE_INFINITY;
  private to = Number.NEGATIVE_INFINITY;

  /** `value` is `LOG_LEVEL_VALUES[record.level]`, looked up once by the caller. */
  note(value: number, timestamp: number): void {
    this.byLevel[value]++;
    if (timestamp < this.from) this.from = timestamp;
    if (timestamp > this.to) this.to = timestamp;
  }

  /** Only the levels that lost records. */
  levels(): Partial<Record<LogLevel, number>> {
    const out: Partial<Record<LogLevel, number>> = {};
    ALL_LOG_LEVELS.forEach((level, index) => {
      if (this.byLevel[index] > 0) out[level] = this.byLevel[index];
    });
    return out;
  }

  span(): { from: number; to: number } {
    return { from: this.from, to: this.to };
  }
}
