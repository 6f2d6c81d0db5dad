import { performance } from 'node:perf_hooks';
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
const ROTATION_RETRY_MIN_MS = 1_000;
const ROTATION_RETRY_MAX_MS = 60_000;

/** A delay that doubles on each use, from `min` up to `max`. */
class Backoff {
  private delay: number;

  constructor(
    private readonly min: number,
    private readonly max: number,
  ) {
    this.delay = min;
  }

  get current(): number {
    return this.delay;
  }

  /** The delay to wait now; the one after is twice as long. */
  next(): number {
    const delay = this.delay;
    this.delay = Math.min(delay * 2, this.max);
    return delay;
  }

  reset(): void {
    this.delay = this.min;
  }
}

/**
 * When to try writing again after a fault: one timer at a time, unref'd so an
 * idle process still exits, backing off from 100 ms to 5 s until a write
 * succeeds.
 */
export class RetrySchedule {
  private timer: NodeJS.Timeout | undefined;
  private readonly backoff = new Backoff(RETRY_MIN_MS, RETRY_MAX_MS);

  /** Runs `retry` after the current delay, replacing a retry already planned. */
  start(retry: () => void): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      retry();
    }, this.backoff.next());
    this.timer.unref();
  }

  cancel(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** A write succeeded: the next fault starts again from the shortest delay. */
  reset(): void {
    this.backoff.reset();
  }
}

/**
 * After a failed rotation writing goes on into the current file, and rotation
 * is not tried again for a while (1 s, doubling up to 60 s), so a rename that
 * keeps failing is not retried before every batch.
 */
export class RotationRetryWindow {
  private blockedUntil = 0;
  private readonly backoff = new Backoff(ROTATION_RETRY_MIN_MS, ROTATION_RETRY_MAX_MS);

  /** How long rotation will be held off if the current attempt fails. */
  get nextDelay(): number {
    return this.backoff.current;
  }

  isOpen(): boolean {
    return performance.now() >= this.blockedUntil;
  }

  failed(): void {
    // Monotonic: a wall clock set back would stretch the hold-off.
    this.blockedUntil = performance.now() + this.backoff.next();
  }

  succeeded(): void {
    this.backoff.reset();
  }
}
