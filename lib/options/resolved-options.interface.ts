import type { LogLevel } from '@nestjs/common';
import type { CapturePolicy } from '../capture/capture-policy.interface';
import type { IncidentLoggerModuleOptions } from '../interfaces/incident-logger-options.interface';

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
  startupNotice: boolean;
  /** Bounds and redaction applied when a record is captured. */
  capture: CapturePolicy;
}
