import { Inject, Injectable, LoggerService, LogLevel } from '@nestjs/common';
import { IncidentEngine } from './engine/incident-engine';
import type { SetFlushLevelOptions } from './interfaces/incident-policy-options.interface';
import { INCIDENT_LOGGER_BRAND } from './targets/logger-service/incident-logger-brand';

/**
 * Nest `LoggerService` that buffers records below `flushLevel` in the current
 * scope and writes the scope's window to the targets when a record at or above
 * it arrives. A default-scope singleton: the per-request state lives in
 * AsyncLocalStorage, so `app.get(IncidentLogger)` and `app.useLogger()` work.
 * Created by Nest's DI only (`IncidentLoggerModule`).
 * @publicApi
 */
@Injectable()
export class IncidentLogger implements LoggerService {
  /** @internal */
  constructor(@Inject(IncidentEngine) private readonly engine: IncidentEngine) {}

  verbose(message: any, ...optionalParams: any[]): void {
    this.engine.log('verbose', 0, message, optionalParams);
  }

  debug(message: any, ...optionalParams: any[]): void {
    this.engine.log('debug', 1, message, optionalParams);
  }

  log(message: any, ...optionalParams: any[]): void {
    this.engine.log('log', 2, message, optionalParams);
  }

  warn(message: any, ...optionalParams: any[]): void {
    this.engine.log('warn', 3, message, optionalParams);
  }

  error(message: any, ...optionalParams: any[]): void {
    this.engine.log('error', 4, message, optionalParams);
  }

  fatal(message: any, ...optionalParams: any[]): void {
    this.engine.log('fatal', 5, message, optionalParams);
  }

  /** Same semantics as Nest's `logLevels`: listed levels, plus every level above the highest listed. */
  setLogLevels(levels: LogLevel[]): void {
    this.engine.setLogLevels(levels);
  }

  /**
   * Changes `flushLevel` on a live process (incident response: `'log'` for
   * ten minutes with `{ forMs: 600_000 }`, then back to the configured one).
   * `contextFlushLevels` stay as configured.
   */
  setFlushLevel(level: LogLevel, options?: SetFlushLevelOptions): void {
    this.engine.setFlushLevel(level, options);
  }

  isLevelEnabled(level: LogLevel): boolean {
    return this.engine.isLevelEnabled(level);
  }
}

// LoggerServiceTarget refuses this logger as its delegate (the replay would
// log into the module again); the brand lets it tell without importing this
// class. On the prototype, non-enumerable: not a member of the public type.
Object.defineProperty(IncidentLogger.prototype, INCIDENT_LOGGER_BRAND, { value: true });
