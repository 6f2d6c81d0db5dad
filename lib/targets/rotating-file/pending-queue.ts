import { EntryCount, LossMarker } from './loss-marker';
import { contentEntry, EntryKind, markerEntry, PendingEntry } from './pending-entry';

/**
 * The entries waiting to be written, in file order, with what they hold
 * against `maxPendingBytes` and the count of what became of each incident and
 * pass-through record line (written or dropped). Every change to the queue
 * goes through here, so the pending counters cannot drift from its content.
 */
export class PendingQueue {
  private readonly entries: PendingEntry[] = [];
  /** Bytes held against `maxPendingBytes`. */
  bytes = 0;
  /** Incidents accepted and neither written nor dropped yet. */
  incidents = 0;
  /** Record lines accepted and neither written nor dropped yet. */
  records = 0;
  written = 0;
  writtenRecords = 0;
  writtenBytes = 0;
  dropped = 0;
  droppedRecords = 0;
  markers = 0;

  get length(): number {
    return this.entries.length;
  }

  /** Whether any incident or record line is waiting (markers aside). */
  get holdsContent(): boolean {
    return this.incidents + this.records > 0;
  }

  at(index: number): PendingEntry {
    return this.entries[index];
  }

  /**
   * Whether `size` more bytes would pass `limit`. Never when nothing is
   * pending, so one oversized incident still gets written.
   */
  wouldOverflow(size: number, limit: number): boolean {
    return this.holdsContent && this.bytes + size > limit;
  }

  push(bytes: Buffer, kind: EntryKind): void {
    const entry = contentEntry(bytes, kind);
    this.entries.push(entry);
    this.bytes += bytes.length;
    this.incidents += entry.incidents;
    this.records += entry.records;
  }

  /** Removes the first `count` entries for a write; they stay pending until `commit`. */
  take(count: number): PendingEntry[] {
    return this.entries.splice(0, count);
  }

  /**
   * Puts the unwritten rest of a failed batch back at the head. When its
   * first entry was cut (`rest[0]` is not `cutFrom`), only the unwritten tail
   * still counts against `maxPendingBytes`.
   */
  requeue(rest: PendingEntry[], cutFrom: PendingEntry | undefined): void {
    if (rest.length > 0 && rest[0] !== cutFrom) this.bytes -= cutFrom!.pending - rest[0].pending;
    this.entries.unshift(...rest);
  }

  /** Accounts for entries now in the file, and `bytes` written for them. */
  commit(entries: readonly PendingEntry[], bytes: number): void {
    for (const entry of entries) {
      if (entry.marker) this.markers++;
      this.written += entry.incidents;
      this.incidents -= entry.incidents;
      this.writtenRecords += entry.records;
      this.records -= entry.records;
      this.bytes -= entry.pending;
    }
    this.writtenBytes += bytes;
  }

  /**
   * Counts one incident or record line as lost and records it in the marker
   * at the tail, so consecutive drops share one marker line.
   */
  drop(kind: EntryKind, reason: string): void {
    const lost = kind === 'incident' ? { incidents: 1, records: 0 } : { incidents: 0, records: 1 };
    this.dropped += lost.incidents;
    this.droppedRecords += lost.records;
    let tail = this.entries[this.entries.length - 1];
    if (!tail?.marker) {
      tail = markerEntry(new LossMarker());
      this.entries.push(tail);
    }
    tail.marker!.add(reason, lost);
  }

  /**
   * Gives up on everything queued; one marker, merging those already queued,
   * stays queued to record the loss. Returns what was lost.
   */
  dropAll(reason: string): EntryCount {
    const marker = new LossMarker();
    const lost: EntryCount = { incidents: 0, records: 0 };
    for (const entry of this.entries.splice(0)) {
      if (entry.marker) marker.merge(entry.marker);
      lost.incidents += entry.incidents;
      lost.records += entry.records;
      this.bytes -= entry.pending;
    }
    this.incidents -= lost.incidents;
    this.records -= lost.records;
    if (lost.incidents + lost.records > 0) {
      this.dropped += lost.incidents;
      this.droppedRecords += lost.records;
      marker.add(reason, lost);
    }
    if (!marker.empty) this.entries.push(markerEntry(marker));
    return lost;
  }
}
