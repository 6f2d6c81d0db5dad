import type { HeaderEntry, RecordEntry } from './incident-entry.interface';

/** An incident as the reader found it, in either format. */
export interface ReadIncident {
  id: string;
  format: 'json' | 'text';
  /** Where its header is. */
  file: string;
  line: number;
  header: HeaderEntry;
  /** Record lines its body should have: `records` less the pass-through records printed before it. */
  expected: number;
  /** Record lines read. */
  seen: number;
  /** The whole incident was read: the text END line, or every JSON record line. */
  complete: boolean;
  /** ISO times of its first and last record lines. */
  firstTime?: string;
  lastTime?: string;
  /** The trigger (JSON marks it; in text it is the last record unless the reason has none), message cut for a summary. */
  trigger?: RecordEntry;
  /** `--grep` found its text in one of the incident's lines. */
  matched: boolean;
  /** Only for the incident `show` looks for: its lines as read, and its records parsed (stack lines joined). */
  lines?: string[];
  records?: RecordEntry[];
  /** Lines not kept past the per-incident memory bound. */
  omittedLines: number;
}
