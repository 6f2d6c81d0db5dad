import type { LogLevel } from '@nestjs/common';
import type { PinoInstance, PinoTargetOptions } from './pino-target-options.interface';
import { isoTime } from '../../format/iso-time.util';
import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import { checkKnownKeys, enumOption, invalidOption, objectOption } from '../../shared/option-validation.util';
import { incidentFields, passthroughFields, PINO_LEVEL_NAMES, replayedRecords, summaryRecord } from '../incident-replay.util';
import { findTimeSymbol, stamperFor, type TimeStamper } from './record-time';

const OWNER = 'PinoTarget';
const OPTION_NAMES = Object.keys({ level: true } satisfies Record<keyof PinoTargetOptions, true>);
const LEVEL_MODES: ReadonlyArray<'record' | 'trigger'> = ['record', 'trigger'];

/** A child logger whose time function can be replaced (an own property shadows the parent's). */
type Stampable = PinoInstance & Record<symbol, () => string>;

/** The stream sonic-boom gives `pino.destination()`: `flushSync` writes what is buffered, synchronously. */
interface SyncFlushable {
  flushSync?(): void;
}

/**
 * Writes each incident's records straight to a pino instance the app passes
 * (pino is not imported: an optional peer), one pino line per record:
 * pino's level numbers, `time` set to the record's time (in the instance's
 * time format), the incident's ids as bindings (`incidentId`, `requestId`,
 * `reason`, `traceId`/`spanId` when known), the record's `context`, and its
 * stack and error data under `err`.
 *
 * Every record is written whatever the instance's level (the child it
 * writes through is set to `trace`): an incident is the lines the level hid.
 * `flushSync()` flushes a `pino.destination({ sync: false })` synchronously,
 * so a crash incident is in the file before the process dies.
 * @publicApi
 */
export class PinoTarget implements IncidentTarget {
  private readonly logger: PinoInstance;
  private readonly levelMode: 'record' | 'trigger';
  private readonly timeSymbol: symbol | undefined;
  private readonly stamper: TimeStamper | undefined;
  private readonly childOptions: { level?: string };

  constructor(logger: PinoInstance, options: PinoTargetOptions = {}) {
    if (typeof logger !== 'object' || logger === null || typeof logger.child !== 'function' || typeof logger.info !== 'function') {
      invalidOption(OWNER, 'logger', 'a pino logger (pino() or a child of one)', logger);
    }
    objectOption(OWNER, 'options', options);
    checkKnownKeys(OWNER, options, OPTION_NAMES);
    this.levelMode = enumOption(OWNER, 'level', options.level, LEVEL_MODES, 'record');
    this.logger = logger;
    this.timeSymbol = findTimeSymbol(logger);
    const timeFunction = this.timeSymbol === undefined ? undefined : (logger as Stampable)[this.timeSymbol];
    this.stamper = typeof timeFunction === 'function' ? stamperFor(() => timeFunction.call(logger)) : undefined;
    // Custom levels only (`useOnlyCustomLevels`): no `trace` to lower the child to.
    this.childOptions = logger.levels?.values?.trace === undefined ? {} : { level: 'trace' };
  }

  write(incident: Incident): void {
    const child = this.logger.child(incidentFields(incident), this.childOptions) as Stampable;
    const records = replayedRecords(incident);
    if (records.length === 0) records.push(summaryRecord(incident));
    const triggerLevel = this.levelMode === 'trigger' ? incident.trigger?.level : undefined;
    for (const record of records) this.replay(child, record, triggerLevel ?? record.level, record === incident.trigger);
  }

  /** A pass-through record (`passthroughLevel`), written at once with its request id. */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    this.replay(this.logger.child(passthroughFields(request), this.childOptions) as Stampable, record, record.level, false);
  }

  /** Flushes the destination synchronously when it can (sonic-boom: `pino.destination()`); other streams write as they can. */
  flushSync(): void {
    const stream = this.stream();
    if (typeof stream?.flushSync === 'function') stream.flushSync();
  }

  /** Waits for the destination to take what was written (`logger.flush(cb)`). */
  flush(): Promise<void> {
    return new Promise((resolve) => {
      try {
        this.logger.flush(() => resolve());
      } catch {
        resolve(); // a stream without flush: nothing to wait for
      }
    });
  }

  private replay(child: Stampable, record: IncidentRecord, level: LogLevel, isTrigger: boolean): void {
    const line: Record<string, unknown> = {};
    if (record.context !== undefined) line.context = record.context;
    if (isTrigger) line.trigger = true;
    if (level !== record.level) line.recordLevel = record.level;
    if (record.stack !== undefined || record.data !== undefined) line.err = errFields(record);
    const stamp = this.stamper;
    if (stamp !== undefined) {
      const timestamp = record.timestamp;
      child[this.timeSymbol!] = () => stamp(timestamp);
    } else {
      line.loggedAt = isoTime(record.timestamp); // a custom time format: the record's time as a field
    }
    child[PINO_LEVEL_NAMES[level]](line, record.message);
  }

  private stream(): SyncFlushable | undefined {
    for (let object: object | null = this.logger; object !== null; object = Object.getPrototypeOf(object)) {
      for (const symbol of Object.getOwnPropertySymbols(object)) {
        if (symbol.description === 'pino.stream') return (object as Record<symbol, SyncFlushable>)[symbol];
      }
    }
    return undefined;
  }
}

/**
 * The record's error as pino's err serializer writes an Error: `type`,
 * `message`, `stack`, then its own fields (`code`, `cause`…). A
 * null-prototype object: the serializer takes `type` from the constructor's
 * name, which would be `Object` for a plain one.
 */
function errFields(record: IncidentRecord): Record<string, unknown> {
  const err: Record<string, unknown> = Object.create(null);
  const { name, ...data } = record.data ?? {};
  err.type = typeof name === 'string' ? name : 'Error';
  err.message = record.message;
  if (record.stack !== undefined) err.stack = record.stack;
  for (const key of Object.keys(data)) if (!(key in err)) err[key] = data[key];
  return err;
}
