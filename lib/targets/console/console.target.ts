import { formatIncident } from '../../format/format-incident.util';
import type { IncidentFormat } from '../../format/incident-format.interface';
import { formatRecordLine } from '../../format/record-line.util';
import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import { booleanOption, checkKnownKeys, enumOption, invalidOption, objectOption } from '../../shared/option-validation.util';
import type { ConsoleTargetOptions } from './console-target-options.interface';

const OWNER = 'ConsoleTarget';
const OPTION_NAMES = Object.keys({ format: true, colors: true, stream: true } satisfies Record<keyof ConsoleTargetOptions, true>);
const INCIDENT_FORMATS: readonly IncidentFormat[] = ['text', 'json'];

/**
 * Prints each incident as one block with a single `write` call, so blocks of
 * concurrent incidents never interleave; a pass-through record (its line
 * and stack lines) is one `write` call too. On Linux, writes to
 * process.stderr (file, pipe or TTY) are synchronous, so a `fatal` incident
 * is out before the process can exit.
 * @publicApi
 */
export class ConsoleTarget implements IncidentTarget {
  private readonly format: IncidentFormat;
  private readonly colors: boolean;
  private readonly stream: { write(chunk: string): unknown };

  constructor(options: ConsoleTargetOptions = {}) {
    objectOption(OWNER, 'options', options);
    checkKnownKeys(OWNER, options, OPTION_NAMES);
    const stream: unknown = options.stream ?? process.stderr;
    if (typeof stream !== 'object' || stream === null || typeof (stream as { write?: unknown }).write !== 'function') {
      invalidOption(OWNER, 'stream', 'an object with a write(chunk) method', stream);
    }
    this.stream = stream as { write(chunk: string): unknown };
    this.format = enumOption(OWNER, 'format', options.format, INCIDENT_FORMATS, 'text');
    const isTty = (this.stream as { isTTY?: boolean }).isTTY === true;
    this.colors = booleanOption(OWNER, 'colors', options.colors, isTty && !process.env.NO_COLOR);
  }

  write(incident: Incident): void {
    this.stream.write(formatIncident(incident, this.format, this.colors));
  }

  /** A pass-through record (`passthroughLevel`): its line, written at once. */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    this.stream.write(formatRecordLine(record, request, this.format, this.colors));
  }
}
