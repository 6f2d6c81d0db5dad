import { createHash } from 'node:crypto';
import type { IncidentRecord } from '../interfaces/incident.interface';

/** Characters of a normalised message kept: enough to tell failures apart, and a bound on the work and the hash input. */
const NORMALISED_LENGTH = 200;
/** A run of hex characters this long (with a digit) is an id, not a word ("decade", "facade" have no digit). */
const MIN_HEX_RUN = 6;
const UUID_LENGTH = 36;
/** An error name longer than this is not a name (e.g. a whole first line without a colon); it is cut. */
const MAX_NAME_LENGTH = 100;
const FINGERPRINT_LENGTH = 12;

// Character codes (ASCII only: a digit elsewhere in Unicode is text here).
const DIGIT_0 = 48;
const DIGIT_9 = 57;
const UPPER_A = 65;
const UPPER_F = 70;
const UPPER_X = 88;
const UPPER_Z = 90;
const LOWER_A = 97;
const LOWER_F = 102;
const LOWER_X = 120;
const LOWER_Z = 122;
const DASH = 45;

const isDigit = (code: number): boolean => code >= DIGIT_0 && code <= DIGIT_9;
const isHex = (code: number): boolean => isDigit(code) || (code >= LOWER_A && code <= LOWER_F) || (code >= UPPER_A && code <= UPPER_F);
const isAlnum = (code: number): boolean => isDigit(code) || (code >= LOWER_A && code <= LOWER_Z) || (code >= UPPER_A && code <= UPPER_Z);

/** `8-4-4-4-12` hex digits at `start`, not followed by a letter or digit (`start` is already at a token start). */
function isUuidAt(text: string, start: number): boolean {
  const end = start + UUID_LENGTH;
  if (end > text.length || (end < text.length && isAlnum(text.charCodeAt(end)))) return false;
  for (let i = start; i < end; i++) {
    const offset = i - start;
    const code = text.charCodeAt(i);
    if (offset === 8 || offset === 13 || offset === 18 || offset === 23 ? code !== DASH : !isHex(code)) return false;
  }
  return true;
}

/** The placeholder for a whole token (`text[start, end)`, letters and digits only), or undefined to keep its letters. */
function tokenPlaceholder(text: string, start: number, end: number): string | undefined {
  const first = text.charCodeAt(start);
  const second = text.charCodeAt(start + 1);
  const prefixed = end - start > 2 && first === DIGIT_0 && (second === LOWER_X || second === UPPER_X);
  let allHex = true;
  let letters = false;
  let digits = false;
  for (let i = prefixed ? start + 2 : start; i < end && allHex; i++) {
    const code = text.charCodeAt(i);
    if (isDigit(code)) digits = true;
    else if (isHex(code)) letters = true;
    else allHex = false;
  }
  if (!allHex) return undefined;
  if (prefixed) return '<hex>';
  if (!digits) return undefined; // a word, even one made of hex letters ("facade")
  // All digits is a number, whatever its length: `99999 bytes` and `100000 bytes` must stay equal. The cost: an id
  // that happens to be all digits reads as `<n>` (for random hex ids, (10/16)^length: 6% at 6 chars, 0.05% at 16).
  if (!letters) return '<n>';
  // Letters and digits, long enough: an id (sha, ObjectId, trace id). Shorter ones (`a1b2`) get `<n>` per digit run.
  return end - start >= MIN_HEX_RUN ? '<hex>' : undefined;
}

/**
 * The message with what varies between occurrences of the same failure
 * replaced: UUIDs by `<uuid>`, hex ids (6+ hex characters with a digit, or
 * `0x…`) by `<hex>`, and digit runs by `<n>`, so `order 42 failed after 30 ms`
 * and `order 7 failed after 31 ms` are equal. Ids and numbers are whole
 * tokens: runs of ASCII letters and digits between any other characters
 * (`_` included, so `trace_id_9f86d081` is `trace_id_<hex>`); inside a word,
 * only the digit runs change (`user42` is `user<n>`).
 *
 * The first 200 characters of the result. One pass, no regex: it stops there,
 * so a long message costs its prefix (a single huge token is read to its end).
 */
export function normaliseMessage(message: string): string {
  let out = '';
  let i = 0;
  const length = message.length;
  while (i < length && out.length < NORMALISED_LENGTH) {
    let end = i;
    if (!isAlnum(message.charCodeAt(i))) {
      // Anything else is kept as it is, up to the bound.
      const stop = Math.min(length, i + NORMALISED_LENGTH - out.length);
      while (end < stop && !isAlnum(message.charCodeAt(end))) end++;
      out += message.slice(i, end);
    } else if (isUuidAt(message, i)) {
      out += '<uuid>';
      end = i + UUID_LENGTH;
    } else {
      while (end < length && isAlnum(message.charCodeAt(end))) end++;
      const placeholder = tokenPlaceholder(message, i, end);
      out += placeholder ?? replaceDigitRuns(message, i, end, NORMALISED_LENGTH - out.length);
    }
    i = end;
  }
  return out.length <= NORMALISED_LENGTH ? out : out.slice(0, NORMALISED_LENGTH);
}

