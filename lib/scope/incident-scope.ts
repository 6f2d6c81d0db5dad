import type { IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import { RingBuffer } from './ring-buffer';
import type { BudgetedScope, ScopeRegistry } from './scope-registry';

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
export class IncidentScope implements BudgetedScope {
  private ring: RingBuffer<IncidentRecord> | undefined;
  private droppedSinceTake = 0;
  /** Set when the request's response is finished (or the `run()` work settled). */
  ended = false;

  constructor(
    readonly kind: 'request' | 'global',
    private readonly capacity: number,
    private readonly maxBytes: number,
    readonly request?: IncidentRequest,
    private registry?: ScopeRegistry<IncidentScope>,
  ) {
    registry?.register(this);
  }

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
    const before = ring.totalWeight;
    this.droppedSinceTake += ring.push(record, bytes);
    this.registry?.adjust(ring.totalWeight - before, this);
  }

  /** Drops the oldest record (counted as dropped); returns the bytes released. */
  evictOldest(): number {
    if (!this.ring || this.ring.size === 0) return 0;
    this.droppedSinceTake++;
    const released = this.ring.dropOldest();
    this.registry?.adjust(-released, this);
    return released;
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
    if (this.ring) {
      const released = this.ring.totalWeight;
      this.ring.clear();
      this.registry?.adjust(-released, this);
    }
    this.droppedSinceTake = 0;
  }

  /**
   * The request is over. Work it started and did not await (a timer, a
   * promise) may still log, and its records still belong to this request, so
   * the ring stays; it leaves the live-scope registry and its budget, and is
   * garbage-collected with the request's last async resource.
   */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.registry?.adjust(-this.bytes, this);
    this.registry?.unregister(this);
    this.registry = undefined;
  }
}
