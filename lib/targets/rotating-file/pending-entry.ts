import type { IncidentFormat } from '../../format/incident-format.interface';
import type { EntryCount, LossMarker } from './loss-marker';

/** What a queued entry holds: an incident's block or a pass-through record's line. */
export type EntryKind = 'incident' | 'record';

/**
 * One unit of the write queue: an incident's whole block or a pass-through
 * record's line (or the unwritten rest of one, after a short write to a
 * pipe), or a loss marker. A batch only ever ends on an entry boundary, so
 * an incident or a record line is never split. Its counts: 1 in `incidents`
 * or in `records`, both 0 for a marker.
 */
export interface PendingEntry extends EntryCount {
  bytes: Buffer;
  /** Bytes this entry holds against `maxPendingBytes` (markers hold none). */
  pending: number;
  marker?: LossMarker;
}

export function contentEntry(bytes: Buffer, kind: EntryKind): PendingEntry {
  return { bytes, incidents: kind === 'incident' ? 1 : 0, records: kind === 'record' ? 1 : 0, pending: bytes.length };
}

export function markerEntry(marker: LossMarker): PendingEntry {
  return { bytes: Buffer.alloc(0), incidents: 0, records: 0, pending: 0, marker };
}

/** Markers are rendered when written, so they carry the final count. */
export function renderEntry(entry: PendingEntry, format: IncidentFormat): Buffer {
  if (entry.marker) entry.bytes = Buffer.from(entry.marker.render(format), 'utf8');
  return entry.bytes;
}

/**
 * Splits a batch after `written` bytes: entries fully written, and the rest
 * (the first one cut to its unwritten tail when a write stopped inside it).
 */
export function splitWritten(entries: readonly PendingEntry[], written: number): { done: PendingEntry[]; rest: PendingEntry[] } {
  const done: PendingEntry[] = [];
  let offset = 0;
  let index = 0;
  for (; index < entries.length && offset + entries[index].bytes.length <= written; index++) {
    offset += entries[index].bytes.length;
    done.push(entries[index]);
  }
  const rest = entries.slice(index);
  if (rest.length > 0 && written > offset) {
    const [partial] = rest;
    const tail = partial.bytes.subarray(written - offset);
    rest[0] = { bytes: tail, incidents: partial.incidents, records: partial.records, pending: Math.min(partial.pending, tail.length) };
  }
  return { done, rest };
}
