import type { InternalReporter } from '../../shared/internal-reporter';
import { CurrentLogFile } from './current-log-file';
import { checkFileAsync, checkFileSync } from './file-check';
import type { RotatingFileSystem } from './file-system';
import type { LogFile } from './log-file';
import { describeCount } from './loss-marker';
import { EntryKind, PendingEntry, renderEntry, splitWritten } from './pending-entry';
import { PendingQueue } from './pending-queue';
import type { ResolvedRotatingFileOptions } from './resolve-rotating-file-options.util';
import { RetrySchedule } from './retry-schedule';
import { shouldRollover } from './rotate-chain.util';
import { writeAll, writeAllSync, WriteOutcome } from './write-all.util';
import { WriteFault } from './write-fault';
import type { RotatingFileTargetStats } from './rotating-file-target-stats.interface';

/** One write call: whole entries, all for one file. */
const MAX_BATCH_BYTES = 1024 * 1024;

interface Batch {
  file: LogFile;
  /** Where the batch starts in `file`. */
  position: number;
  buffer: Buffer;
  entries: PendingEntry[];
}

interface InflightWrite extends Batch {
  /** `flushSync` rewrote it in place and accounted for it: its callback only cleans up. */
  settled: boolean;
}

/**
 * - idle: nothing running; `schedule()` starts a pass when entries are queued.
 * - scheduled / checking / writing: one asynchronous pass (stat, then one batch write).
 * - waiting: a fault happened; a retry timer (unref'd) starts the next pass.
 */
type Phase = 'idle' | 'scheduled' | 'checking' | 'writing' | 'waiting';

/**
 * The write machinery of `RotatingFileTarget`: a queue of whole incident
 * blocks and pass-through record lines, written by one asynchronous pass at a time (stat check, rotation
 * decision, one positional write of a batch), with `flushSync()` able to take
 * over synchronously at any point.
 *
 * Writes go to explicit positions the writer reserves, so `flushSync()` can
 * rewrite an asynchronous batch still in flight at the same position: the
 * bytes are identical, so whichever of the two lands last, the file holds the
 * batch once, in order, and nothing depends on the thread pool finishing
 * before the process exits.
 */
export class IncidentFileWriter {
  private readonly log: CurrentLogFile;
  private readonly queue = new PendingQueue();
  private inflight: InflightWrite | undefined;
  private phase: Phase = 'idle';
  /** Bumped by every synchronous write, so an async stat result taken before it is not trusted. */
  private epoch = 0;
  private readonly retry = new RetrySchedule();
  private readonly fault: WriteFault;
  private closed = false;
  private readonly drainWaiters = new Set<(drained: boolean) => void>();

  constructor(
    private readonly options: ResolvedRotatingFileOptions,
    private readonly fs: RotatingFileSystem,
    private readonly reporter: InternalReporter,
  ) {
    this.fault = new WriteFault(options.filename, reporter);
    this.log = new CurrentLogFile(options, fs, reporter, this.fault, (file) => this.inflight?.file === file);
  }

  get stats(): RotatingFileTargetStats {
    const queue = this.queue;
    return {
      written: queue.written,
      writtenRecords: queue.writtenRecords,
      writtenBytes: queue.writtenBytes,
      dropped: queue.dropped,
      droppedRecords: queue.droppedRecords,
      rotations: this.log.rotations,
      reopens: this.log.reopens,
      markers: queue.markers,
      faults: this.fault.episodes,
      pendingIncidents: queue.incidents,
      pendingRecords: queue.records,
      pendingBytes: queue.bytes,
      fault: this.fault.current,
    };
  }

  /** Opens the file now, so a wrong path is reported at startup rather than at the first incident. */
  open(): void {
    this.log.open();
  }

  /**
   * Queues one incident's block or one pass-through record's line, in the
   * order of the calls. Over `maxPendingBytes` it is dropped and counted,
   * unless it is `durable` (a `flushSync` follows at once) or nothing else is
   * pending (one oversized incident still gets written).
   */
  enqueue(bytes: Buffer, durable: boolean, kind: EntryKind = 'incident'): void {
    if (!durable && this.queue.wouldOverflow(bytes.length, this.options.maxPendingBytes)) {
      const fault = this.fault.current;
      this.queue.drop(kind, fault ? `maxPendingBytes reached, ${fault}` : 'maxPendingBytes reached');
      this.reporter.report(
        `rotating-file:${this.options.filename}:overflow`,
        `RotatingFileTarget: ${this.queue.bytes} bytes of incidents and records are already waiting for ${this.options.filename}` +
          `${fault ? ` (${fault})` : ''}; new incidents and records are dropped until writes catch up (counted in stats.dropped and stats.droppedRecords; a marker line in the file records how many)`,
      );
      return;
    }
    this.queue.push(bytes, kind);
    // After close() there is no asynchronous pass any more: late incidents and records are written at once.
    if (this.closed) this.flushSync();
    else this.schedule();
  }

