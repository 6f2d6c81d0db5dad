import type { LogLevel } from '@nestjs/common';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import type { IncidentLoggerModuleOptions } from '../interfaces/incident-logger-options.interface';
import type {
  IncidentAfterTriggerOptions,
  IncidentStormOptions,
  IncidentTriggerPredicate,
} from '../interfaces/incident-policy-options.interface';
import type { IncidentRequest } from '../interfaces/incident.interface';

/** Options with every default applied; produced once, by `resolveOptions`. */
export interface ResolvedIncidentLoggerOptions {
  bufferSize: number;
  maxBufferBytes: number;
  maxTotalBufferBytes: number;
  flushLevel: LogLevel;
  logLevels: LogLevel[];
  targets: NonNullable<IncidentLoggerModuleOptions['targets']> | undefined;
  mountMiddleware: boolean;
  scopeMessages: boolean;
  traceContext: boolean;
  requestIdHeader: string;
  setResponseHeader: boolean;
  flushOnCrash: boolean;
  dumpSignal: NodeJS.Signals | undefined;
  startupNotice: boolean;
  /** Bounds and redaction applied when a record is captured. */
  capture: CapturePolicy;
  contextFlushLevels: ReadonlyMap<string, LogLevel>;
  trigger: IncidentTriggerPredicate | undefined;
  ignoreExceptionStatus: ((status: number) => boolean) | undefined;
  passthroughLevel: LogLevel | undefined;
  afterTrigger: Required<IncidentAfterTriggerOptions> | undefined;
  reservedWarnings: number;
  maxRecordAgeMs: number | undefined;
  outcome: ResolvedOutcomeOptions | undefined;
  storm: Required<IncidentStormOptions> | undefined;
  /** `incidentLinks`; undefined when `false`. */
  incidentLinks: ResolvedLinkOptions | undefined;
}

/** `incidentLinks` with its defaults; `header`/`downstream` undefined when off. */
export interface ResolvedLinkOptions {
  /** Lower case. */
  header: string | undefined;
  downstream: ((status: number) => boolean) | undefined;
  propagate: boolean;
}

/** `outcome` with its defaults; `status`/`slow` undefined when off. */
export interface ResolvedOutcomeOptions {
  status: ((status: number, request: IncidentRequest) => boolean) | undefined;
  /** `outcome.slowMs`: the rule when there is no `slow` predicate. */
  slowMs: number | undefined;
  slow: ((durationMs: number, request: IncidentRequest) => boolean) | undefined;
  rejected: boolean;
  sampleRate: number;
}
