import * as path from 'node:path';
import type { IncidentFormat } from '../../format/incident-format.interface';
import { booleanOption, checkKnownKeys, enumOption, integerOption, invalidOption } from '../../shared/option-validation.util';
import type { RotatingFileTargetOptions } from './rotating-file-target-options.interface';

export const DEFAULT_MAX_BYTES = 10 * 1024 * 1024;
export const DEFAULT_BACKUP_COUNT = 5;
export const DEFAULT_FILE_MODE = 0o600;
export const DEFAULT_DIR_MODE = 0o700;
export const DEFAULT_MAX_PENDING_BYTES = 8 * 1024 * 1024;
export const DEFAULT_FLUSH_TIMEOUT_MS = 5_000;

export interface ResolvedRotatingFileOptions {
  /** Absolute. */
  filename: string;
  maxBytes: number;
  backupCount: number;
  format: IncidentFormat;
  mode: number;
  dirMode: number;
  allowSymlink: boolean;
  maxPendingBytes: number;
  fsync: boolean;
  flushTimeoutMs: number;
}

const OWNER = 'RotatingFileTarget';

/** Every option's name, checked against the interface by the compiler. */
const OPTION_NAMES = Object.keys({
  filename: true,
  maxBytes: true,
  backupCount: true,
  format: true,
  mode: true,
  dirMode: true,
  allowSymlink: true,
  maxPendingBytes: true,
  fsync: true,
  flushTimeoutMs: true,
} satisfies Record<keyof RotatingFileTargetOptions, true>);

function integer(name: string, value: unknown, fallback: number, min: number, max?: number): number {
  return integerOption(OWNER, name, value, fallback, min, max);
}

/** Validates the options and applies the defaults; throws on a configuration that cannot work. */
export function resolveRotatingFileOptions(options: RotatingFileTargetOptions): ResolvedRotatingFileOptions {
  if (typeof options !== 'object' || options === null) invalidOption(OWNER, 'options', 'an object with a filename', options);
  checkKnownKeys(OWNER, options, OPTION_NAMES);
  if (typeof options.filename !== 'string' || options.filename.trim() === '' || options.filename.includes('\0')) {
    invalidOption(OWNER, 'filename', 'a non-empty path', options.filename);
  }
  const maxBytes = integer('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES, 0);
  const backupCount = integer('backupCount', options.backupCount, DEFAULT_BACKUP_COUNT, 0, 10_000);
  if (maxBytes > 0 && backupCount === 0) {
    // Python accepts this and then never rotates: the file grows without bound.
    invalidOption(
      OWNER,
      'backupCount',
      'at least 1 when maxBytes > 0 (backupCount 0 with maxBytes > 0 cannot rotate and would grow the file without limit; or set maxBytes: 0 to never rotate)',
      backupCount,
    );
  }
  const format = enumOption<IncidentFormat>(OWNER, 'format', options.format, ['text', 'json'], 'text');
  return {
    filename: path.resolve(options.filename),
    maxBytes,
    backupCount,
    format,
    mode: integer('mode', options.mode, DEFAULT_FILE_MODE, 0, 0o777),
    dirMode: integer('dirMode', options.dirMode, DEFAULT_DIR_MODE, 0, 0o7777),
    allowSymlink: booleanOption(OWNER, 'allowSymlink', options.allowSymlink, false),
    maxPendingBytes: integer('maxPendingBytes', options.maxPendingBytes, DEFAULT_MAX_PENDING_BYTES, 1),
    fsync: booleanOption(OWNER, 'fsync', options.fsync, true),
    flushTimeoutMs: integer('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, 0, 2 ** 31 - 1),
  };
}
