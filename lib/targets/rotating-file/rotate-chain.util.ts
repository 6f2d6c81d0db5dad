import type { RotatingFileSystem } from './file-system';

/**
 * Python's `RotatingFileHandler.shouldRollover`, counted in bytes: an empty
 * file never rolls over (no empty `.1`, CPython gh-116263), otherwise it does
 * when the block would bring the file to `maxBytes` or beyond (Python uses >=).
 */
export function shouldRollover(size: number, blockBytes: number, maxBytes: number): boolean {
  return maxBytes > 0 && size > 0 && size + blockBytes >= maxBytes;
}

/** The name of backup `index` (1 = newest). */
export function backupName(base: string, index: number): string {
  return `${base}.${index}`;
}

function renameIfExists(fs: RotatingFileSystem, from: string, to: string): void {
  // A gap in the chain (earlier crash, manual delete) is skipped, like Python does.
  if (fs.statPathSync(from, false) === undefined) return;
  try {
    fs.renameSync(from, to);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

/**
 * Python's `doRollover` renames: `base.(N-1)` → `base.N` … `base.1` → `base.2`,
 * then `base` → `base.1`. The old `base.N` is replaced (rename overwrites on
 * POSIX and, through libuv, on Windows), so nothing goes beyond `.N`.
 * Throws on the first rename that fails; the chain is then shifted part way,
 * which the next rotation tolerates.
 */
export function rotateChain(fs: RotatingFileSystem, base: string, backupCount: number): void {
  for (let index = backupCount - 1; index >= 1; index--) {
    renameIfExists(fs, backupName(base, index), backupName(base, index + 1));
  }
  renameIfExists(fs, base, backupName(base, 1));
}
