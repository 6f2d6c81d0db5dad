import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import { checkKnownKeys, enumOption, invalidOption, objectOption } from '../../shared/option-validation.util';
import { incidentAttributes, recordAttributes, requestAttributes } from './log-record-attributes.util';
import { type LogsApi, loadOptionalPeer, type PeerLoader, type TraceApi } from './opentelemetry-peers';
import type {
  OpenTelemetryLogger,
  OpenTelemetryLoggerProvider,
  OpenTelemetryTargetOptions,
} from './opentelemetry-target-options.interface';
import { hrTime, SEVERITY } from './severity';

const OWNER = 'OpenTelemetryTarget';
const OPTION_NAMES = Object.keys({
  loggerProvider: true,
  name: true,
  version: true,
  level: true,
  attributes: true,
} satisfies Record<keyof OpenTelemetryTargetOptions, true>);
const LEVEL_MODES = ['record', 'trigger'] as const;
const DEFAULT_NAME = 'nestjs-incident-logger';
/**
 * The incident does not carry the W3C flags of its trace: "sampled" keeps an
 * SDK with trace-based log filtering from dropping an incident, which is
 * written because something went wrong, whatever the trace's sampling said.
 */
const SAMPLED = 1;

/** @internal Test seam: how the optional peers are loaded. */
export interface OpenTelemetryTargetInternals {
  load?: PeerLoader;
}

function isProvider(value: unknown): value is OpenTelemetryLoggerProvider {
  return typeof value === 'object' && value !== null && typeof (value as { getLogger?: unknown }).getLogger === 'function';
}

function checkName(option: string, value: unknown, fallback: string | undefined): string | undefined {
  if (value === undefined) return fallback;
  if (typeof value !== 'string' || value.trim() === '') invalidOption(OWNER, option, 'a non-empty string', value);
  return value;
}

function checkAttributes(value: unknown): Record<string, unknown> {
  objectOption(OWNER, 'attributes', value);
  const attributes: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof entry)) {
      invalidOption(OWNER, `attributes.${key}`, 'a string, number or boolean', entry);
    }
    attributes[key] = entry as string | number | boolean;
  }
  return attributes;
}

/**
 * Emits each record of an incident through the OpenTelemetry logs API: its
 * own severity (or the trigger's), the time it was logged as `timestamp`,
 * the message as body, the incident, request and exception as attributes,
 * under the scope's span context (so the exported record carries its
 * `traceId`/`spanId`). `@opentelemetry/api-logs` and `@opentelemetry/api`
 * are optional peers, loaded when the target is constructed.
 *
 * An SDK processor exports asynchronously: a record handed to it is not
 * durable until the export completes, which a crashing process never waits
 * for. Keep a `RotatingFileTarget` beside this one (docs/opentelemetry.md).
 * @publicApi
 */
export class OpenTelemetryTarget implements IncidentTarget {
  private readonly provider: () => unknown;
  private readonly logger: OpenTelemetryLogger;
  private readonly level: 'record' | 'trigger';
  private readonly attributes: Record<string, unknown>;
  private readonly traceApi: TraceApi | undefined;

  constructor(options?: OpenTelemetryTargetOptions);
  /** @internal The seam of the peer tests: how `@opentelemetry/api-logs` and `@opentelemetry/api` are loaded. */
  constructor(options: OpenTelemetryTargetOptions | undefined, internals: OpenTelemetryTargetInternals);
  constructor(options: OpenTelemetryTargetOptions = {}, internals: OpenTelemetryTargetInternals = {}) {
    objectOption(OWNER, 'options', options);
    checkKnownKeys(OWNER, options, OPTION_NAMES);
    const load = internals.load ?? require;
    const name = checkName('name', options.name, DEFAULT_NAME)!;
    const version = checkName('version', options.version, undefined);
    this.level = enumOption(OWNER, 'level', options.level, LEVEL_MODES, 'record');
    this.attributes = checkAttributes(options.attributes);
    const given: unknown = options.loggerProvider;
    if (given !== undefined) {
      if (!isProvider(given)) invalidOption(OWNER, 'loggerProvider', 'a LoggerProvider (an object with getLogger())', given);
      this.provider = () => given;
      this.logger = given.getLogger(name, version);
    } else {
      const api = loadOptionalPeer<LogsApi>('@opentelemetry/api-logs', load);
      if (typeof api?.logs?.getLoggerProvider !== 'function') {
        throw new Error(
          `${OWNER}: @opentelemetry/api-logs is not installed, and no loggerProvider was given; ` +
            'install it (npm install @opentelemetry/api-logs) or pass options.loggerProvider',
        );
      }
      // The global provider is a proxy until the SDK registers one: its loggers follow the registration.
      this.provider = () => api.logs.getLoggerProvider();
      this.logger = (api.logs.getLoggerProvider() as OpenTelemetryLoggerProvider).getLogger(name, version);
    }
    const traceApi = loadOptionalPeer<TraceApi>('@opentelemetry/api', load);
    // Without the API no context can be built (nor could an SDK have been installed): records carry no trace.
    this.traceApi = typeof traceApi?.trace?.setSpanContext === 'function' ? traceApi : undefined;
  }

  write(incident: Incident): void {
    const base = { ...this.attributes, ...incidentAttributes(incident) };
    const context = this.contextOf(incident);
    const trigger = incident.trigger;
    const level = this.level === 'trigger' && trigger !== undefined ? trigger.level : undefined;
    for (const record of incident.records) {
      // Sent already, at once, by writeRecord (passthroughLevel).
      if (record.passthrough === true) continue;
      this.emit(record, recordAttributes(record, base, record === trigger), context, level);
    }
  }

  /**
   * A pass-through record (`passthroughLevel`), emitted at once; not emitted
   * again with its incident. It is written where it was logged, so the SDK
   * takes the span active there.
   */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    const base = requestAttributes(request, { ...this.attributes });
    this.emit(record, recordAttributes(record, base, false), undefined, undefined);
  }

  /**
   * Starts the export of what the provider holds, without waiting: nothing
   * asynchronous can be made durable from a synchronous call, and a crashing
   * process exits before the export is sent (docs/opentelemetry.md).
   */
  flushSync(): void {
    void this.flush().catch(() => undefined);
  }

  /** Waits for the provider's `forceFlush()` (its processors' exports), when it has one. */
  async flush(): Promise<void> {
    const provider = this.provider() as OpenTelemetryLoggerProvider;
    if (typeof provider?.forceFlush === 'function') await provider.forceFlush();
  }

  private emit(
    record: IncidentRecord,
    attributes: Record<string, unknown>,
    context: unknown,
    level: IncidentRecord['level'] | undefined,
  ): void {
    const severity = SEVERITY[level ?? record.level];
    this.logger.emit({
      timestamp: hrTime(record.timestamp),
      severityNumber: severity.number,
      severityText: severity.text,
      body: record.message,
      attributes,
      context,
    });
  }

  /**
   * The scope's span as a remote parent in an otherwise empty context; the
   * root context when the incident has no trace, so a span active where the
   * incident is written (another request's) is never attached to it.
   */
  private contextOf(incident: Incident): unknown {
    const api = this.traceApi;
    if (api === undefined) return undefined;
    if (incident.traceId === undefined || incident.spanId === undefined) return api.ROOT_CONTEXT;
    return api.trace.setSpanContext(api.ROOT_CONTEXT, {
      traceId: incident.traceId,
      spanId: incident.spanId,
      traceFlags: SAMPLED,
      isRemote: true,
    });
  }
}
