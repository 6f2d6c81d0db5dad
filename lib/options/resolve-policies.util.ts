import type { LogLevel } from '@nestjs/common';
import type { IncidentLoggerModuleOptions } from '../interfaces/incident-logger-options.interface';
import { LOG_LEVEL_VALUES } from '../shared/log-levels';
import { booleanOption, checkKnownKeys, integerOption, invalidOption, objectOption } from '../shared/option-validation.util';
import { checkLevel } from './check-level.util';
import type { ResolvedIncidentLoggerOptions, ResolvedOutcomeOptions } from './resolved-options.interface';

const OWNER = 'IncidentLoggerModule';

import {
  DEFAULT_AFTER_TRIGGER,
  DEFAULT_IGNORED_EXCEPTION_STATUS,
  DEFAULT_OUTCOME_STATUS,
  DEFAULT_RESERVED_WARNINGS,
  DEFAULT_STORM,
} from './policy-defaults';

type Policies = Pick<
  ResolvedIncidentLoggerOptions,
  | 'contextFlushLevels'
  | 'trigger'
  | 'ignoreExceptionStatus'
  | 'passthroughLevel'
  | 'afterTrigger'
  | 'reservedWarnings'
  | 'maxRecordAgeMs'
  | 'outcome'
  | 'storm'
>;

function functionOption<F>(option: string, value: unknown): F | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') invalidOption(OWNER, option, 'a function', value);
  return value as F;
}

/** A function, `false` (off), or undefined (the default). */
function predicateOrOff<F>(option: string, value: unknown, fallback: F): F | undefined {
  if (value === false) return undefined;
  if (value === undefined) return fallback;
  if (typeof value !== 'function') invalidOption(OWNER, option, 'a function or false', value);
  return value as F;
}

function checkContextLevels(value: unknown): Map<string, LogLevel> {
  objectOption(OWNER, 'contextFlushLevels', value);
  const levels = new Map<string, LogLevel>();
  for (const [context, level] of Object.entries(value ?? {})) levels.set(context, checkLevel(`contextFlushLevels.${context}`, level));
  return levels;
}

function checkPassthrough(value: unknown, flushLevel: LogLevel): LogLevel | undefined {
  if (value === undefined) return undefined;
  const level = checkLevel('passthroughLevel', value);
  if (LOG_LEVEL_VALUES[level] >= LOG_LEVEL_VALUES[flushLevel]) {
    invalidOption(OWNER, 'passthroughLevel', `a level below flushLevel ('${flushLevel}')`, value);
  }
  return level;
}

function checkAfterTrigger(value: unknown): Required<NonNullable<IncidentLoggerModuleOptions['afterTrigger']>> | undefined {
  if (value === undefined || value === false) return undefined;
  objectOption(OWNER, 'afterTrigger', value);
  const options = value as Record<string, unknown>;
  checkKnownKeys(OWNER, options, ['records', 'ms'], 'afterTrigger.');
  return {
    records: integerOption(OWNER, 'afterTrigger.records', options.records, DEFAULT_AFTER_TRIGGER.records, 1),
    ms: integerOption(OWNER, 'afterTrigger.ms', options.ms, DEFAULT_AFTER_TRIGGER.ms, 1),
  };
}

function checkSampleRate(value: unknown): number {
  if (value === undefined) return 0;
  const rate = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  if (typeof rate !== 'number' || !(rate >= 0 && rate <= 1)) invalidOption(OWNER, 'outcome.sampleRate', 'a number from 0 to 1', value);
  return rate;
}

function checkOutcome(value: unknown): ResolvedOutcomeOptions | undefined {
  if (value === false) return undefined;
  objectOption(OWNER, 'outcome', value);
  const options = (value ?? {}) as Record<string, unknown>;
  checkKnownKeys(OWNER, options, ['status', 'slowMs', 'slow', 'rejected', 'sampleRate'], 'outcome.');
  const slowMs = options.slowMs === undefined ? undefined : integerOption(OWNER, 'outcome.slowMs', options.slowMs, 0, 1);
  const slowPredicate = functionOption<ResolvedOutcomeOptions['slow']>('outcome.slow', options.slow);
  return {
    status: predicateOrOff('outcome.status', options.status, DEFAULT_OUTCOME_STATUS),
    slowMs,
    slow: slowPredicate,
    rejected: booleanOption(OWNER, 'outcome.rejected', options.rejected, true),
    sampleRate: checkSampleRate(options.sampleRate),
  };
}

function checkStorm(value: unknown): typeof DEFAULT_STORM | undefined {
  if (value === false) return undefined;
  objectOption(OWNER, 'storm', value);
  const options = (value ?? {}) as Record<string, unknown>;
  checkKnownKeys(OWNER, options, ['windowMs', 'fullIncidents', 'maxIncidents'], 'storm.');
  const storm = {
    windowMs: integerOption(OWNER, 'storm.windowMs', options.windowMs, DEFAULT_STORM.windowMs, 1),
    fullIncidents: integerOption(OWNER, 'storm.fullIncidents', options.fullIncidents, DEFAULT_STORM.fullIncidents, 1),
    maxIncidents: integerOption(OWNER, 'storm.maxIncidents', options.maxIncidents, DEFAULT_STORM.maxIncidents, 1),
  };
  if (storm.maxIncidents < storm.fullIncidents) {
    invalidOption(OWNER, 'storm.maxIncidents', `at least storm.fullIncidents (${storm.fullIncidents})`, options.maxIncidents);
  }
  return storm;
}

/** The incident policies (issue 11's options), validated, with their defaults. */
export function resolvePolicies(options: IncidentLoggerModuleOptions, flushLevel: LogLevel): Policies {
  return {
    contextFlushLevels: checkContextLevels(options.contextFlushLevels),
    trigger: functionOption('trigger', options.trigger),
    ignoreExceptionStatus: predicateOrOff('ignoreExceptionStatus', options.ignoreExceptionStatus, DEFAULT_IGNORED_EXCEPTION_STATUS),
    passthroughLevel: checkPassthrough(options.passthroughLevel, flushLevel),
    afterTrigger: checkAfterTrigger(options.afterTrigger),
    reservedWarnings: integerOption(OWNER, 'reservedWarnings', options.reservedWarnings, DEFAULT_RESERVED_WARNINGS, 0, 1000),
    maxRecordAgeMs: options.maxRecordAgeMs === undefined ? undefined : integerOption(OWNER, 'maxRecordAgeMs', options.maxRecordAgeMs, 0, 1),
    outcome: checkOutcome(options.outcome),
    storm: checkStorm(options.storm),
  };
}
