import { formatIncident } from '../../format/format-incident.util';
import type { IncidentFormat } from '../../format/incident-format.interface';
import type { Incident } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import type { ConsoleTargetOptions } from './console-target-options.interface';

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
