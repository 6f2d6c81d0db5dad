import type { RotatingFileSystem } from './file-system';

export interface WriteOutcome {
  written: number;
  error?: NodeJS.ErrnoException;
}

function noProgress(): NodeJS.ErrnoException {
  return Object.assign(new Error('write made no progress'), { code: 'EIO' });
}

/**
 * Writes the whole buffer, looping on short writes. `position` null writes at
 * the descriptor's offset (pipes, devices); otherwise each part goes right
 * after the previous one, so a repeated call rewrites the same bytes in place.
 */
export function writeAllSync(fs: RotatingFileSystem, fd: number, buffer: Buffer, position: number | null): WriteOutcome {
  let written = 0;
  try {
    while (written < buffer.length) {
      const n = fs.writeSync(fd, buffer, written, buffer.length - written, position === null ? null : position + written);
      if (n <= 0) return { written, error: noProgress() };
      written += n;
    }
    return { written };
  } catch (error) {
    return { written, error: error as NodeJS.ErrnoException };
  }
}

/**
 * Asynchronous `writeAllSync`. `cancelled()` is asked before each part: a
 * write already rewritten by `flushSync` stops there.
 */
export function writeAll(
  fs: RotatingFileSystem,
  fd: number,
  buffer: Buffer,
  position: number | null,
  cancelled: () => boolean,
  done: (outcome: WriteOutcome) => void,
): void {
  let written = 0;
  const step = (): void => {
    if (written >= buffer.length || cancelled()) return done({ written });
    try {
      fs.write(fd, buffer, written, buffer.length - written, position === null ? null : position + written, (error, n) => {
        if (error) return done({ written, error });
        if (n <= 0) return done({ written, error: noProgress() });
        written += n;
        step();
      });
    } catch (error) {
      done({ written, error: error as NodeJS.ErrnoException });
    }
  };
  step();
}
