import { LossMarker } from './loss-marker';
import { incidentEntry, markerEntry, PendingEntry } from './pending-entry';

/**
 * The entries waiting to be written, in file order, with what they hold
 * against `maxPendingBytes` and the count of what became of each incident
 * (written or dropped). Every change to the queue goes through here, so the
 * pending counters cannot drift from its content.
 */
export class PendingQueue {
  private readonly entries: PendingEntry[] = [];
  /** Bytes held against `maxPendingBytes`. */
  bytes = 0;
  /** Incidents accepted and neither written nor dropped yet. */
  incidents = 0;
  written = 0;
  writtenBytes = 0;
  dropped = 0;
  markers = 0;

  get length(): number {
    return this.entries.length;
  }

  at(index: number): PendingEntry {
    return this.entries[index];
  }

  /**
   * Whether `size` more bytes would pass `limit`. Never when nothing is
   * pending, so one oversized incident still gets written.
   */
  wouldOverflow(size: number, limit: number): boolean {
    return this.incidents > 0 && this.bytes + size > limit;
  }

  push(bytes: Buffer): void {
    this.entries.push(incidentEntry(bytes));
    this.bytes += bytes.length;
    this.incidents++;
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
      this.bytes -= entry.pending;
    }
    this.writtenBytes += bytes;
  }

  /**
   * Counts `count` incidents as lost and records them in the marker at the
   * tail, so consecutive drops share one marker line.
   */
  drop(count: number, reason: string): void {
    this.dropped += count;
    let tail = this.entries[this.entries.length - 1];
    if (!tail?.marker) {
      tail = markerEntry(new LossMarker());
      this.entries.push(tail);
    }
    tail.marker!.add(reason, count);
  }

  /**
   * Gives up on every queued incident; one marker, merging those already
   * queued, stays queued to record the loss. Returns the incidents lost.
   */
  dropAll(reason: string): number {
    const marker = new LossMarker();
    let lost = 0;
    for (const entry of this.entries.splice(0)) {
      if (entry.marker) marker.merge(entry.marker);
      lost += entry.incidents;
      this.bytes -= entry.pending;
    }
    this.incidents -= lost;
    if (lost > 0) {
      this.dropped += lost;
      marker.add(reason, lost);
    }
    if (marker.incidents > 0) this.entries.push(markerEntry(marker));
    return lost;
  }
}
