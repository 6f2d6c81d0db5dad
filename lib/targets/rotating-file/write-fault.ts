import { describeFailure } from '../../shared/hostile-value.util';
import { InternalReporter } from '../../shared/internal-reporter';

function errorCode(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? code : describeFailure(error);
}

/**
 * The fault episode in progress, if any. A fault is reported when it starts
 * and again only if its error code changes, never per incident; the recovery
 * is reported too.
 */
export class WriteFault {
  /** Error code of the fault in progress. */
  current: string | undefined;
  /** Episodes so far. */
  episodes = 0;

  constructor(
    private readonly filename: string,
    private readonly reporter: InternalReporter,
  ) {}

  enter(step: 'open' | 'write', error: unknown): void {
    const code = errorCode(error);
    if (this.current === code) return;
    if (this.current === undefined) this.episodes++;
    this.current = code;
    this.reporter.report(`rotating-file:${this.filename}:${step}:${code}`, this.describe(step, code, error));
  }

  /** Ends the episode; false when there was none. */
  leave(): boolean {
    if (this.current === undefined) return false;
    this.reporter.report(
      `rotating-file:${this.filename}:recovered`,
      `RotatingFileTarget: writing to ${this.filename} again (after ${this.current})`,
    );
    this.current = undefined;
    return true;
  }

  private describe(step: string, code: string, error: unknown): string {
    const what =
      code === 'ELOOP'
        ? `refusing to open ${this.filename}: it is a symbolic link (set allowSymlink: true to write through it)`
        : code === 'EISDIR'
          ? `cannot open ${this.filename}: it is a directory`
          : `cannot ${step} ${this.filename}: ${describeFailure(error)}`;
    return `RotatingFileTarget: ${what}. Incidents are kept (up to maxPendingBytes) and retried; beyond that they are dropped and counted, and a marker line records the loss`;
  }
}
