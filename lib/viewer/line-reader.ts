import * as fs from 'node:fs';

/** Longest line kept; a longer one is reported as damaged and skipped without being held whole. */
export const MAX_LINE_BYTES = 16 * 1024 * 1024;
const CHUNK_BYTES = 1024 * 1024;
const LF = 0x0a;
const CR = 0x0d;

/** One line of a file: its text without the line ending, its 1-based number. */
export interface FileLine {
  file: string;
  number: number;
  text: string;
  /** The last line of the file had no newline after it: a write cut off (SIGKILL), or a file still being written. */
  unterminated: boolean;
  /** Longer than MAX_LINE_BYTES: `text` is empty, the line was skipped as it streamed by. */
  oversized: boolean;
}

/**
 * Streams the lines of one file to `onLine`, a chunk at a time: memory stays
 * at one chunk plus the longest line, whatever the file's size. `onLine`
 * returns false to stop reading (the incident looked for is complete);
 * `afterChunk` runs between chunks, where the caller waits for stdout to
 * drain. A CR before the LF (a file that went through Windows) is dropped.
 */
export async function readLines(
  file: string,
  onLine: (line: FileLine) => boolean,
  afterChunk: () => Promise<void> | void = () => undefined,
  maxLineBytes = MAX_LINE_BYTES,
): Promise<boolean> {
  const stream = fs.createReadStream(file, { highWaterMark: CHUNK_BYTES });
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let oversized = false;
  let number = 0;

  const emit = (tail: Buffer | undefined, unterminated: boolean): boolean => {
    number++;
    if (oversized) {
      pending = [];
      pendingBytes = 0;
      oversized = false;
      return onLine({ file, number, text: '', unterminated, oversized: true });
    }
    let bytes = pending.length === 0 ? (tail ?? Buffer.alloc(0)) : Buffer.concat(tail ? [...pending, tail] : pending);
    pending = [];
    pendingBytes = 0;
    if (bytes.length > 0 && bytes[bytes.length - 1] === CR) bytes = bytes.subarray(0, bytes.length - 1);
    return onLine({ file, number, text: bytes.toString('utf8'), unterminated, oversized: false });
  };

  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      let start = 0;
      while (start < chunk.length) {
        const end = chunk.indexOf(LF, start);
        if (end === -1) {
          const rest = chunk.subarray(start);
          if (!oversized && pendingBytes + rest.length > maxLineBytes) {
            // Not held: a binary file or a runaway line must not grow memory.
            oversized = true;
            pending = [];
            pendingBytes = 0;
          }
          if (!oversized) {
            // A copy: the stream may reuse its chunk's memory.
            pending.push(Buffer.from(rest));
            pendingBytes += rest.length;
          }
          break;
        }
        const piece = chunk.subarray(start, end);
        if (!oversized && pendingBytes + piece.length > maxLineBytes) oversized = true;
        start = end + 1;
        if (!emit(piece, false)) return false;
      }
      await afterChunk();
    }
    if (pendingBytes > 0 || oversized) return emit(undefined, true);
    return true;
  } finally {
    stream.destroy();
  }
}
