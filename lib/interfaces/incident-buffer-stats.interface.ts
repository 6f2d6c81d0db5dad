/** Counters of the live request scopes. @publicApi */
export interface IncidentBufferStats {
  /** Request (and `run()`) scopes alive that hold records: a scope joins on its first record and leaves when its request ends. */
  liveScopes: number;
  /** Bytes held by their buffers together (estimated). */
  bufferedBytes: number;
  /** The budget `bufferedBytes` is kept under (`maxTotalBufferBytes`). */
  budgetBytes: number;
  /** Records evicted to keep all scopes together under the budget. */
  budgetEvictions: number;
}
