export type { CaptureLimits } from './capture-limits.interface';
export type { IncidentBufferStats } from './incident-buffer-stats.interface';
export type { IncidentLinkOptions } from './incident-link-options.interface';
export type { IncidentLoggerModuleOptions } from './incident-logger-options.interface';
export type { IncidentScopeOptions } from './incident-scope-options.interface';
export type { IncidentScopedOptions } from './incident-scoped-options.interface';
export type { IncidentTarget } from './incident-target.interface';
export type {
  Incident,
  IncidentOutcome,
  IncidentReason,
  IncidentRecord,
  IncidentRequest,
  IncidentScopeKind,
  IncidentSuppression,
} from './incident.interface';
export type { RedactOptions } from './redact-options.interface';
export type {
  ContextFlushLevels,
  IncidentAfterTriggerOptions,
  IncidentOutcomeOptions,
  IncidentStormOptions,
  IncidentTriggerPredicate,
  IncidentTriggerScope,
  SetFlushLevelOptions,
} from './incident-policy-options.interface';
