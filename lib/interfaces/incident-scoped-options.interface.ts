/** Options of the `@IncidentScoped()` method decorator. @publicApi */
export interface IncidentScopedOptions {
  /** Name of the unit of work, shown where a request shows its URL. @default '<ClassName>.<methodName>' */
  name?: string;
  /**
   * The scope's id, from the call's arguments (a job id, a message id):
   * `(job: Job) => job.id`. Generated when absent, or when it returns
   * nothing or throws.
   */
  id?: (...args: never[]) => unknown;
}
