import type { LogLevel } from '@nestjs/common';
import { constants } from 'node:os';
import type { IncidentLoggerModuleOptions } from '../interfaces/incident-logger-options.interface';
import { ALL_LOG_LEVELS } from '../shared/log-levels';
import { booleanOption, checkKnownKeys, integerOption, invalidOption, objectOption } from '../shared/option-validation.util';
import { resolveCapturePolicy } from './resolve-capture-policy.util';
import { resolveLinkOptions } from './resolve-link-options.util';
import { resolvePolicies } from './resolve-policies.util';
import { checkLevel } from './check-level.util';
import type { ResolvedIncidentLoggerOptions } from './resolved-options.interface';

export const DEFAULT_BUFFER_SIZE = 30;
export const DEFAULT_MAX_BUFFER_BYTES = 256 * 1024;
export const DEFAULT_MAX_TOTAL_BUFFER_BYTES = 64 * 1024 * 1024;
export const DEFAULT_FLUSH_LEVEL: LogLevel = 'warn';
export const DEFAULT_REQUEST_ID_HEADER = 'x-request-id';

const OWNER = 'IncidentLoggerModule';

/** Every option's name, checked against the interface by the compiler: a misspelt option fails at startup. */
const KNOWN_OPTIONS = Object.keys({
  bufferSize: true,
  maxBufferBytes: true,
  maxTotalBufferBytes: true,
  flushLevel: true,
  logLevels: true,
  targets: true,
  mountMiddleware: true,
  scopeMessages: true,
  traceContext: true,
  requestIdHeader: true,
  flushOnCrash: true,
  dumpSignal: true,
  setResponseHeader: true,
  startupNotice: true,
  redact: true,
  captureLimits: true,
  contextFlushLevels: true,
  trigger: true,
  ignoreExceptionStatus: true,
  passthroughLevel: true,
  afterTrigger: true,
  reservedWarnings: true,
  maxRecordAgeMs: true,
  outcome: true,
  storm: true,
  incidentLinks: true,
} satisfies Record<keyof IncidentLoggerModuleOptions, true>);
// Signals a listener can never receive.
const UNCATCHABLE_SIGNALS = new Set(['SIGKILL', 'SIGSTOP']);
function checkLevels(levels: unknown): LogLevel[] {
  if (levels === undefined) return [...ALL_LOG_LEVELS];
  if (!Array.isArray(levels)) invalidOption(OWNER, 'logLevels', 'an array of log levels', levels);
  return levels.map((level, index) => checkLevel(`logLevels[${index}]`, level));
}

function checkSignal(signal: unknown): NodeJS.Signals | undefined {
  if (signal === undefined) return undefined;
  // This platform's list: a typo such as 'SIGUSR3' would otherwise throw only when the listener is added.
  if (typeof signal !== 'string' || !Object.prototype.hasOwnProperty.call(constants.signals, signal) || UNCATCHABLE_SIGNALS.has(signal)) {
    invalidOption(OWNER, 'dumpSignal', "a catchable signal of this platform such as 'SIGUSR2'", signal);
  }
  return signal as NodeJS.Signals;
}

function checkTargets(targets: unknown): IncidentLoggerModuleOptions['targets'] {
  if (targets === undefined) return undefined;
  if (!Array.isArray(targets)) invalidOption(OWNER, 'targets', 'an array', targets);
  if (targets.length === 0) {
    // Every incident would vanish without a word; discarding them on purpose is spelt out.
    invalidOption(OWNER, 'targets', 'at least one target (to discard incidents on purpose: targets: [{ write() {} }])', targets);
  }
  return targets as IncidentLoggerModuleOptions['targets'];
}

function checkHeader(header: unknown): string {
  if (header === undefined) return DEFAULT_REQUEST_ID_HEADER;
  if (typeof header !== 'string' || !/^[a-z0-9-]+$/i.test(header)) invalidOption(OWNER, 'requestIdHeader', 'a header name', header);
  return header.toLowerCase();
}

/** Validates user options and applies defaults; the one place defaults live. */
export function resolveOptions(options: IncidentLoggerModuleOptions = {}): ResolvedIncidentLoggerOptions {
  objectOption(OWNER, 'options', options);
  checkKnownKeys(OWNER, options, KNOWN_OPTIONS);
  const flushLevel = checkLevel('flushLevel', options.flushLevel ?? DEFAULT_FLUSH_LEVEL);
  const requestIdHeader = checkHeader(options.requestIdHeader);
  return {
    ...resolvePolicies(options, flushLevel),
    bufferSize: integerOption(OWNER, 'bufferSize', options.bufferSize, DEFAULT_BUFFER_SIZE, 1),
    maxBufferBytes: integerOption(OWNER, 'maxBufferBytes', options.maxBufferBytes, DEFAULT_MAX_BUFFER_BYTES, 1),
    maxTotalBufferBytes: integerOption(OWNER, 'maxTotalBufferBytes', options.maxTotalBufferBytes, DEFAULT_MAX_TOTAL_BUFFER_BYTES, 1),
    flushLevel,
    logLevels: checkLevels(options.logLevels),
    targets: checkTargets(options.targets),
    mountMiddleware: booleanOption(OWNER, 'mountMiddleware', options.mountMiddleware, true),
    scopeMessages: booleanOption(OWNER, 'scopeMessages', options.scopeMessages, true),
    traceContext: booleanOption(OWNER, 'traceContext', options.traceContext, true),
    requestIdHeader,
    incidentLinks: resolveLinkOptions(options.incidentLinks, requestIdHeader),
    setResponseHeader: booleanOption(OWNER, 'setResponseHeader', options.setResponseHeader, false),
    flushOnCrash: booleanOption(OWNER, 'flushOnCrash', options.flushOnCrash, true),
    dumpSignal: checkSignal(options.dumpSignal),
    startupNotice: booleanOption(OWNER, 'startupNotice', options.startupNotice, true),
    capture: resolveCapturePolicy(options.redact, options.captureLimits),
  };
}
