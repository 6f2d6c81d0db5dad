import type { LineEntry } from './incident-entry.interface';
import { parseTextHeader } from './text-header';

// `<ISO time> <LEVEL padded to 7>[ [context]] <message>[ <data as JSON>]`: the
// record line of lib/format/text.format.ts. The context is taken up to the
// first `] `: a context holding `] ` itself is read short, and a message
// starting with `[x] ` with no context reads as one; the line is still shown
// whole by `show`.
const RECORD = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z) +(VERBOSE|DEBUG|LOG|WARN|ERROR|FATAL)(?: \[(.*?)\])? (.*)$/;
const END = /^=== END INCIDENT (\S+) ===$/;
const LOST = /^=== INCIDENTS LOST: (\d+) (?:incidents?|records?)\b.* ===$/;

/**
 * One line of the text format, out of context: whether a record line belongs
 * to an incident or stands alone (pass-through) is for the reader to say,
 * from where it is.
 */
export function parseTextLine(text: string): LineEntry {
  if (text === '') return { kind: 'blank' };
  if (text.startsWith('    ')) return { kind: 'stack', line: text.slice(4) };
  if (text.startsWith('=== ')) {
    const header = parseTextHeader(text);
    if (header) return { kind: 'header', header };
    const end = END.exec(text);
    if (end) return { kind: 'end', id: end[1] };
    const lost = LOST.exec(text);
    if (lost) return { kind: 'lost', count: /^=== INCIDENTS LOST: \d+ records?\b/.test(text) ? 0 : Number(lost[1]) };
    return { kind: 'foreign' };
  }
  const record = RECORD.exec(text);
  if (!record) return { kind: 'foreign' };
  return {
    kind: 'record',
    record: { time: record[1], level: record[2].toLowerCase(), context: record[3], message: record[4] },
  };
}
