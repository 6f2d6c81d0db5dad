import { readFileSync } from 'node:fs';

/** The JSON lines a real logger wrote to `file` (a missing file has none). */
export function readJsonLines(file: string): Array<Record<string, any>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as Record<string, any>);
}

/**
 * Waits until `file` holds a line `accept` takes (pino-http logs a request when
 * its response has finished, possibly after the client read it); throws after
 * `limitMs` so a missing line fails the test instead of hanging it.
 */
export async function waitForJsonLine(
  file: string,
  accept: (line: Record<string, any>) => boolean,
  limitMs = 10_000,
): Promise<Array<Record<string, any>>> {
  const deadline = Date.now() + limitMs;
  for (;;) {
    const lines = readJsonLines(file);
    if (lines.some(accept)) return lines;
    if (Date.now() > deadline) throw new Error(`no matching line in ${file}:\n${lines.map((l) => JSON.stringify(l)).join('\n')}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