  /**
   * Writes everything queued, synchronously, and makes it durable (fdatasync
   * when `fsync`). A batch still in flight asynchronously is first rewritten
   * at its own position (identical bytes, so no duplicate whichever lands
   * last), then the queue is written after it, so the order is kept.
   */
  flushSync(): void {
    if (this.queue.length === 0 && !(this.inflight && !this.inflight.settled)) {
      this.log.syncToDisk();
      if (this.closed) this.log.releaseCurrent();
      return;
    }
    this.log.synchronous = true;
    this.epoch++;
    let done: boolean;
    try {
      done = this.settleInflightSync() && this.writeQueueSync();
    } finally {
      this.log.synchronous = false;
    }
    this.log.syncToDisk();
    if (done) this.notifyDrained();
    else if (this.closed) this.dropQueued('write failed after close');
    else if (this.phase === 'idle') this.waitAndRetry();
    if (this.closed) this.log.releaseCurrent();
  }

  /**
   * Waits (at most `flushTimeoutMs`) until everything queued is written, then
   * fdatasyncs. A fault ends the wait at once instead of waiting on retries.
   */
  async flush(): Promise<void> {
    const drained = await this.drain();
    if (!drained && this.queue.holdsContent) {
      this.reporter.report(
        `rotating-file:${this.options.filename}:flush`,
        `RotatingFileTarget: flush() left ${describeCount(this.queue)} unwritten in ${this.options.filename} (${this.fault.current ?? `not done within ${this.options.flushTimeoutMs} ms`})`,
      );
    }
    await this.log.syncToDiskAsync();
  }

  /** Flushes, then drops (and counts) what could not be written, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.retry.cancel();
    if (this.queue.holdsContent) this.dropQueued('not written before close');
    this.log.releaseCurrent();
  }

  // --- asynchronous pass ---------------------------------------------------

  private schedule(): void {
    if (this.phase !== 'idle' || this.closed || this.queue.length === 0) return;
    this.phase = 'scheduled';
    // setImmediate: every incident of the current tick joins the batch.
    setImmediate(() => this.run());
  }

  private run(): void {
    this.phase = 'idle';
    if (this.closed) return;
    if (this.queue.length === 0) return this.notifyDrained();
    const file = this.log.open();
    if (!file) return this.waitAndRetry();
    const epoch = this.epoch;
    this.phase = 'checking';
    checkFileAsync(this.fs, file, this.options.filename, this.options.allowSymlink, (check) => {
      this.phase = 'idle';
      // flushSync ran meanwhile: the stat results may describe a state that no longer holds.
      if (epoch !== this.epoch || file !== this.log.current || this.closed) return this.continueOrIdle();
      if (!this.log.applyCheck(file, check)) return this.waitAndRetry();
      this.writeNextBatch();
    });
  }

  private writeNextBatch(): void {
    const batch = this.buildBatch();
    if (!batch) return this.waitAndRetry();
    const inflight: InflightWrite = { ...batch, settled: false };
    this.inflight = inflight;
    this.phase = 'writing';
    writeAll(
      this.fs,
      batch.file.fd,
      batch.buffer,
      batch.file.regular ? batch.position : null,
      () => inflight.settled,
      (outcome) => this.onAsyncWriteDone(inflight, outcome),
    );
  }

  private onAsyncWriteDone(inflight: InflightWrite, outcome: WriteOutcome): void {
    this.inflight = undefined;
    this.phase = 'idle';
    const failed = !inflight.settled && outcome.error !== undefined;
    if (failed) this.afterFailedWrite(inflight, outcome);
    else if (!inflight.settled) this.commit(inflight.entries, inflight.buffer.length);
    if (inflight.file.closeWhenIdle) this.log.close(inflight.file);
    if (failed) this.waitAndRetry();
    else this.continueOrIdle();
  }

  private continueOrIdle(): void {
    if (this.queue.length === 0 && !this.inflight) this.notifyDrained();
    else this.schedule();
  }

  /** Fault: retry later with backoff. */
  private waitAndRetry(): void {
    if (this.closed) {
      this.phase = 'idle';
      this.dropQueued('write failed after close');
      return;
    }
    this.phase = 'waiting';
    this.notifyFailed();
    this.retry.start(() => this.run());
  }

  private drain(): Promise<boolean> {
    if (this.queue.length === 0 && !this.inflight) return Promise.resolve(true);
    if (this.phase === 'waiting') {
      // Shutdown does not wait for the backoff: one more attempt now.
      this.retry.cancel();
      this.phase = 'idle';
    }
    return new Promise((resolve) => {
      const finish = (drained: boolean): void => {
        clearTimeout(timer);
        this.drainWaiters.delete(finish);
        resolve(drained);
      };
      const timer = setTimeout(() => finish(false), this.options.flushTimeoutMs);
      timer.unref();
      this.drainWaiters.add(finish);
      this.schedule();
    });
  }

