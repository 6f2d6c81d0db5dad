import type { IncidentFormat } from '../../format/incident-format.interface';

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
