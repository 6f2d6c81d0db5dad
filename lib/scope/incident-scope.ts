import type { LogLevel } from '@nestjs/common';
import type { IncidentOutcome, IncidentRecord, IncidentRequest, IncidentScopeKind } from '../interfaces/incident.interface';
import { type DropCounters, DropTally } from './drop-tally';
import { levelValue } from '../shared/log-levels';
import { requestIdFrom } from './request-id.util';
import { parseTraceparent, type TraceContext } from '../trace/trace-context';
import { RingBuffer } from './ring-buffer';
import type { BudgetedScope, ScopeRegistry } from './scope-registry';
import { ScopeState } from './scope-state';

/** What a scope hands over when its window is taken for an incident. */
export interface ScopeWindow {
  /** Oldest first: the main ring and the reserved warnings merged in logging order. */
  records: IncidentRecord[];
  dropped: number;
  /** What was dropped, by level and time; undefined when nothing was. */
  tally: DropTally | undefined;
}

/**
 * What a request scope knows of its request when it opens. The id is settled
 * on first read of `IncidentScope.request` (an incident, `IncidentBuffer.request`,
 * the response header): `id` when given, else the `idHeader` value when valid,
 * else a generated one. Most requests never need it, so most never pay for it.
 */
export interface ScopeRequest {
  /** @default 'http' (left out by the middleware: one field less per request) */
  kind?: IncidentScopeKind;
  method: string;
  url: string;
  id?: string;
  /** The request id of the scope this one was opened in. */
  parentId?: string;
  /** The raw request-id header (string, string[] or undefined). */
  idHeader?: unknown;
  /** The trace context known when the scope opened (the active span, the parent scope's). */
  trace?: TraceContext;
  /** The raw `traceparent` header, parsed when the request settles, if `trace` is not given. */
  traceHeader?: unknown;
}

/** The end of a request as a scope sees it (a `ServerResponse` is one). */
export interface ScopeEndSignal {
  /** True once 'close' was emitted. */
  readonly closed: boolean;
  /** The status sent, once the response is complete. */
  readonly statusCode?: number;
  /** True once the whole response was handed to the OS. */
  readonly writableFinished?: boolean;
  /** True once the status line and headers are out (the incident header can no longer be set). */
  readonly headersSent?: boolean;
  setHeader?(name: string, value: string): unknown;
  on(event: 'close', listener: () => void): unknown;
}

/** Per-engine settings every scope shares (one object, one field per scope). */
export interface ScopeConfig {
  /** Records kept in the main ring. */
  capacity: number;
  maxBytes: number;
  /** Capacity of the reserved-warnings ring (0: none). */
  reserved: number;
  counters: DropCounters;
  /** Called when a watched request's response closes (the engine decides the outcome, then ends the scope). */
  onEnd(scope: IncidentScope): void;
  /**
   * A log call that reached another engine while this scope is current (Nest's
   * `Logger` is process-wide: with two apps in one process, the last
   * `useLogger()` receives every app's lines): handed to the engine that
   * opened the scope, so its lines land in its window and its targets.
   */
  log?(level: LogLevel, value: number, message: unknown, params: unknown[]): void;
  /** Called when the exception the request threw is noted, before Nest replies (the incident header is set then). */
  onException?(scope: IncidentScope, exception: unknown): void;
}

/** A reserved warning and how many main-ring records were pushed before it, to merge the two in order. */
class ReservedEntry {
  constructor(
    readonly record: IncidentRecord,
    readonly at: number,
  ) {}
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
  /** Warnings below the flush level, kept apart so a debug flood cannot evict them. */
  private reserve: RingBuffer<ReservedEntry> | undefined;
  /** Records pushed to the main ring since the window started (positions for the merge). */
  private pushes = 0;
  private droppedSinceTake = 0;
  private tally: DropTally | undefined;
  private source: ScopeRequest | undefined;
  private settled: IncidentRequest | undefined;
  private settledTrace: TraceContext | undefined;
  private watching = false;
  private extra: ScopeState | undefined;
  /** Set when the request's response is closed (or the `run()` work settled), as far as the scope needed to know. */
  ended = false;
  /** How the scope's unit of work ended, once it has (a field, not state: every request ends). */
  outcome: IncidentOutcome | undefined = undefined;
  /** Epoch ms the scope opened (its outcome's duration starts here). */
  readonly startedAt = Date.now();

