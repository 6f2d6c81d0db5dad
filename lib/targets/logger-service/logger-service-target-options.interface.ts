/** Options of `LoggerServiceTarget`. @publicApi */
export interface LoggerServiceTargetOptions {
  /**
   * The level each replayed record is written at: `'record'`, its own (a
   * debug line as `debug`); `'trigger'`, the trigger's (the whole window at
   * `error`, so a delegate set to `info` keeps the debug lines that explain
   * it). A record written at another level than its own carries
   * `recordLevel`.
   * @default 'record'
   */
  level?: 'record' | 'trigger';
}
