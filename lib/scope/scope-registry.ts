import type { IncidentScope } from './incident-scope';

/** Counters of the live request scopes. @publicApi */
export interface IncidentBufferStats {
  /** Request (and `run()`) scopes currently alive. */
  liveScopes: number;
  /** Bytes held by their buffers together (estimated). */
  bufferedBytes: number;
  /** The budget `bufferedBytes` is kept under (`maxTotalBufferBytes`). */
  budgetBytes: number;
  /** Records evicted to keep all scopes together under the budget. */
  budgetEvictions: number;
}

/**
 * Live request scopes and the bytes they hold together, so thousands of slow
 * concurrent requests cannot exhaust the heap. Over budget, the scope that is
 * writing gives up its oldest records first, down to its fair share
 * (budget / live scopes); then the oldest live scopes above their fair share do.
 */
export class ScopeRegistry {
  private readonly scopes = new Set<IncidentScope>();
  private bytes = 0;
  private evictions = 0;

  constructor(readonly budget: number) {}

  register(scope: IncidentScope): void {
    this.scopes.add(scope);
  }

  /** Forgets an ended scope (its bytes were already subtracted through adjust). */
  unregister(scope: IncidentScope): void {
    this.scopes.delete(scope);
  }

  live(): IterableIterator<IncidentScope> {
    return this.scopes.values();
  }

  /** Called by scopes whenever their byte total changes. */
  adjust(delta: number, writer: IncidentScope): void {
    this.bytes += delta;
    if (delta > 0 && this.bytes > this.budget) this.enforce(writer);
  }

  stats(): IncidentBufferStats {
    return { liveScopes: this.scopes.size, bufferedBytes: this.bytes, budgetBytes: this.budget, budgetEvictions: this.evictions };
  }

  private enforce(writer: IncidentScope): void {
    const fairShare = this.budget / Math.max(1, this.scopes.size);
    // Keep the writer's newest record: evicting it would lose what was just logged.
    while (this.bytes > this.budget && writer.size > 1 && writer.bytes > fairShare) this.evictFrom(writer);
    if (this.bytes <= this.budget) return;
    for (const scope of this.scopes) {
      while (this.bytes > this.budget && scope !== writer && scope.size > 0 && scope.bytes > fairShare) this.evictFrom(scope);
      if (this.bytes <= this.budget) return;
    }
  }

  private evictFrom(scope: IncidentScope): void {
    scope.evictOldest(); // reports its negative delta back through adjust()
    this.evictions++;
  }
}
