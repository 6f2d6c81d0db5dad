import type { LogLevel, LoggerService } from '@nestjs/common';
import { INCIDENT_LOGGER_BRAND } from './incident-logger-brand';
import { PINO_LEVEL_NAMES } from '../incident-replay.util';

// What LoggerServiceTarget needs to know of its delegate, read from its shape:
// lib/targets imports nothing from Nest or the loggers at runtime (they are
// optional peers, and the app may hold its own copy of each).

type Loose = Record<PropertyKey, unknown> | undefined;

function field(value: unknown, key: PropertyKey): unknown {
  try {
    return value !== null && (typeof value === 'object' || typeof value === 'function') ? (value as Loose)![key] : undefined;
  } catch {
    return undefined; // a throwing getter: not a shape we know
  }
}

/**
 * Why `delegate` would log back into this module, or undefined.
 * - `IncidentLogger`: replaying an incident into it would buffer the incident
 *   as records of a new one.
 * - Nest's `Logger` facade (`new Logger()` from @nestjs/common, or a
 *   subclass): it forwards every call to the logger given to
 *   `app.useLogger()`, which is `IncidentLogger` in an app that runs this
 *   module. Recognised by its shape rather than `instanceof` (no runtime
 *   import of Nest here, and an app can hold two copies of @nestjs/common):
 *   the class has the static `overrideLogger`, instances the `localInstance`
 *   getter; `ConsoleLogger` and the loggers of nestjs-pino and nest-winston
 *   have neither.
 */
export function reentrantDelegate(delegate: object): string | undefined {
  if (field(delegate, INCIDENT_LOGGER_BRAND) === true) return 'IncidentLogger itself';
  if (typeof field(field(delegate, 'constructor'), 'overrideLogger') === 'function' && 'localInstance' in delegate)
    return "Nest's Logger facade (it forwards to app.useLogger's logger, this module's IncidentLogger)";
  return undefined;
}

/** A pino instance: `isLevelEnabled` and the `levels.values` table. */
interface PinoLike {
  isLevelEnabled(level: string): boolean;
  levels: { values: Record<string, number> };
}

/** A winston logger: `isLevelEnabled` and a `levels` table of names. */
interface WinstonLike {
  isLevelEnabled(level: string): boolean;
  levels: Record<string, number>;
}

function isPino(value: unknown): value is PinoLike {
  return typeof field(value, 'isLevelEnabled') === 'function' && typeof field(field(value, 'levels'), 'values') === 'object';
}

function isWinston(value: unknown): value is WinstonLike {
  const levels = field(value, 'levels');
  return typeof field(value, 'isLevelEnabled') === 'function' && typeof levels === 'object' && field(levels, 'values') === undefined;
}

/**
 * The pino instance behind nestjs-pino's `Logger` and `NativeLogger`
 * (`delegate.logger` is a `PinoLogger`, whose `logger` getter returns the
 * request's child or the root instance). Read at each use: the getter
 * follows nestjs-pino's request context.
 */
export function pinoBehind(delegate: object): PinoLike | undefined {
  const inner = field(field(delegate, 'logger'), 'logger');
  return isPino(inner) ? inner : undefined;
}

/** nest-winston's `WinstonLogger` holds its winston logger as `logger`. */
export function winstonBehind(delegate: object): WinstonLike | undefined {
  const inner = field(delegate, 'logger');
  return isWinston(inner) ? inner : undefined;
}

const WINSTON_LEVELS: Record<LogLevel, string> = {
  verbose: 'verbose',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Whether the delegate writes `level`, when it can tell: its own
 * `isLevelEnabled` (ConsoleLogger, any LoggerService that has one), else
 * the level of the pino or winston logger behind it. Undefined: unknown.
 */
export function delegateWrites(delegate: LoggerService, level: LogLevel): boolean | undefined {
  try {
    const own = field(delegate, 'isLevelEnabled');
    if (typeof own === 'function') return (own as (level: LogLevel) => boolean).call(delegate, level) !== false;
    const pino = pinoBehind(delegate);
    if (pino !== undefined) return pino.isLevelEnabled(PINO_LEVEL_NAMES[level]);
    const winston = winstonBehind(delegate);
    if (winston !== undefined && WINSTON_LEVELS[level] in winston.levels) return winston.isLevelEnabled(WINSTON_LEVELS[level]);
  } catch {
    // a delegate whose level check throws: treated as unknown
  }
  return undefined;
}

type LogMethod = 'verbose' | 'debug' | 'log' | 'warn' | 'error' | 'fatal';

// `debug`, `verbose` and `fatal` are optional in Nest's LoggerService.
const FALLBACK: Record<LogLevel, LogLevel | undefined> = {
  verbose: 'debug',
  debug: 'log',
  log: undefined,
  warn: undefined,
  error: undefined,
  fatal: 'error',
};

/**
 * The delegate method that writes `level`: its own, or the next level up
 * the delegate has (`fatal` -> `error`, `verbose` -> `debug` -> `log`).
 * winston's default levels have no `fatal`: nest-winston's `fatal()` then
 * writes nothing (winston prints "Unknown logger level"), so `error` is
 * used.
 */
export function methodFor(delegate: LoggerService, level: LogLevel): LogMethod {
  let candidate: LogLevel | undefined = level;
  while (candidate !== undefined) {
    if (typeof field(delegate, candidate) === 'function') {
      if (candidate !== 'fatal') return candidate;
      const winston = winstonBehind(delegate);
      if (winston === undefined || 'fatal' in winston.levels) return candidate;
    }
    candidate = FALLBACK[candidate];
  }
  return 'log';
}