/** `text[start, end)` with each run of digits as `<n>`; stops once `room` characters are written. */
function replaceDigitRuns(text: string, start: number, end: number, room: number): string {
  let out = '';
  let i = start;
  while (i < end && out.length < room) {
    const from = i;
    if (isDigit(text.charCodeAt(i))) {
      while (i < end && isDigit(text.charCodeAt(i))) i++;
      out += '<n>';
    } else {
      const stop = Math.min(end, i + room - out.length);
      while (i < stop && !isDigit(text.charCodeAt(i))) i++;
      out += text.slice(from, i);
    }
  }
  return out;
}

/** The error's name: `data.name` as captured, else the stack's first line up to its first `:`. */
function errorName(record: IncidentRecord): string {
  const name = record.data?.name;
  if (typeof name === 'string') return name.slice(0, MAX_NAME_LENGTH);
  const stack = record.stack;
  if (stack === undefined) return '';
  const newline = stack.indexOf('\n');
  const firstLine = newline === -1 ? stack : stack.slice(0, newline);
  if (isFrame(firstLine)) return ''; // a stack given without its `Name: message` line
  const colon = firstLine.indexOf(':');
  return (colon === -1 ? firstLine : firstLine.slice(0, colon)).trim().slice(0, MAX_NAME_LENGTH);
}

const FRAME = /^\s+at /;
const FRAME_PREFIX = /^at (async )?/;
const LINE_COLUMN = /:\d+:\d+/g;
/** Node's own modules: `node:internal/…`, `node:events` and the like, `internal/…` (older versions). */
const NODE_INTERNAL = /[( ]node:|[( ]internal\//;
const isFrame = (line: string): boolean => FRAME.test(line);

/**
 * The first frame of the application's own code in the trigger's stack, as
 * `function (file)` without its `:line:col`; '' when there is none. Skipped:
 * frames under `node_modules`, Node's own (`node:internal/…`, `node:events`),
 * and frames with no file position (`new Promise (<anonymous>)`,
 * `Promise.all (index 0)`: V8 built-ins, the same for every caller). The
 * search stops at the first `Caused by:` section: the fingerprint is the
 * trigger's error, not its cause's.
 *
 * Line and column are dropped on purpose: the fingerprint names a failure in
 * a function, and must stay the same when an unrelated edit above it shifts
 * its line (a fingerprint people compare across deploys, and two `throw`s of
 * the same error and message in one function are one failure for storm
 * control). Two different failures in one function still differ by their
 * error name or message. A leading `async ` is dropped too: whether V8 prints
 * it depends on how the frame was reached, not on where it is.
 */
function firstOwnFrame(stack: string): string {
  let start = 0;
  while (start < stack.length) {
    const newline = stack.indexOf('\n', start);
    const end = newline === -1 ? stack.length : newline;
    const line = stack.slice(start, end);
    start = end + 1;
    if (line.startsWith('Caused by:')) break;
    if (!isFrame(line) || line.includes('node_modules') || NODE_INTERNAL.test(line)) continue;
    const location = line.replace(LINE_COLUMN, '');
    if (location === line) continue; // no file position: a V8 built-in
    return location.trim().replace(FRAME_PREFIX, '');
  }
  return '';
}

/**
 * A short hash that is the same for the same failure: 12 lowercase hex
 * characters (the first 48 bits of a SHA-1) of the record's level, context,
 * error name, normalised message and first own stack frame.
 *
 * SHA-1 from node:crypto: about 0.9 µs for a typical input (the whole call,
 * normalising included, a few µs), on a path that runs once per trigger, not
 * per log call. An FNV-1a in JavaScript measured no faster, and SHA-1 is a
 * hash anyone can recompute. 48 bits: two of the (at most 1000) fingerprints
 * in a storm window collide with odds of about 2e-9.
 */
export function fingerprintOf(record: IncidentRecord): string {
  const parts = [
    record.level,
    record.context ?? '',
    errorName(record),
    normaliseMessage(record.message),
    record.stack ? firstOwnFrame(record.stack) : '',
  ];
  // Each part prefixed with its length: no two different lists of parts hash the same text.
  let input = '';
  for (const part of parts) input += `${part.length}:${part}\n`;
  return createHash('sha1').update(input).digest('hex').slice(0, FINGERPRINT_LENGTH);
}
