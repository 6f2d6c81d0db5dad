/**
 * Polls `condition` until it holds, `attempts` times `intervalMs` apart, and
 * throws "never happened: <what>" if it never does. A wait, not a timing
 * assertion: how long it took is never checked.
 */
export async function until(condition: () => boolean, what: string, { attempts = 2000, intervalMs = 2 } = {}): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  throw new Error(`never happened: ${what}`);
}
