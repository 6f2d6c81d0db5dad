/** The memory part of `IncidentBufferStats`. */
export interface RegistryStats {
  liveScopes: number;
  bufferedBytes: number;
  budgetBytes: number;
  budgetEvictions: number;
}

/** What the registry needs of a scope: its size, and a way to make it smaller. */
export interface BudgetedScope {
  readonly size: number;
  readonly bytes: number;
  /** Drops the oldest record; reports the released bytes back through `adjust`. */
  evictOldest(): number;
}

/**
 * Live request scopes and the bytes they hold together, so thousands of slow
 * concurrent requests cannot exhaust the heap. Over budget, the scope that is
 * writing gives up its oldest records first, down to its fair share
 * (budget / live scopes); then the oldest live scopes above their fair share do.
 */
export class ScopeRegistry<S extends BudgetedScope = BudgetedScope> {
  private readonly scopes = new Set<S>();
  private bytes = 0;
  private evictions = 0;

  constructor(readonly budget: number) {}

  register(scope: S): void {
    this.scopes.add(scope);
  }

  /** Forgets an ended scope (its bytes were already subtracted through adjust). */
  unregister(scope: S): void {
    this.scopes.delete(scope);
  }

  live(): IterableIterator<S> {
    return this.scopes.values();
  }

  /** Called by scopes whenever their byte total changes. */
  adjust(delta: number, writer: BudgetedScope): void {
    this.bytes += delta;
    if (delta > 0 && this.bytes > this.budget) this.enforce(writer);
  }

  stats(): RegistryStats {
    return { liveScopes: this.scopes.size, bufferedBytes: this.bytes, budgetBytes: this.budget, budgetEvictions: this.evictions };
  }

  private enforce(writer: BudgetedScope): void {
    const fairShare = this.budget / Math.max(1, this.scopes.size);
    // Keep the writer's newest record: evicting it would lose what was just logged.
    while (this.bytes > this.budget && writer.size > 1 && writer.bytes > fairShare) this.evictFrom(writer);
    if (this.bytes <= this.budget) return;
    for (const scope of this.scopes) {
      while (this.bytes > this.budget && scope !== writer && scope.size > 0 && scope.bytes > fairShare) this.evictFrom(scope);
      if (this.bytes <= this.budget) return;
    }
  }

  private evictFrom(scope: BudgetedScope): void {
    scope.evictOldest(); // reports its negative delta back through adjust()
    this.evictions++;
  }
}
