export const PREFIX = '[nestjs-incident-logger]';

/** The library's own lines on process.stderr (its reporter writes there directly) until `stop()`. */
export function captureStderr(): { lines: () => string[]; stop: () => void } {
  const chunks: string[] = [];
  const original = process.stderr.write.bind(process.stderr);
  process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
    chunks.push(String(chunk));
    return (original as (...args: unknown[]) => boolean)(chunk, ...rest);
  }) as typeof process.stderr.write;
  return {
    lines: () =>
      chunks
        .join('')
        .split('\n')
        .filter((line) => line.startsWith(PREFIX)),
    stop: () => {
      process.stderr.write = original;
    },
  };
}
