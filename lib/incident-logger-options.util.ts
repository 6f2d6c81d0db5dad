import type { LogLevel } from '@nestjs/common';
import {
  ALL_LOG_LEVELS,
  DEFAULT_BUFFER_SIZE,
  DEFAULT_FLUSH_LEVEL,
  DEFAULT_MAX_BUFFER_BYTES,
  DEFAULT_MAX_TOTAL_BUFFER_BYTES,
  DEFAULT_REQUEST_ID_HEADER,
  LOG_LEVEL_VALUES,
} from './incident-logger.constants';
import type { CapturePolicy } from './capture/capture-records.util';
import { resolveCapturePolicy } from './capture/capture-policy.util';
import type { IncidentLoggerModuleOptions } from './interfaces';

/** Options with every default applied; produced once, by `resolveOptions`. */
export interface ResolvedIncidentLoggerOptions {
  bufferSize: number;
  maxBufferBytes: number;
  maxTotalBufferBytes: number;
  flushLevel: LogLevel;
  logLevels: LogLevel[];
  targets: NonNullable<IncidentLoggerModuleOptions['targets']> | undefined;
  mountMiddleware: boolean;
  requestIdHeader: string;
  setResponseHeader: boolean;
  flushOnCrash: boolean;
  dumpSignal: NodeJS.Signals | undefined;
  /** Bounds and redaction applied when a record is captured. */
  capture: CapturePolicy;
}

function fail(message: string): never {
  throw new Error(`IncidentLoggerModule: ${message}`);
}

function checkLevel(name: string, level: unknown): LogLevel {
  if (typeof level !== 'string' || !(level in LOG_LEVEL_VALUES)) {
    fail(`${name} must be one of ${ALL_LOG_LEVELS.join(', ')}; got ${JSON.stringify(level)}`);
  }
  return level as LogLevel;
}

function checkPositiveInteger(name: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) {
    fail(`${name} must be a positive integer; got ${String(value)}`);
  }
  return value;
}

function checkSignal(signal: unknown): NodeJS.Signals | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal) || signal === 'SIGKILL' || signal === 'SIGSTOP') {
    fail(`dumpSignal must be a catchable signal name such as 'SIGUSR2'; got ${JSON.stringify(signal)}`);
  }
  return signal as NodeJS.Signals;
}

/** Redaction and capture bounds; a bad setting fails startup like any other option. */
function resolveCapture(options: IncidentLoggerModuleOptions): CapturePolicy {
  try {
    return resolveCapturePolicy(options.redact, options.captureLimits);
  } catch (error) {
    return fail((error as Error).message);
  }
}

/** Validates user options and applies defaults; the one place defaults live. */
export function resolveOptions(options: IncidentLoggerModuleOptions = {}): ResolvedIncidentLoggerOptions {
  const logLevels = options.logLevels ?? [...ALL_LOG_LEVELS];
  if (!Array.isArray(logLevels)) fail('logLevels must be an array of log levels');
  logLevels.forEach((level) => checkLevel('logLevels[]', level));
  if (options.targets !== undefined && !Array.isArray(options.targets)) fail('targets must be an array');
  const header = options.requestIdHeader ?? DEFAULT_REQUEST_ID_HEADER;
  if (typeof header !== 'string' || !/^[a-z0-9-]+$/i.test(header)) {
    fail(`requestIdHeader must be a header name; got ${JSON.stringify(header)}`);
  }
  return {
    bufferSize: checkPositiveInteger('bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE),
    maxBufferBytes: checkPositiveInteger('maxBufferBytes', options.maxBufferBytes, DEFAULT_MAX_BUFFER_BYTES),
    maxTotalBufferBytes: checkPositiveInteger('maxTotalBufferBytes', options.maxTotalBufferBytes, DEFAULT_MAX_TOTAL_BUFFER_BYTES),
    flushLevel: checkLevel('flushLevel', options.flushLevel ?? DEFAULT_FLUSH_LEVEL),
    logLevels: [...logLevels],
    targets: options.targets,
    mountMiddleware: options.mountMiddleware ?? true,
    requestIdHeader: header.toLowerCase(),
    setResponseHeader: options.setResponseHeader ?? true,
    flushOnCrash: options.flushOnCrash ?? true,
    dumpSignal: checkSignal(options.dumpSignal),
    capture: resolveCapture(options),
  };
}
