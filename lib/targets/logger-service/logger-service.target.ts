import type { LoggerService, LogLevel } from '@nestjs/common';
import { isoTime } from '../../format/iso-time.util';
import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import { InternalReporter } from '../../shared/internal-reporter';
import { checkKnownKeys, enumOption, invalidOption, objectOption } from '../../shared/option-validation.util';
import { incidentFields, passthroughFields, replayedRecords, summaryRecord } from '../incident-replay.util';
import { delegateWrites, methodFor, pinoBehind, reentrantDelegate } from './delegate-shape.util';
import type { LoggerServiceTargetOptions } from './logger-service-target-options.interface';

const OWNER = 'LoggerServiceTarget';
const OPTION_NAMES = Object.keys({ level: true } satisfies Record<keyof LoggerServiceTargetOptions, true>);
const LEVEL_MODES: ReadonlyArray<'record' | 'trigger'> = ['record', 'trigger'];

/** What a delegate may have beyond LoggerService: passed through when it does. */
interface Flushable {
  flushSync?(): void;
  flush?(): void | Promise<void>;
  close?(): void | Promise<void>;
}

/**
 * Replays each incident through a Nest `LoggerService` the app already runs
 * (nestjs-pino's `Logger`, nest-winston's `WinstonLogger`,
 * `new ConsoleLogger({ json: true })`), one call per record, so incidents
 * arrive where the app's other logs go.
 *
 * Each call is `delegate[level]({ message, ...fields, context, stack }, context)`:
 * the one shape that all three turn into structured fields (nestjs-pino
 * merges the object into the pino line, nest-winston spreads it into the
 * winston meta, ConsoleLogger prints it as the JSON `message`). The message
 * is under `msg` instead for a pino-backed delegate, pino's message key.
 * The fields: `incidentId`, `requestId`, `reason`, `loggedAt` (the record's
 * time, ISO 8601: the delegate stamps the time of writing), `trigger: true`
 * on the trigger, `traceId`/`spanId` when known; see docs/destinations.md.
 * @publicApi
 */
export class LoggerServiceTarget implements IncidentTarget {
  private readonly delegate: LoggerService & Flushable;
  private readonly levelMode: 'record' | 'trigger';
  private readonly messageKey: 'msg' | 'message';
  private readonly reporter = new InternalReporter();
  private warnedDrop = false;

  constructor(delegate: LoggerService, options: LoggerServiceTargetOptions = {}) {
    if (typeof delegate !== 'object' || delegate === null || typeof (delegate as { log?: unknown }).log !== 'function') {
      invalidOption(OWNER, 'delegate', 'a Nest LoggerService (an object with log, error and warn methods)', delegate);
    }
    const reentrant = reentrantDelegate(delegate);
    if (reentrant !== undefined) {
      invalidOption(OWNER, 'delegate', `a logger that does not log into this module, not ${reentrant}`, delegate.constructor?.name);
    }
    objectOption(OWNER, 'options', options);
    checkKnownKeys(OWNER, options, OPTION_NAMES);
    this.levelMode = enumOption(OWNER, 'level', options.level, LEVEL_MODES, 'record');
    this.delegate = delegate;
    this.messageKey = pinoBehind(delegate) === undefined ? 'message' : 'msg';
  }

  write(incident: Incident): void {
    const fields = incidentFields(incident);
    const records = replayedRecords(incident);
    if (records.length === 0) records.push(summaryRecord(incident));
    const triggerLevel = this.levelMode === 'trigger' ? incident.trigger?.level : undefined;
    for (const record of records) this.replay(record, triggerLevel ?? record.level, fields, record === incident.trigger);
  }

  /** A pass-through record (`passthroughLevel`), written at once with its request id. */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    this.replay(record, record.level, passthroughFields(request), false);
  }

  flushSync(): void {
    this.delegate.flushSync?.();
  }

  async flush(): Promise<void> {
    await this.delegate.flush?.();
  }

  async close(): Promise<void> {
    await this.delegate.close?.();
  }

  private replay(record: IncidentRecord, level: LogLevel, fields: Record<string, unknown>, isTrigger: boolean): void {
    const method = methodFor(this.delegate, level);
    if (!this.warnedDrop && (record.level === 'debug' || record.level === 'verbose')) this.checkDropped(method);
    const line: Record<string, unknown> = { [this.messageKey]: record.message, ...fields, loggedAt: isoTime(record.timestamp) };
    if (method !== record.level) line.recordLevel = record.level;
    if (isTrigger) line.trigger = true;
    if (record.data !== undefined) line.data = record.data;
    // Always present (undefined when there is none): nest-winston's error()
    // takes its second argument as a stack, and these keys win over it.
    line.context = record.context;
    if (method === 'error' || method === 'fatal' || record.stack !== undefined) line.stack = record.stack;
    const call = this.delegate[method]!.bind(this.delegate) as (message: unknown, ...params: unknown[]) => void;
    if (record.context === undefined) call(line);
    else call(line, record.context);
  }

  /** Once per target: the delegate's own level would drop the replayed debug and verbose lines. */
  private checkDropped(method: LogLevel): void {
    if (delegateWrites(this.delegate, method) !== false) return;
    this.warnedDrop = true;
    this.reporter.report(
      'level',
      `LoggerServiceTarget: the delegate (${this.delegate.constructor?.name ?? 'logger'}) drops ${method} lines, so the ` +
        `${method} records of incidents are not written; lower its level, or use LoggerServiceTarget's level: 'trigger'`,
    );
  }
}