  constructor(
    readonly kind: 'request' | 'global',
    /** The settings of the engine that opened the scope (compared by identity: which engine owns it). */
    readonly config: ScopeConfig,
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
      const { id, idHeader, kind, method, url, parentId, trace, traceHeader } = this.source;
      const settled: IncidentRequest = { id: id ?? requestIdFrom(idHeader), kind: kind ?? 'http', method, url };
      if (parentId !== undefined) settled.parentId = parentId;
      this.settled = settled;
      this.settledTrace = trace ?? parseTraceparent(traceHeader);
      this.source = undefined;
    }
    return this.settled;
  }

  /** The trace the scope runs in, settled with the request (parsed once); undefined for the global scope or when none was known. */
  get trace(): TraceContext | undefined {
    if (this.source !== undefined) void this.request;
    return this.settledTrace;
  }

  /**
   * Says what the unit of work turned out to be (a GraphQL operation is an
   * HTTP request until its resolver runs). A new object: the redacted form
   * the engine caches per request object is rebuilt.
   */
  relabel(kind: IncidentScopeKind, operation: string): void {
    const request = this.request;
    if (request === undefined || request.operation !== undefined) return;
    this.settled = { ...request, kind, operation };
  }

  /** Whether the engine whose settings these are opened this scope (several apps in one process share the store). */
  openedWith(config: ScopeConfig): boolean {
    return this.config === config;
  }

  /** The exception the unit of work threw (the exception observer, before Nest replies). */
  noteException(exception: unknown): void {
    const state = this.state;
    state.exception = exception;
    state.hasException = true;
    this.config.onException?.(this, exception);
  }

  /** The scope's state beyond its records, created on first use. */
  get state(): ScopeState {
    return (this.extra ??= new ScopeState());
  }

  /** The state if any was created (reading it does not allocate). */
  get stateIfAny(): ScopeState | undefined {
    return this.extra;
  }

  /** The response, for the outcome (status, whether it completed). */
  get signal(): ScopeEndSignal | undefined {
    return this.endSignal;
  }

  get size(): number {
    return (this.ring ? this.ring.size : 0) + (this.reserve ? this.reserve.size : 0);
  }

  get bytes(): number {
    return (this.ring ? this.ring.totalWeight : 0) + (this.reserve ? this.reserve.totalWeight : 0);
  }

  get dropped(): number {
    return this.droppedSinceTake;
  }

  add(record: IncidentRecord, bytes: number): void {
    let ring = this.ring;
    if (ring === undefined) {
      // Allocated on first use: a request that logs nothing costs no ring.
      ring = this.ring = new RingBuffer(this.config.capacity, this.config.maxBytes);
      this.joinBudget();
    }
    const before = ring.totalWeight;
    // Evicted here, not inside push(): each dropped record is counted by level and time (kept off push, the hot path).
    if (ring.wouldEvict(bytes)) this.makeRoom(ring, bytes);
    ring.push(record, bytes);
    this.pushes++;
    this.registry?.adjust(ring.totalWeight - before, this);
  }

  /** A warning below the flush level: kept in the reserved ring when there is one, else in the main ring. */
  addReserved(record: IncidentRecord, bytes: number): void {
    if (this.config.reserved === 0) return this.add(record, bytes);
    let reserve = this.reserve;
    if (reserve === undefined) {
      reserve = this.reserve = new RingBuffer(this.config.reserved, this.config.maxBytes);
      if (this.ring === undefined) this.joinBudget();
    }
    const before = reserve.totalWeight;
    while (reserve.wouldEvict(bytes)) {
      this.evicted(reserve.oldest()!.record);
      reserve.dropOldest();
    }
    reserve.push(new ReservedEntry(record, this.pushes), bytes);
    this.registry?.adjust(reserve.totalWeight - before, this);
  }

  private makeRoom(ring: RingBuffer<IncidentRecord>, bytes: number): void {
    while (ring.wouldEvict(bytes)) {
      this.evicted(ring.oldest()!);
      ring.dropOldest();
    }
  }

  /** A record fell off a ring: counted for the incident (by level and time) and for `stats()`. */
  private evicted(record: IncidentRecord): void {
    this.droppedSinceTake++;
    const value = levelValue(record.level);
    (this.tally ??= new DropTally()).note(value, record.timestamp);
    this.config.counters.countValue(value);
  }

  /** Drops the oldest record (counted as dropped); returns the bytes released. */
  evictOldest(): number {
    const ring = this.ring !== undefined && this.ring.size > 0 ? this.ring : this.reserve;
    if (ring === undefined || ring.size === 0) return 0;
    const oldest = ring.oldest()!;
    this.evicted(oldest instanceof ReservedEntry ? oldest.record : oldest);
    const released = ring.dropOldest();
    this.registry?.adjust(-released, this);
    return released;
  }

  /** The buffered records, oldest first (reserved warnings merged in logging order). */
  snapshot(): IncidentRecord[] {
    const main = this.ring ? this.ring.toArray() : [];
    if (this.reserve === undefined || this.reserve.size === 0) return main;
    const firstIndex = this.pushes - main.length;
    const merged: IncidentRecord[] = [];
    let next = 0;
    for (const entry of this.reserve.toArray()) {
      // Main records pushed before this warning come before it.
      while (next < main.length && firstIndex + next < entry.at) merged.push(main[next++]);
      merged.push(entry.record);
    }
    while (next < main.length) merged.push(main[next++]);
    return merged;
  }

  /**
   * Returns the window and starts a new one. Records logged before
   * `now - maxAgeMs` are left out and counted as dropped.
   */
  take(now = Date.now(), maxAgeMs?: number): ScopeWindow {
    let records = this.snapshot();
    if (maxAgeMs !== undefined) {
      const oldest = now - maxAgeMs;
      if (records.some((record) => record.timestamp < oldest)) {
        records = records.filter((record) => {
          if (record.timestamp >= oldest) return true;
          this.evicted(record);
          return false;
        });
      }
    }
    const window = { records, dropped: this.droppedSinceTake, tally: this.tally };
    this.clear();
    return window;
  }

  clear(): void {
    let released = 0;
    if (this.ring) {
      released += this.ring.totalWeight;
      this.ring.clear();
    }
    if (this.reserve) {
      released += this.reserve.totalWeight;
      this.reserve.clear();
    }
    if (released > 0) this.registry?.adjust(-released, this);
    this.pushes = 0;
    this.droppedSinceTake = 0;
    this.tally = undefined;
  }

  /**
   * The request is over. Work it started and did not await (a timer, a
   * promise) may still log, and its records still belong to this request, so
   * the ring stays; it leaves the live-scope registry and its budget, and is
   * garbage-collected with the request's last async resource.
   */
  end(outcome?: IncidentOutcome): void {
    if (this.ended) return;
    this.ended = true;
    this.outcome = outcome;
    const registry = this.registry;
    this.registry = undefined;
    // Registered only once it buffered a record (a ring exists).
    if (registry !== undefined && (this.ring !== undefined || this.reserve !== undefined)) {
      registry.adjust(-this.bytes, this);
      registry.unregister(this);
    }
  }

  /**
   * Listen for the response's 'close' (once): the scope holds records, or was
   * marked, so its end matters. False when the response is already closed.
   */
  watchEnd(): boolean {
    const signal = this.endSignal;
    if (signal === undefined || this.watching) return true;
    if (signal.closed) return false;
    this.watching = true;
    // on(), not once(): 'close' is emitted once, and once() binds a wrapper and allocates its state on every
    // call (measured: ~14,000 instructions per request on Node 20; a shared listener finding the scope through
    // a property of the response cost more still there).
    signal.on('close', () => this.config.onEnd(this));
    return true;
  }

  /** First record: the scope now holds memory, so it counts in the budget until its request ends. */
  private joinBudget(): void {
    const registry = this.registry;
    if (registry === undefined) return;
    if (!this.watchEnd()) {
      // A late record (a timer the request did not await): the request is over, nothing would end the scope.
      this.ended = true;
      this.registry = undefined;
      return;
    }
    registry.register(this);
  }
}
