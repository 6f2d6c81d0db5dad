import type { LogLevel } from '@nestjs/common';
import type { IncidentTriggerPredicate, IncidentTriggerScope } from '../interfaces/incident-policy-options.interface';
import type { IncidentRecord } from '../interfaces/incident.interface';
import { describeFailure } from '../shared/hostile-value.util';
import type { InternalReporter } from '../shared/internal-reporter';
import { LOG_LEVEL_VALUES } from '../shared/log-levels';

/** What activation decided for a record at or above the lowest flush level. */
export type TriggerDecision = 'trigger' | 'ignored' | 'buffer';

export interface TriggerRuleOptions {
  flushLevel: LogLevel;
  contextFlushLevels: ReadonlyMap<string, LogLevel>;
  trigger: IncidentTriggerPredicate | undefined;
  ignoreExceptionStatus: ((status: number) => boolean) | undefined;
}

/** The status of a Nest `HttpException` (anything with a `getStatus()` returning a number), if the value is one. */
export function exceptionStatus(value: unknown): number | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  try {
    const getStatus = (value as { getStatus?: unknown }).getStatus;
    if (typeof getStatus !== 'function') return undefined;
    const status: unknown = getStatus.call(value);
    return typeof status === 'number' ? status : undefined;
  } catch {
    return undefined; // a hostile getter: not an exception we can read
  }
}

/**
 * Activation: whether a record opens an incident. The level rule (the
 * record's context's flush level, else `flushLevel`), then the `trigger`
 * predicate, then Symfony's rule for HTTP exceptions with an ignored status.
 * Only records at or above `lowestValue` are ever asked about: the buffering
 * path pays for none of this.
 */
export class TriggerRule {
  private flushValue: number;
  private readonly contextValues: ReadonlyMap<string, number>;
  /** The lowest level any rule can trigger at. */
  lowestValue: number;

  constructor(
    private readonly options: TriggerRuleOptions,
    private readonly reporter: InternalReporter,
  ) {
    this.contextValues = new Map([...options.contextFlushLevels].map(([context, level]) => [context, LOG_LEVEL_VALUES[level]]));
    this.flushValue = LOG_LEVEL_VALUES[options.flushLevel];
    this.lowestValue = this.lowest();
  }

  /** The global flush level (runtime changes included). */
  get flushLevelValue(): number {
    return this.flushValue;
  }

  /** `setFlushLevel()`: the global level changes; context levels stay. */
  setFlushValue(value: number): void {
    this.flushValue = value;
    this.lowestValue = this.lowest();
  }

  /** The flush level that applies to a context. */
  flushValueFor(context: string | undefined): number {
    if (context === undefined || this.contextValues.size === 0) return this.flushValue;
    return this.contextValues.get(context) ?? this.flushValue;
  }

  /** `message` and `params` are the log call's arguments, `record` its captured (redacted) first record. */
  decide(
    record: IncidentRecord,
    value: number,
    message: unknown,
    params: readonly unknown[],
    scope: () => IncidentTriggerScope,
  ): TriggerDecision {
    let trigger = value >= this.flushValueFor(record.context);
    if (this.options.trigger !== undefined) {
      const verdict = this.ask(record, scope);
      if (verdict !== undefined) trigger = verdict;
    }
    if (!trigger) return 'buffer';
    return this.ignoredStatus(message, params) ? 'ignored' : 'trigger';
  }

  private ask(record: IncidentRecord, scope: () => IncidentTriggerScope): boolean | undefined {
    try {
      const verdict = this.options.trigger!(record, scope());
      return typeof verdict === 'boolean' ? verdict : undefined;
    } catch (error) {
      this.reporter.report('trigger', `the trigger predicate threw (the level rule decided instead): ${describeFailure(error)}`);
      return undefined;
    }
  }

  /** Whether a unit of work that failed with this error failed by design: an HTTP exception with a status `ignoreExceptionStatus` ignores (a 404 from a message handler). */
  ignoresFailure(error: unknown): boolean {
    return this.ignoredStatus(error, []);
  }

  private ignoredStatus(message: unknown, params: readonly unknown[]): boolean {
    const ignore = this.options.ignoreExceptionStatus;
    if (ignore === undefined) return false;
    for (const value of [message, ...params]) {
      const status = exceptionStatus(value);
      if (status === undefined) continue;
      try {
        return ignore(status) === true;
      } catch (error) {
        this.reporter.report('ignoreExceptionStatus', `ignoreExceptionStatus threw (the record triggers): ${describeFailure(error)}`);
        return false;
      }
    }
    return false;
  }

  private lowest(): number {
    let lowest = this.flushValue;
    for (const value of this.contextValues.values()) lowest = Math.min(lowest, value);
    return lowest;
  }
}
