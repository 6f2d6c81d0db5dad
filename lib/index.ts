// The public API of nestjs-incident-logger: named exports only. A change here
// is a change of the public API and shows in test/compat/public-api.spec.ts.

// Nest glue
export { IncidentLoggerModule } from './incident-logger.module';
export { INCIDENT_LOGGER_MODULE_OPTIONS } from './incident-logger.module-definition';
export { IncidentLogger } from './incident-logger.service';
export { IncidentBuffer } from './incident-buffer.service';
export { IncidentScopeMiddleware } from './incident-scope.middleware';

// Scopes beyond HTTP: messages, events, GraphQL operations, jobs
export { IncidentScopeInterceptor } from './transports/incident-scope.interceptor';
export { IncidentScoped } from './transports/incident-scoped.decorator';

// Targets
export { ConsoleTarget } from './targets/console/console.target';
export type { ConsoleTargetOptions } from './targets/console/console-target-options.interface';
export { RotatingFileTarget } from './targets/rotating-file/rotating-file.target';
export type { RotatingFileTargetOptions } from './targets/rotating-file/rotating-file-target-options.interface';
export type { RotatingFileTargetStats } from './targets/rotating-file/rotating-file-target-stats.interface';

// Formatting, for custom targets
export { formatIncident } from './format/format-incident.util';
export { formatRecordLine } from './format/record-line.util';
export type { IncidentFormat } from './format/incident-format.interface';

// Types and defaults
export type {
  CaptureLimits,
  ContextFlushLevels,
  Incident,
  IncidentAfterTriggerOptions,
  IncidentBufferStats,
  IncidentLinkOptions,
  IncidentLoggerModuleOptions,
  IncidentOutcome,
  IncidentOutcomeOptions,
  IncidentReason,
  IncidentRecord,
  IncidentRequest,
  IncidentScopeKind,
  IncidentScopeOptions,
  IncidentScopedOptions,
  IncidentStormOptions,
  IncidentSuppression,
  IncidentTarget,
  IncidentTriggerPredicate,
  IncidentTriggerScope,
  RedactOptions,
  SetFlushLevelOptions,
} from './interfaces';
export { DEFAULT_CAPTURE_LIMITS } from './interfaces/capture-limits.interface';
export { DEFAULT_REDACT_KEYS } from './redact/redaction.constants';

// Delegating to the logger the app already has (docs/destinations.md)
export { LoggerServiceTarget } from './targets/logger-service/logger-service.target';
export type { LoggerServiceTargetOptions } from './targets/logger-service/logger-service-target-options.interface';
export { PinoTarget } from './targets/pino/pino.target';
export type { PinoInstance, PinoTargetOptions } from './targets/pino/pino-target-options.interface';
export { incidentRequestId } from './incident-request-id';
// OpenTelemetry (optional peers @opentelemetry/api-logs and @opentelemetry/api, loaded when constructed)
export { OpenTelemetryTarget } from './targets/opentelemetry/opentelemetry.target';
export type {
  OpenTelemetryLogger,
  OpenTelemetryLoggerProvider,
  OpenTelemetryLogRecord,
  OpenTelemetryTargetOptions,
} from './targets/opentelemetry/opentelemetry-target-options.interface';
