import { constants } from 'node:fs';
import * as path from 'node:path';
import type { RotatingFileSystem } from './file-system';

export interface LogFileOpenOptions {
  path: string;
  mode: number;
  dirMode: number;
  allowSymlink: boolean;
}

/** An open incident file: its descriptor, identity and the size the target has written to it. */
export class LogFile {
  /** Rotated or replaced while an async write on it was in flight: closed when that write ends. */
  closeWhenIdle = false;
  /** Written to since the last fdatasync. */
  dirty = false;

  constructor(
    readonly fd: number,
    readonly dev: bigint,
    readonly ino: bigint,
    /** Next write position; for a regular file, its size. */
    public size: number,
    /** Only regular files are written at explicit positions, truncated and rotated (bpo-45401). */
    readonly regular: boolean,
  ) {}
}

/**
 * Creates the missing directories with exactly `dirMode` (mkdir's mode is
 * masked by the umask, so each directory it created is chmod-ed).
 */
function ensureDirectory(fs: RotatingFileSystem, dir: string, dirMode: number): void {
  let first: string | undefined;
  try {
    first = fs.mkdirSync(dir, { recursive: true, mode: dirMode });
  } catch (error) {
    // mkdir -p says EEXIST when the parent is a file: name the real problem.
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw Object.assign(new Error(`ENOTDIR: ${dir} exists and is not a directory`), { code: 'ENOTDIR' });
  }
  if (first === undefined) return;
  for (let current = dir; ; current = path.dirname(current)) {
    fs.chmodSync(current, dirMode);
    if (current === first || path.dirname(current) === current) break;
  }
}

/**
 * Opens (creating when missing) the file for writing at explicit positions.
 * - `O_NOFOLLOW` refuses a symlink unless allowed (ELOOP).
 * - `O_NONBLOCK` keeps a FIFO without reader from blocking the open (ENXIO);
 *   it changes nothing for regular files.
 * - A file this call creates gets exactly `mode` through its descriptor,
 *   whatever the umask; an existing file keeps the permissions it has.
 */
export function openLogFile(fs: RotatingFileSystem, options: LogFileOpenOptions): LogFile {
  ensureDirectory(fs, path.dirname(options.path), options.dirMode);
  const flags = constants.O_WRONLY | constants.O_NONBLOCK | (options.allowSymlink ? 0 : constants.O_NOFOLLOW);
  let fd: number;
  let created = true;
  try {
    // O_EXCL tells whether this call created the file; it also fails on any symlink.
    fd = fs.openSync(options.path, flags | constants.O_CREAT | constants.O_EXCL, options.mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    created = false;
    fd = fs.openSync(options.path, flags, options.mode);
  }
  try {
    const stats = fs.fstatSync(fd);
    const regular = stats.isFile();
    if (created && regular) fs.fchmodSync(fd, options.mode);
    return new LogFile(fd, stats.dev, stats.ino, regular ? Number(stats.size) : 0, regular);
  } catch (error) {
    closeQuietly(fs, fd);
    throw error;
  }
}

export function closeQuietly(fs: RotatingFileSystem, fd: number): void {
  try {
    fs.closeSync(fd);
  } catch {
    // Nothing left to do with a descriptor that cannot be closed.
  }
}
