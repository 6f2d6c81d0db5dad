/** Options of `IncidentBuffer.run()`. @publicApi */
export interface IncidentScopeOptions {
  /** Id shown on the scope's incidents (a job id, a message id). Generated when absent. */
  id?: string;
  /** What the scope is, shown where a request shows method and URL. @default 'RUN' */
  method?: string;
  /** Name of the unit of work (queue, job, script). @default '' */
  url?: string;
}
