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

/**
 * What PinoTarget uses of a pino logger (`pino()` or a child of one): a
 * structural type, so the typings of this package do not import pino (an
 * optional peer) and compile in an app without it.
 * @publicApi
 */
export interface PinoInstance {
  child(bindings: Record<string, unknown>, options?: { level?: string }): PinoInstance;
  trace(obj: object, msg?: string): void;
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  fatal(obj: object, msg?: string): void;
  flush(callback?: (error?: Error) => void): void;
  levels: { values: Record<string, number> };
}
