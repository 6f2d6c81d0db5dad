import type { Incident, IncidentTarget } from '../interfaces';
import { formatIncident } from '../format/format-incident.util';
import type { IncidentFormat } from '../format/incident-format.interface';

/** Options of `ConsoleTarget`. @publicApi */
export interface ConsoleTargetOptions {
  /** @default 'text' */
  format?: IncidentFormat;
  /**
   * ANSI colours for levels in text format.
   * @default true when the stream is a TTY and `NO_COLOR` is not set
   */
  colors?: boolean;
  /**
   * Where to write. Anything with a `write(string)` method.
   * @default process.stderr
   */
  stream?: { write(chunk: string): unknown };
}

/**
 * Prints each incident as one block with a single `write` call, so blocks of
 * concurrent incidents never interleave. On Linux, writes to process.stderr
 * (file, pipe or TTY) are synchronous, so a `fatal` incident is out before
 * the process can exit.
 * @publicApi
 */
export class ConsoleTarget implements IncidentTarget {
  private readonly format: IncidentFormat;
  private readonly colors: boolean;
  private readonly stream: { write(chunk: string): unknown };

  constructor(options: ConsoleTargetOptions = {}) {
    this.stream = options.stream ?? process.stderr;
    this.format = options.format ?? 'text';
    const isTty = (this.stream as { isTTY?: boolean }).isTTY === true;
    this.colors = options.colors ?? (isTty && !process.env.NO_COLOR);
  }

  write(incident: Incident): void {
    this.stream.write(formatIncident(incident, this.format, this.colors));
  }
}
