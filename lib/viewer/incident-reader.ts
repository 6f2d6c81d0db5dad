import type { DamageTally } from './damage-tally';
import type { HeaderEntry, LineEntry, RecordEntry } from './incident-entry.interface';
import { parseJsonLine } from './json-line';
import type { FileLine } from './line-reader';
import type { ReadIncident } from './read-incident.interface';
import { parseTextLine } from './text-line';

/** Bytes of lines kept for the one incident `show` prints; a larger one is shown cut, with a count. */
export const MAX_KEPT_BYTES = 64 * 1024 * 1024;
/** Characters of the trigger message kept for a summary line. */
const SUMMARY_MESSAGE = 500;
/** Reasons whose incidents have no trigger record (docs/incident-format.md). */
const NO_TRIGGER = new Set(['manual', 'dump']);
// A writer restarted after SIGKILL appends after the cut line, on the same line: the new entry is found after the cut.
const JSON_RESTART = /\{"(?:incident|type)":/g;
const TEXT_RESTART = '=== INCIDENT ';

export interface ReaderOptions {
  /** Text looked for by `--grep`, anywhere in the incident. */
  grep?: string;
  /** Whether to keep this incident's lines (the one `show` looks for). */
  keep?: (header: HeaderEntry) => boolean;
  /** Receives each incident when it ends; returns false to stop reading. */
  onIncident: (incident: ReadIncident) => boolean;
  tally: DamageTally;
}

function cutMessage(record: RecordEntry): RecordEntry {
  if (record.message.length <= SUMMARY_MESSAGE) return record;
  return { ...record, message: `${record.message.slice(0, SUMMARY_MESSAGE)}…` };
}

/** The header's decoded strings (URL, field values) that JSON escaping may hide from a search of the raw line. */
function headerStrings(header: HeaderEntry): string[] {
  const values = [header.url, ...Object.values((header.fields as Record<string, unknown> | undefined) ?? {})];
  return values.filter((value): value is string => typeof value === 'string');
}

/**
 * Groups the lines of one or more incident files into incidents, in either
 * format, detected per line (`{` starts a JSON line). The target writes each
 * incident as one contiguous block and never across two files, so one
 * incident is open at a time: memory is one incident's summary (and, for
 * `show`, that one incident's lines, bounded by MAX_KEPT_BYTES). Whatever is
 * not an incident line is counted in the tally and skipped.
 */
export class IncidentReader {
  private current: ReadIncident | undefined;
  /** The last text line was a pass-through record (outside any block): indented lines after it are its stack. */
  private afterLooseRecord = false;
  private keptBytes = 0;
  private stopped = false;

  constructor(private readonly options: ReaderOptions) {}

  /** Feeds one line; returns false once the caller asked to stop. */
  push(line: FileLine): boolean {
    if (this.stopped) return false;
    if (line.oversized) {
      this.options.tally.skip(line.file, line.number, 'longer than 16 MiB');
      return true;
    }
    if (line.unterminated) {
      // The target ends every line it writes: this one was cut off (SIGKILL), even if what is left looks whole.
      this.options.tally.skip(line.file, line.number, 'cut off at the end of the file');
      return true;
    }
    if (line.text.startsWith('{')) this.pushJson(line, line.text);
    else this.pushText(line, line.text);
    return !this.stopped;
  }

  /** A file ended: an incident never continues into the next file. */
  endFile(): boolean {
    this.close();
    this.afterLooseRecord = false;
    return !this.stopped;
  }

  private pushJson(line: FileLine, text: string): void {
    let entry = parseJsonLine(text);
    if (entry.kind === 'broken') {
      const restart = this.salvageJson(text);
      this.options.tally.skip(line.file, line.number, 'damaged JSON');
      if (!restart) return;
      entry = restart;
    }
    this.afterLooseRecord = false;
    switch (entry.kind) {
      case 'header':
        this.open(line, entry.header, 'json');
        this.keepLine(text);
        return;
      case 'record': {
        const current = this.current;
        if (current?.format !== 'json' || current.complete || entry.record.incident !== current.id) {
          this.options.tally.skip(line.file, line.number, 'record line without its incident header');
          return;
        }
        this.addRecord(current, entry.record, text);
        if (entry.record.trigger === true) current.trigger = cutMessage(entry.record);
        if (current.seen >= current.expected) {
          current.complete = true;
          this.close();
        }
        return;
      }
      case 'passthrough':
        this.close();
        return;
      case 'lost':
        this.close();
        this.lost(line, entry.count);
        return;
      default:
        this.options.tally.skip(line.file, line.number, 'not an incident line');
    }
  }

  /** The last entry start in a line that does not parse, parsed; undefined when there is none or it does not parse either. */
  private salvageJson(text: string): LineEntry | undefined {
    let last = -1;
    for (const match of text.matchAll(JSON_RESTART)) if (match.index > 0) last = match.index;
    if (last <= 0) return undefined;
    const entry = parseJsonLine(text.slice(last));
    return entry.kind === 'broken' || entry.kind === 'foreign' ? undefined : entry;
  }

  private pushText(line: FileLine, text: string): void {
    const restart = text.indexOf(TEXT_RESTART);
    if (restart > 0) {
      // A cut line with a new block's header after it (a writer restarted after SIGKILL).
      this.options.tally.skip(line.file, line.number, 'cut off');
      this.pushText(line, text.slice(restart));
      return;
    }
    const entry = parseTextLine(text);
    const current = this.current?.format === 'text' ? this.current : undefined;
    switch (entry.kind) {
      case 'blank':
        // Not written by the target, harmless (an editor, `cat a b`): skipped without a report.
        return;
      case 'header':
        this.open(line, entry.header, 'text');
        this.keepLine(text);
        this.afterLooseRecord = false;
        return;
      case 'record':
        if (!current) {
          // A pass-through record: written on its own, not part of an incident.
          this.close();
          this.afterLooseRecord = true;
          return;
        }
        this.addRecord(current, entry.record, text);
        if (!NO_TRIGGER.has(current.header.reason)) current.trigger = cutMessage(entry.record);
        return;
      case 'stack':
        if (current && current.seen > 0) {
          this.match(current, text);
          if (this.keepLine(text) && current.records) {
            const last = current.records[current.records.length - 1];
            last.stack = last.stack === undefined ? entry.line : `${last.stack}\n${entry.line}`;
          }
        } else if (!this.afterLooseRecord) this.options.tally.skip(line.file, line.number, 'not an incident line');
        return;
      case 'end':
        if (current && current.id === entry.id) {
          current.complete = true;
          this.keepLine(text);
          this.close();
        } else {
          this.close();
          this.options.tally.skip(line.file, line.number, 'end line without its incident');
        }
        this.afterLooseRecord = false;
        return;
      case 'lost':
        this.close();
        this.lost(line, entry.count);
        this.afterLooseRecord = false;
        return;
      default:
        this.afterLooseRecord = false;
        this.options.tally.skip(line.file, line.number, 'not an incident line');
    }
  }

  private open(line: FileLine, header: HeaderEntry, format: 'json' | 'text'): void {
    this.close();
    const records = typeof header.records === 'number' ? header.records : Number(header.records) || 0;
    const passthrough = typeof header.passthrough === 'number' ? header.passthrough : 0;
    const keep = this.options.keep?.(header) ?? false;
    this.keptBytes = 0;
    this.current = {
      id: header.incident,
      format,
      file: line.file,
      line: line.number,
      header,
      expected: Math.max(0, records - passthrough),
      seen: 0,
      // A JSON incident without record lines (an empty dump) is whole with its header.
      complete: format === 'json' && records - passthrough <= 0,
      matched: false,
      lines: keep ? [] : undefined,
      records: keep ? [] : undefined,
      omittedLines: 0,
    };
    this.match(this.current, line.text);
  }

  private addRecord(current: ReadIncident, record: RecordEntry, text: string): void {
    current.seen++;
    current.firstTime ??= record.time;
    current.lastTime = record.time;
    this.match(current, text, record);
    if (this.keepLine(text) && current.records) current.records.push({ ...record });
  }

  /** Keeps a line of the incident `show` looks for, within the bound; false when not kept. */
  private keepLine(text: string): boolean {
    const current = this.current;
    if (!current?.lines) return false;
    this.keptBytes += text.length;
    if (this.keptBytes > MAX_KEPT_BYTES) {
      current.omittedLines++;
      return false;
    }
    current.lines.push(text);
    return true;
  }

  private match(current: ReadIncident, text: string, record?: RecordEntry): void {
    const grep = this.options.grep;
    if (grep === undefined || current.matched) return;
    // JSON escapes quotes and controls: the decoded strings are searched too.
    current.matched =
      text.includes(grep) ||
      (record !== undefined &&
        (record.message.includes(grep) || record.stack?.includes(grep) === true || record.context?.includes(grep) === true)) ||
      (record === undefined && headerStrings(current.header).some((value) => value.includes(grep)));
  }

  private lost(line: FileLine, count: number): void {
    this.options.tally.lost.add(`${line.file}:${line.number}`);
    this.options.tally.lostIncidents += count;
  }

  /** Ends the open incident, complete or not, and hands it over. */
  private close(): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    if (!current.complete) this.options.tally.incomplete.add(`${current.file}:${current.line} (${current.id})`);
    if (!this.options.onIncident(current)) this.stopped = true;
  }
}