  /** Ends the flush() waits when everything is written. */
  private notifyDrained(): void {
    if (this.queue.length > 0 || this.inflight) return;
    for (const finish of [...this.drainWaiters]) finish(true);
  }

  /** Ends the flush() waits at a fault: shutdown does not wait on retries. */
  private notifyFailed(): void {
    for (const finish of [...this.drainWaiters]) finish(false);
  }

  // --- synchronous path ----------------------------------------------------

  private settleInflightSync(): boolean {
    const inflight = this.inflight;
    if (!inflight || inflight.settled) return true;
    // A pipe or device has no positions: rewriting would duplicate, and writing
    // the queue now could interleave with the pending write. Left to the async pass.
    if (!inflight.file.regular) return false;
    const outcome = writeAllSync(this.fs, inflight.file.fd, inflight.buffer, inflight.position);
    if (outcome.error) {
      this.fault.enter('write', outcome.error);
      return false;
    }
    inflight.settled = true;
    inflight.file.dirty = true;
    this.commit(inflight.entries, inflight.buffer.length);
    return true;
  }

  private writeQueueSync(): boolean {
    while (this.queue.length > 0) {
      const opened = this.log.open();
      if (!opened || !this.log.applyCheck(opened, checkFileSync(this.fs, opened, this.options.filename, this.options.allowSymlink)))
        return false;
      const batch = this.buildBatch();
      if (!batch) return false;
      const outcome = writeAllSync(this.fs, batch.file.fd, batch.buffer, batch.file.regular ? batch.position : null);
      if (outcome.error) {
        this.afterFailedWrite(batch, outcome);
        return false;
      }
      this.commit(batch.entries, batch.buffer.length);
    }
    return true;
  }

  // --- shared steps ----------------------------------------------------------

  /**
   * Takes whole entries from the head of the queue for one write into one
   * file: rotates first when the first entry calls for it (Python's order:
   * decide, roll over, then write), and stops before an entry that would call
   * for a rotation, so each entry gets its own decision.
   */
  private buildBatch(): Batch | undefined {
    let file = this.log.current;
    if (!file) return undefined;
    const format = this.options.format;
    const first = renderEntry(this.queue.at(0), format);
    if (this.log.mayRotate(file) && shouldRollover(file.size, first.length, this.options.maxBytes)) {
      file = this.log.rotate(file);
      if (!file) return undefined;
    }
    const buffers = [first];
    let total = first.length;
    for (let index = 1; index < this.queue.length; index++) {
      const bytes = renderEntry(this.queue.at(index), format);
      if (total + bytes.length > MAX_BATCH_BYTES) break;
      if (this.log.mayRotate(file) && shouldRollover(file.size + total, bytes.length, this.options.maxBytes)) break;
      buffers.push(bytes);
      total += bytes.length;
    }
    const entries = this.queue.take(buffers.length);
    const batch: Batch = { file, position: file.size, buffer: Buffer.concat(buffers, total), entries };
    file.size += total;
    file.dirty = true;
    this.epoch++;
    return batch;
  }

  private afterFailedWrite(batch: Batch, outcome: WriteOutcome): void {
    let written = outcome.written;
    if (written > 0 && batch.file.regular) {
      // Cut the half-written batch off, so the retry writes it whole and nothing is split.
      try {
        this.fs.ftruncateSync(batch.file.fd, batch.position);
        written = 0;
      } catch {
        // Keep the written part: the rest is retried right after it.
      }
    }
    if (batch.file === this.log.current) batch.file.size = batch.position + written;
    this.epoch++;
    const { done, rest } = splitWritten(batch.entries, written);
    this.commit(done, written);
    this.queue.requeue(rest, batch.entries[done.length]);
    this.fault.enter('write', outcome.error);
  }

  /** Accounts for written entries; the first success after a fault ends it and resets the backoff. */
  private commit(entries: readonly PendingEntry[], bytes: number): void {
    this.queue.commit(entries, bytes);
    if (entries.length > 0 && this.fault.leave()) this.retry.reset();
  }

  /** Gives up on everything queued; one marker stays queued to record the loss. */
  private dropQueued(reason: string): void {
    const lost = this.queue.dropAll(reason);
    if (lost.incidents + lost.records > 0) {
      this.reporter.report(
        `rotating-file:${this.options.filename}:dropped`,
        `RotatingFileTarget: ${describeCount(lost)} could not be written to ${this.options.filename} (${reason}${this.fault.current ? `: ${this.fault.current}` : ''})`,
      );
    }
  }
}
