/** Options of `PinoTarget`. @publicApi */
export interface PinoTargetOptions {
  /**
   * The level each record is written at: `'record'`, its own; `'trigger'`,
   * the trigger's. A record written at another level than its own carries
   * `recordLevel`.
   * @default 'record'
   */
  level?: 'record' | 'trigger';
}
