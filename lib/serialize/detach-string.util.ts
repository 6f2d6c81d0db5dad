/**
 * A copy of `text` that shares no storage with the string it was cut from.
 *
 * Why: V8 keeps a `slice`, `substring`, `split` part or regex match of 13 or
 * more characters as a SlicedString that points into its parent, and a
 * concatenation (`+`, a template literal, the redactor's output) as a
 * ConsString that points to its parts. Both keep the whole parent alive: a
 * buffered 100-character slice of a 512 KB request body holds 512 KB while the
 * byte caps (`maxBufferBytes`, `maxTotalBufferBytes`) count 272 bytes. A string
 * that is buffered must be detached first, or the caps do not bound the heap.
 *
 * How: appending a character makes a ConsString; slicing it makes V8 flatten
 * it into a new sequential string (a copy of every character, whatever the
 * parts were), and the slice points into that new string of `length + 1`
 * characters. Measured on Node 20 for 40-100 characters: ~40 ns a call, against
 * ~250-290 ns for a Buffer or JSON round-trip or `structuredClone`; `s + ''`,
 * `''.concat(s)`, `s.slice(0)`, `s.trim()` and `[s].join('')` return `s`
 * itself and copy nothing (test/process/substring-heap.e2e-spec.ts checks the
 * result with a real heap measurement).
 */
export function detachString(text: string): string {
  return (text + ' ').slice(0, -1);
}

/**
 * The string table's instance of `text` (V8 interns every string property
 * key, so a key round trip returns it): a literal's own string, or a flat
 * copy in the table. Why: a cache keyed by it is found by pointer when the
 * caller passes a literal (`new Logger('OrdersService')` passes the same
 * interned string on every call), where a detached copy as the key costs a
 * character comparison in C++ on every lookup (measured ~1,400 instructions
 * per request of 5 debug lines on Node 24). Like `detachString`, the result
 * shares no storage with a larger string.
 */
export function internString(text: string): string {
  return Object.keys({ [text]: 0 })[0];
}
