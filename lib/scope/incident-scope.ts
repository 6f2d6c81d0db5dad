import { RingBuffer } from '../buffer/ring-buffer';
import type { IncidentRecord, IncidentRequest } from '../interfaces';

/** What a scope hands over when its window is taken for an incident. */
export interface ScopeWindow {
  records: IncidentRecord[];
  dropped: number;
}

/**
 * The buffer of one unit of work: an HTTP request, an `IncidentBuffer.run()`
 * call, or the process-wide global scope. It lives in the AsyncLocalStorage
 * store, so it is released with the request instead of living in a map.
 */
export class IncidentScope {
  private ring: RingBuffer<IncidentRecord> | undefined;
  private droppedSinceTake = 0;
  /** Set when the request's response is finished; later records go to the global scope. */
  ended = false;

  constructor(
    readonly kind: 'request' | 'global',
    private readonly capacity: number,
    private readonly maxBytes: number,
    readonly request?: IncidentRequest,
  ) {}

  get size(): number {
    return this.ring ? this.ring.size : 0;
  }

  get bytes(): number {
    return this.ring ? this.ring.totalWeight : 0;
  }

  get dropped(): number {
    return this.droppedSinceTake;
  }

  add(record: IncidentRecord, bytes: number): void {
    // Allocated on first use: a request that logs nothing costs no ring.
    const ring = this.ring ?? (this.ring = new RingBuffer(this.capacity, this.maxBytes));
    this.droppedSinceTake += ring.push(record, bytes);
  }

  /** Drops the oldest record; returns the bytes released. */
  evictOldest(): number {
    if (!this.ring || this.ring.size === 0) return 0;
    this.droppedSinceTake++;
    return this.ring.dropOldest();
  }

  snapshot(): IncidentRecord[] {
    return this.ring ? this.ring.toArray() : [];
  }

  /** Returns the window and starts a new one. */
  take(): ScopeWindow {
    const window = { records: this.snapshot(), dropped: this.droppedSinceTake };
    this.clear();
    return window;
  }

  clear(): void {
    this.ring?.clear();
    this.droppedSinceTake = 0;
  }
}
