import type { Redactor } from '../redact/redactor.interface';
import { truncateString } from './truncate.util';

/**
 * Characters scrubbed past the cut of a long string, so a secret that straddles
 * the limit is still recognised (and censored) in the part that is kept.
 */
const SCRUB_MARGIN = 256;

/**
 * A captured string: scrubbed of secrets and at most `max` characters (plus a
 * truncation marker). Only `max + SCRUB_MARGIN` characters of a longer string
 * are read, and the kept part is a copy: a 100 MB string costs its prefix.
 */
export function boundText(text: string, max: number, redactor?: Redactor): string {
  if (text.length <= max) {
    const scrubbed = redactor ? redactor.scrub(text) : text;
    return scrubbed.length <= max ? scrubbed : truncateString(scrubbed, max);
  }
  const head = text.slice(0, max + SCRUB_MARGIN);
  const scrubbed = redactor ? redactor.scrub(head) : head;
  return truncateString(scrubbed, max, scrubbed.length + text.length - head.length);
}
