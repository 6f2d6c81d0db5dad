import type { LogLevel } from '@nestjs/common';
import type { IncidentLoggerModuleOptions } from '../interfaces/incident-logger-options.interface';
import { ALL_LOG_LEVELS, LOG_LEVEL_VALUES } from '../shared/log-levels';
import { booleanOption, integerOption, invalidOption } from '../shared/option-validation.util';
import { resolveCapturePolicy } from './resolve-capture-policy.util';
import type { ResolvedIncidentLoggerOptions } from './resolved-options.interface';

export const DEFAULT_BUFFER_SIZE = 30;
export const DEFAULT_MAX_BUFFER_BYTES = 256 * 1024;
export const DEFAULT_MAX_TOTAL_BUFFER_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FLUSH_LEVEL: LogLevel = 'warn';
export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';

const OWNER = 'IncidentLoggerModule';
const LEVEL_LIST = `one of ${ALL_LOG_LEVELS.map((level) => `'${level}'`).join(', ')}`;

function checkLevel(name: string, level: unknown): LogLevel {
  if (typeof level !== 'string' || !Object.prototype.hasOwnProperty.call(LOG_LEVEL_VALUES, level))
    invalidOption(OWNER, name, LEVEL_LIST, level);
  return level as LogLevel;
}

function checkLevels(levels: unknown): LogLevel[] {
  if (levels === undefined) return [...ALL_LOG_LEVELS];
  if (!Array.isArray(levels)) invalidOption(OWNER, 'logLevels', 'an array of log levels', levels);
  return levels.map((level, index) => checkLevel(`logLevels[${index}]`, level));
}

function checkSignal(signal: unknown): NodeJS.Signals | undefined {
  if (signal === undefined) return undefined;
  if (typeof signal !== 'string' || !/^SIG[A-Z0-9]+$/.test(signal) || signal === 'SIGKILL' || signal === 'SIGSTOP') {
    invalidOption(OWNER, 'dumpSignal', "a catchable signal name such as 'SIGUSR2'", signal);
  }
  return signal as NodeJS.Signals;
}

function checkHeader(header: unknown): string {
  if (header === undefined) return DEFAULT_REQUEST_ID_HEADER;
  if (typeof header !== 'string' || !/^[a-z0-9-]+$/i.test(header)) invalidOption(OWNER, 'requestIdHeader', 'a header name', header);
  return header.toLowerCase();
}

/** Validates user options and applies defaults; the one place defaults live. */
export function resolveOptions(options: IncidentLoggerModuleOptions = {}): ResolvedIncidentLoggerOptions {
  if (options.targets !== undefined && !Array.isArray(options.targets)) invalidOption(OWNER, 'targets', 'an array', options.targets);
  return {
    bufferSize: integerOption(OWNER, 'bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE, 1),
    maxBufferBytes: integerOption(OWNER, 'maxBufferBytes', options.maxBufferBytes, DEFAULT_MAX_BUFFER_BYTES, 1),
    maxTotalBufferBytes: integerOption(OWNER, 'maxTotalBufferBytes', options.maxTotalBufferBytes, DEFAULT_MAX_TOTAL_BUFFER_BYTES, 1),
    flushLevel: checkLevel('flushLevel', options.flushLevel ?? DEFAULT_FLUSH_LEVEL),
    logLevels: checkLevels(options.logLevels),
    targets: options.targets,
    mountMiddleware: booleanOption(OWNER, 'mountMiddleware', options.mountMiddleware, true),
    requestIdHeader: checkHeader(options.requestIdHeader),
    setResponseHeader: booleanOption(OWNER, 'setResponseHeader', options.setResponseHeader, true),
    flushOnCrash: booleanOption(OWNER, 'flushOnCrash', options.flushOnCrash, true),
    dumpSignal: checkSignal(options.dumpSignal),
    capture: resolveCapturePolicy(options.redact, options.captureLimits),
  };
}
