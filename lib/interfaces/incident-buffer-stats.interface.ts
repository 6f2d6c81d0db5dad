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
