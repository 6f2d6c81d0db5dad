import type { BigIntStats } from 'node:fs';
import type { RotatingFileSystem } from './file-system';
import type { LogFile } from './log-file';

/** What the open descriptor and the path say before a batch is written. */
export interface FileCheck {
  fileStats?: BigIntStats;
  pathStats?: BigIntStats;
  pathError?: NodeJS.ErrnoException;
}

export type FileCheckVerdict =
  /** The path still names the open file, at the size written to it. */
  | { kind: 'same' }
  /** The file was deleted, moved away or replaced: open a new one at the path. */
  | { kind: 'replaced' }
  /** Someone else wrote or truncated it: continue at its real end. */
  | { kind: 'resized'; size: number };

/** `fstat` of the descriptor and `lstat` (or `stat`) of the path, in parallel, off the event loop. */
export function checkFileAsync(
  fs: RotatingFileSystem,
  file: LogFile,
  path: string,
  follow: boolean,
  done: (check: FileCheck) => void,
): void {
  const check: FileCheck = {};
  let remaining = 2;
  const settle = (): void => {
    if (--remaining === 0) done(check);
  };
  try {
    fs.fstat(file.fd, (error, stats) => {
      if (!error) check.fileStats = stats;
      settle();
    });
  } catch {
    settle();
  }
  try {
    fs.statPath(path, follow, (error, stats) => {
      if (error) check.pathError = error;
      else check.pathStats = stats;
      settle();
    });
  } catch (error) {
    check.pathError = error as NodeJS.ErrnoException;
    settle();
  }
}

export function checkFileSync(fs: RotatingFileSystem, file: LogFile, path: string, follow: boolean): FileCheck {
  const check: FileCheck = {};
  try {
    check.fileStats = fs.fstatSync(file.fd);
  } catch {
    // No size check then; the write itself will tell.
  }
  try {
    check.pathStats = fs.statPathSync(path, follow);
    if (!check.pathStats) check.pathError = Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
  } catch (error) {
    check.pathError = error as NodeJS.ErrnoException;
  }
  return check;
}

/**
 * The path must still name the open file (same device and inode, as Python's
 * WatchedFileHandler checks), and a regular file must have the size this
 * target wrote. Other stat errors are ignored: the write will tell.
 */
export function judgeFileCheck(file: LogFile, check: FileCheck): FileCheckVerdict {
  const code = check.pathError?.code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'replaced' };
  if (check.pathStats && (check.pathStats.ino !== file.ino || check.pathStats.dev !== file.dev)) return { kind: 'replaced' };
  if (check.fileStats && file.regular && Number(check.fileStats.size) !== file.size)
    return { kind: 'resized', size: Number(check.fileStats.size) };
  return { kind: 'same' };
}
