/**
 * The part of an OpenTelemetry `Logger` the target uses (`@opentelemetry/api-logs`).
 * Declared here, structurally, so the typings of this package never name an
 * optional peer: an app without OpenTelemetry compiles, and a logger of
 * another SDK line (the 3.x `@opentelemetry/api` 1.10 one) fits too.
 * @publicApi
 */
export interface OpenTelemetryLogger {
  emit(record: OpenTelemetryLogRecord): void;
}

/**
 * A log record as `Logger.emit` takes it (`@opentelemetry/api-logs`
 * `LogRecord`). Each field is as wide as the SDK's, so the SDK's `Logger`
 * fits this interface; the target sends a `[seconds, nanoseconds]`
 * timestamp, a string body and attributes of strings, numbers, booleans,
 * string arrays and maps.
 * @publicApi
 */
export interface OpenTelemetryLogRecord {
  /** The time of the log call. */
  timestamp?: [number, number] | number | Date;
  severityNumber?: number;
  severityText?: string;
  body?: unknown;
  attributes?: Record<string, unknown>;
  /** An `@opentelemetry/api` `Context` holding the scope's span context. */
  context?: unknown;
}

/** The part of a `LoggerProvider` the target uses; the SDK's `LoggerProvider` is one. @publicApi */
export interface OpenTelemetryLoggerProvider {
  getLogger(name: string, version?: string, options?: { schemaUrl?: string; attributes?: Record<string, unknown> }): OpenTelemetryLogger;
  /** Exports what the processors hold (the SDK's `LoggerProvider` has it); called by `flush()`. */
  forceFlush?(): Promise<void>;
}

/** Options of `OpenTelemetryTarget`. @publicApi */
export interface OpenTelemetryTargetOptions {
  /**
   * Where records go: an SDK `LoggerProvider` (`@opentelemetry/sdk-logs`).
   * Not shut down by the target: the app that made it owns it.
   * @default the global one, `logs.getLoggerProvider()` of `@opentelemetry/api-logs` (read at each emit, so an SDK registered after the module starts is used)
   */
  loggerProvider?: OpenTelemetryLoggerProvider;
  /**
   * The instrumentation scope name of the records (`scopeLogs[].scope.name` in OTLP).
   * @default 'nestjs-incident-logger'
   */
  name?: string;
  /** The instrumentation scope version. @default none */
  version?: string;
  /**
   * The severity of each record: `'record'`, its own level (a debug line
   * stays DEBUG); `'trigger'`, the trigger's level for every record of the
   * incident, so a backend's "errors only" view shows the whole window.
   * Incidents without a trigger (manual flush, dump) keep each record's own.
   * @default 'record'
   */
  level?: 'record' | 'trigger';
  /**
   * Attributes added to every record (a deployment, a team), after the
   * target's own: a key of the target's (`incident.id`) cannot be replaced.
   * Service identity belongs in the SDK's `Resource`, not here.
   * @default none
   */
  attributes?: Record<string, string | number | boolean>;
}
