import * as path from 'node:path';
import type { IncidentFormat } from '../../format/incident-format.interface';
import type { RotatingFileTargetOptions } from '../rotating-file.target';

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

function fail(message: string): never {
  throw new Error(`RotatingFileTarget: ${message}`);
}

function integer(name: string, value: unknown, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(`${name} must be an integer from ${min} to ${max}, got ${String(value)}`);
  }
  return value;
}

function flag(name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') fail(`${name} must be a boolean, got ${String(value)}`);
  return value;
}

/** Validates the options and applies the defaults; throws on a configuration that cannot work. */
export function resolveRotatingFileOptions(options: RotatingFileTargetOptions): ResolvedRotatingFileOptions {
  if (!options || typeof options.filename !== 'string' || options.filename.trim() === '' || options.filename.includes('\0')) {
    fail('filename must be a non-empty path');
  }
  const maxBytes = integer('maxBytes', options.maxBytes, DEFAULT_MAX_BYTES, 0);
  const backupCount = integer('backupCount', options.backupCount, DEFAULT_BACKUP_COUNT, 0, 10_000);
  if (maxBytes > 0 && backupCount === 0) {
    // Python accepts this and then never rotates: the file grows without bound.
    fail('backupCount 0 with maxBytes > 0 cannot rotate and would grow the file without limit; set backupCount >= 1, or maxBytes: 0 to never rotate');
  }
  const format = options.format ?? 'text';
  if (format !== 'text' && format !== 'json') fail(`format must be 'text' or 'json', got ${String(format)}`);
  return {
    filename: path.resolve(options.filename),
    maxBytes,
    backupCount,
    format,
    mode: integer('mode', options.mode, DEFAULT_FILE_MODE, 0, 0o777),
    dirMode: integer('dirMode', options.dirMode, DEFAULT_DIR_MODE, 0, 0o7777),
    allowSymlink: flag('allowSymlink', options.allowSymlink, false),
    maxPendingBytes: integer('maxPendingBytes', options.maxPendingBytes, DEFAULT_MAX_PENDING_BYTES, 1),
    fsync: flag('fsync', options.fsync, true),
    flushTimeoutMs: integer('flushTimeoutMs', options.flushTimeoutMs, DEFAULT_FLUSH_TIMEOUT_MS, 0, 2 ** 31 - 1),
  };
}
