let lastTimestamp = Number.NaN;
let lastIso = '';

/**
 * `new Date(ms).toISOString()`, remembering the last one: records of an
 * incident mostly share a millisecond, and formatting a date is the most
 * expensive step of writing a record line.
 */
export function isoTime(timestamp: number): string {
  if (timestamp !== lastTimestamp) {
    lastIso = new Date(timestamp).toISOString();
    lastTimestamp = timestamp;
  }
  return lastIso;
}
