import type { IncidentRecord, IncidentRequest } from '../interfaces/incident.interface';
import { boundText } from '../serialize/bound-text.util';
import type { CapturePolicy } from './capture-policy.interface';
import { LogRecord, RawJsonRecord, RawTextRecord } from './log-record';

const MAX_CACHED_CONTEXTS = 512;
const BACKSLASH = 92;

/**
 * Each string of a JSON text (keys and values) passed through `scrub`;
 * everything else is kept byte for byte. The text comes from `toFastJson`
 * (well-formed); should it not be, the whole text is scrubbed as text.
 */
export function scrubJsonStrings(json: string, scrub: (text: string) => string): string {
  let out = '';
  let from = 0;
  let open = json.indexOf('"');
  while (open !== -1) {
    let close = json.indexOf('"', open + 1);
    for (;;) {
      if (close === -1) return scrub(json);
      let backslashes = 0;
      for (let i = close - 1; json.charCodeAt(i) === BACKSLASH; i--) backslashes++;
      if (backslashes % 2 === 0) break;
      close = json.indexOf('"', close + 1);
    }
    const body = json.slice(open + 1, close);
    const value = body.includes('\\') ? (JSON.parse(`"${body}"`) as string) : body;
    const scrubbed = scrub(value);
    if (scrubbed !== value) {
      out += json.slice(from, open) + JSON.stringify(scrubbed);
      from = close + 1;
    }
    open = json.indexOf('"', close + 1);
  }
  return from === 0 ? json : out + json.slice(from);
}

/**
 * Redaction on the way out. The hot paths buffer messages and contexts as
 * logged (`RawTextRecord`, `RawJsonRecord`): almost every buffered record is
 * discarded unread, so scrubbing each one when it is logged would be paid for
 * nothing. Every way a record leaves a buffer (an incident, before any target
 * sees it; `snapshot()`; dumps; crash flushes) goes through here, and gets
 * finished `LogRecord`s that are exactly what capture-time redaction gave.
 */
export class RecordScrubber {
  /** Contexts are a handful of class names on every record: each is scrubbed once. */
  private readonly contexts = new Map<string, string>();
  private readonly scrubString = (text: string): string => boundText(text, this.policy.limits.maxStringLength, this.policy.redactor);

  constructor(private readonly policy: CapturePolicy) {}

  /** Free text (a URL, a report): secrets replaced, length unchanged otherwise. */
  text(text: string): string {
    return this.policy.redactor ? this.policy.redactor.scrub(text) : text;
  }

  /** A finished record: raw ones scrubbed, finished ones as they are. */
  record(record: IncidentRecord): IncidentRecord {
    if (record instanceof RawTextRecord) {
      return new LogRecord(record.level, record.timestamp, this.scrubString(record.message), this.context(record.context));
    }
    if (record instanceof RawJsonRecord) {
      const message = this.policy.redactor ? scrubJsonStrings(record.message, this.scrubString) : record.message;
      return new LogRecord(record.level, record.timestamp, message, this.context(record.context));
    }
    return record;
  }

  records(records: readonly IncidentRecord[]): IncidentRecord[] {
    return records.map((record) => this.record(record));
  }

  /** The request as it may be shown: its URL's query string can carry tokens. */
  request(request: IncidentRequest | undefined): IncidentRequest | undefined {
    if (request === undefined) return undefined;
    const shown: IncidentRequest = { id: request.id, kind: request.kind, method: request.method, url: this.text(request.url) };
    if (request.parentId !== undefined) shown.parentId = request.parentId;
    if (request.operation !== undefined) shown.operation = this.text(request.operation);
    return shown;
  }

  private context(context: string | undefined): string | undefined {
    if (context === undefined || this.policy.redactor === undefined) return context;
    let scrubbed = this.contexts.get(context);
    if (scrubbed === undefined) {
      // Bounded: a caller passing ever-new strings as context cannot grow it.
      if (this.contexts.size >= MAX_CACHED_CONTEXTS) this.contexts.clear();
      scrubbed = this.policy.redactor.scrub(context);
      this.contexts.set(context, scrubbed);
    }
    return scrubbed;
  }
}
