import type { IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import { requestIdFrom } from './request-id.util';
import { RingBuffer } from './ring-buffer';
import type { BudgetedScope, ScopeRegistry } from './scope-registry';

/** What a scope hands over when its window is taken for an incident. */
export interface ScopeWindow {
  records: IncidentRecord[];
  dropped: number;
}

/**
 * What a request scope knows of its request when it opens. The id is settled
 * on first read of `IncidentScope.request` (an incident, `IncidentBuffer.request`,
 * the response header): `id` when given, else the `idHeader` value when valid,
 * else a generated one. Most requests never need it, so most never pay for it.
 */
export interface ScopeRequest {
  method: string;
  url: string;
  id?: string;
  /** The raw request-id header (string, string[] or undefined). */
  idHeader?: unknown;
}

/** The end of a request as a scope sees it (a `ServerResponse` is one). */
export interface ScopeEndSignal {
  /** True once 'close' was emitted. */
  readonly closed: boolean;
  once(event: 'close', listener: () => void): unknown;
}

/**
 * The buffer of one unit of work: an HTTP request, an `IncidentBuffer.run()`
 * call, or the process-wide global scope. It lives in the AsyncLocalStorage
 * store, so it is released with the request instead of living in a map.
 *
 * A request scope costs nothing beyond this object until its first record:
 * only then does it allocate its ring, join the live scopes of the memory
 * budget and listen for the end of its request (a route that logs nothing
 * pays neither a registry entry nor a 'close' listener).
 */
export class IncidentScope implements BudgetedScope {
  private ring: RingBuffer<IncidentRecord> | undefined;
  private droppedSinceTake = 0;
  private source: ScopeRequest | undefined;
  private settled: IncidentRequest | undefined;
  /** Set when the request's response is closed (or the `run()` work settled), as far as the scope needed to know. */
  ended = false;

  constructor(
    readonly kind: 'request' | 'global',
    private readonly capacity: number,
    private readonly maxBytes: number,
    request?: ScopeRequest,
    /** Undefined once the scope has ended: it no longer counts in the budget. */
    private registry?: ScopeRegistry<IncidentScope>,
    private readonly endSignal?: ScopeEndSignal,
  ) {
    this.source = request;
  }

  /** The request, with its id settled on first read; undefined for the global scope. */
  get request(): IncidentRequest | undefined {
    if (this.settled === undefined && this.source !== undefined) {
      const { id, idHeader, method, url } = this.source;
      this.settled = { id: id ?? requestIdFrom(idHeader), method, url };
      this.source = undefined;
    }
    return this.settled;
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
    let ring = this.ring;
    if (ring === undefined) {
      // Allocated on first use: a request that logs nothing costs no ring.
      ring = this.ring = new RingBuffer(this.capacity, this.maxBytes);
      this.joinBudget();
    }
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
    const registry = this.registry;
    this.registry = undefined;
    // Registered only once it buffered a record (the ring exists).
    if (registry !== undefined && this.ring !== undefined) {
      registry.adjust(-this.bytes, this);
      registry.unregister(this);
    }
  }

  /** First record: the scope now holds memory, so it counts in the budget until its request ends. */
  private joinBudget(): void {
    const registry = this.registry;
    if (registry === undefined) return;
    if (this.endSignal !== undefined) {
      if (this.endSignal.closed) {
        // A late record (a timer the request did not await): the request is over, nothing would end the scope.
        this.ended = true;
        this.registry = undefined;
        return;
      }
      this.endSignal.once('close', () => this.end());
    }
    registry.register(this);
  }
}
