import { performance } from 'node:perf_hooks';

const PREFIX = '[nestjs-incident-logger]';
const QUIET_PERIOD_MS = 60_000;

interface ReportState {
  lastAt: number;
  suppressed: number;
}

/**
 * The library's own failures go straight to stderr, never through a logger
 * (that could recurse), and each kind is reported at most once a minute.
 * `scrub` redacts every line (a failure message can quote logged data).
 */
export class InternalReporter {
  private readonly reports = new Map<string, ReportState>();

  constructor(
    private readonly write: (line: string) => void = (line) => process.stderr.write(line),
    private readonly scrub: (text: string) => string = (text) => text,
  ) {}

  report(kind: string, message: string): void {
    const now = performance.now(); // monotonic: immune to clock steps
    const state = this.reports.get(kind);
    if (state && now - state.lastAt < QUIET_PERIOD_MS) {
      state.suppressed++;
      return;
    }
    const suppressed = state?.suppressed ? ` (${state.suppressed} similar reports suppressed)` : '';
    this.reports.set(kind, { lastAt: now, suppressed: 0 });
    try {
      this.write(`${PREFIX} ${this.scrub(message)}${suppressed}\n`);
    } catch {
      // stderr itself is gone: nothing left to tell.
    }
  }
}
