import { describeError, InternalReporter } from '../../delivery/internal-reporter';
import { checkFileAsync, checkFileSync, FileCheck, judgeFileCheck } from './file-check';
import type { RotatingFileSystem } from './file-system';
import { closeQuietly, LogFile, openLogFile } from './log-file';
import { LossMarker } from './loss-marker';
import { incidentEntry, markerEntry, PendingEntry, renderEntry, splitWritten } from './pending-entry';
import type { ResolvedRotatingFileOptions } from './resolve-rotating-file-options.util';
import { rotateChain, shouldRollover } from './rotate-chain.util';
import { writeAll, writeAllSync, WriteOutcome } from './write-all.util';
import { WriteFault } from './write-fault';

/** One write call: whole entries, all for one file. */
const MAX_BATCH_BYTES = 1024 * 1024;
const RETRY_MIN_MS = 100;
const RETRY_MAX_MS = 5_000;
const ROTATION_RETRY_MIN_MS = 1_000;
const ROTATION_RETRY_MAX_MS = 60_000;

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

export interface FileWriterStats {
  written: number;
  writtenBytes: number;
  dropped: number;
  rotations: number;
  reopens: number;
  markers: number;
  faults: number;
  pendingIncidents: number;
  pendingBytes: number;
  fault?: string;
}

/**
 * The write machinery of `RotatingFileTarget`: a queue of whole incident
 * blocks, written by one asynchronous pass at a time (stat check, rotation
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
  private file: LogFile | undefined;
  private readonly queue: PendingEntry[] = [];
  private pendingBytes = 0;
  private pendingIncidents = 0;
  private inflight: InflightWrite | undefined;
  private phase: Phase = 'idle';
  /** Bumped by every synchronous write, so an async stat result taken before it is not trusted. */
  private epoch = 0;
  private retryTimer: NodeJS.Timeout | undefined;
  private retryDelay = RETRY_MIN_MS;
  private rotationBlockedUntil = 0;
  private rotationRetryDelay = ROTATION_RETRY_MIN_MS;
  private readonly fault: WriteFault;
  private syncing = false;
  private closed = false;
  private readonly drainWaiters = new Set<(drained: boolean) => void>();
  private readonly counters = { written: 0, writtenBytes: 0, dropped: 0, rotations: 0, reopens: 0, markers: 0 };

  constructor(
    private readonly options: ResolvedRotatingFileOptions,
    private readonly fs: RotatingFileSystem,
    private readonly reporter: InternalReporter,
  ) {
    this.fault = new WriteFault(options.filename, reporter);
  }

  get stats(): FileWriterStats {
    return {
      ...this.counters,
      faults: this.fault.episodes,
      pendingIncidents: this.pendingIncidents,
      pendingBytes: this.pendingBytes,
      fault: this.fault.current,
    };
  }

  /** Opens the file now, so a wrong path is reported at startup rather than at the first incident. */
  open(): void {
    this.ensureOpen();
  }

  /**
   * Queues one incident's block. Over `maxPendingBytes` the incident is dropped
   * and counted, unless it is `durable` (a `flushSync` follows at once) or
   * nothing else is pending (one oversized incident still gets written).
   */
  enqueue(bytes: Buffer, durable: boolean): void {
    if (!durable && this.pendingIncidents > 0 && this.pendingBytes + bytes.length > this.options.maxPendingBytes) {
      const fault = this.fault.current;
      this.drop(1, fault ? `maxPendingBytes reached, ${fault}` : 'maxPendingBytes reached');
      this.reporter.report(
        `rotating-file:${this.options.filename}:overflow`,
        `RotatingFileTarget: ${this.pendingBytes} bytes of incidents are already waiting for ${this.options.filename}` +
          `${fault ? ` (${fault})` : ''}; new incidents are dropped until writes catch up (counted in stats.dropped; a marker line in the file records how many)`,
      );
      return;
    }
    this.queue.push(incidentEntry(bytes));
    this.pendingBytes += bytes.length;
    this.pendingIncidents++;
    // After close() there is no asynchronous pass any more: late incidents are written at once.
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
      this.syncToDisk();
      if (this.closed) this.releaseCurrentFile();
      return;
    }
    this.syncing = true;
    this.epoch++;
    let done = false;
    try {
      done = this.settleInflightSync() && this.writeQueueSync();
    } finally {
      this.syncing = false;
    }
    this.syncToDisk();
    if (done) this.notifyDrained();
    else if (this.closed) this.dropQueued('write failed after close');
    else if (this.phase === 'idle') this.waitAndRetry();
    if (this.closed) this.releaseCurrentFile();
  }

  /**
   * Waits (at most `flushTimeoutMs`) until everything queued is written, then
   * fdatasyncs. A fault ends the wait at once instead of waiting on retries.
   */
  async flush(): Promise<void> {
    const drained = await this.drain();
    if (!drained && this.pendingIncidents > 0) {
      this.reporter.report(
        `rotating-file:${this.options.filename}:flush`,
        `RotatingFileTarget: flush() left ${this.pendingIncidents} incidents unwritten in ${this.options.filename} (${this.fault.current ?? `not done within ${this.options.flushTimeoutMs} ms`})`,
      );
    }
    await this.syncToDiskAsync();
  }

  /** Flushes, then drops (and counts) what could not be written, and closes the file. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (this.pendingIncidents > 0) this.dropQueued('not written before close');
    this.releaseCurrentFile();
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
    const file = this.ensureOpen();
    if (!file) return this.waitAndRetry();
    const epoch = this.epoch;
    this.phase = 'checking';
    checkFileAsync(this.fs, file, this.options.filename, this.options.allowSymlink, (check) => {
      this.phase = 'idle';
      // flushSync ran meanwhile: the stat results may describe a state that no longer holds.
      if (epoch !== this.epoch || file !== this.file || this.closed) return this.continueOrIdle();
      if (!this.applyCheck(file, check)) return this.waitAndRetry();
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
    if (inflight.file.closeWhenIdle) this.closeFile(inflight.file);
    if (failed) this.waitAndRetry();
    else this.continueOrIdle();
  }

  private continueOrIdle(): void {
    if (this.queue.length === 0 && !this.inflight) this.notifyDrained();
    else this.schedule();
  }

  /** Fault: retry later with backoff (timer unref'd, so an idle process still exits). */
  private waitAndRetry(): void {
    if (this.closed) {
      this.phase = 'idle';
      this.dropQueued('write failed after close');
      return;
    }
    this.phase = 'waiting';
    this.notifyFailed();
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      this.run();
    }, this.retryDelay);
    this.retryTimer.unref();
    this.retryDelay = Math.min(this.retryDelay * 2, RETRY_MAX_MS);
  }

  private drain(): Promise<boolean> {
    if (this.queue.length === 0 && !this.inflight) return Promise.resolve(true);
    if (this.phase === 'waiting') {
      // Shutdown does not wait for the backoff: one more attempt now.
      if (this.retryTimer) clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
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
      const opened = this.ensureOpen();
      if (!opened || !this.applyCheck(opened, checkFileSync(this.fs, opened, this.options.filename, this.options.allowSymlink))) return false;
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

  private syncToDisk(): void {
    const file = this.file;
    if (!this.options.fsync || !file?.dirty || !file.regular) return;
    file.dirty = false;
    try {
      this.fs.fdatasyncSync(file.fd);
    } catch (error) {
      this.reporter.report(`rotating-file:${this.options.filename}:fsync`, `RotatingFileTarget: fdatasync of ${this.options.filename} failed: ${describeError(error)}`);
    }
  }

  private async syncToDiskAsync(): Promise<void> {
    const file = this.file;
    if (!this.options.fsync || !file?.dirty || !file.regular) return;
    file.dirty = false;
    await new Promise<void>((resolve) => {
      // A hung disk must not hang shutdown: give up after flushTimeoutMs.
      const timer = setTimeout(resolve, this.options.flushTimeoutMs);
      timer.unref();
      this.fs.fdatasync(file.fd, (error) => {
        clearTimeout(timer);
        if (error) {
          this.reporter.report(`rotating-file:${this.options.filename}:fsync`, `RotatingFileTarget: fdatasync of ${this.options.filename} failed: ${describeError(error)}`);
        }
        resolve();
      });
    });
  }

  // --- shared steps ----------------------------------------------------------

  private ensureOpen(): LogFile | undefined {
    if (this.file) return this.file;
    try {
      this.file = openLogFile(this.fs, {
        path: this.options.filename,
        mode: this.options.mode,
        dirMode: this.options.dirMode,
        allowSymlink: this.options.allowSymlink,
      });
      return this.file;
    } catch (error) {
      this.fault.enter('open', error);
      return undefined;
    }
  }

  /**
   * Acts on the check made before each batch: opens a new file when the path
   * no longer names the open one, follows a size changed by someone else.
   * False when no file could be opened.
   */
  private applyCheck(file: LogFile, check: FileCheck): boolean {
    const verdict = judgeFileCheck(file, check);
    if (verdict.kind === 'replaced') {
      this.counters.reopens++;
      this.reporter.report(
        `rotating-file:${this.options.filename}:replaced`,
        `RotatingFileTarget: ${this.options.filename} was deleted, moved away or replaced while open; writing to a new file at that path`,
      );
      this.releaseFile(file);
      return this.ensureOpen() !== undefined;
    }
    if (verdict.kind === 'resized') {
      this.reporter.report(
        `rotating-file:${this.options.filename}:external`,
        `RotatingFileTarget: ${this.options.filename} changed size outside this target (${verdict.size} bytes, expected ${file.size}): ` +
          'another writer or a truncation; writing continues at its end. Several processes writing one file are not supported',
      );
      file.size = verdict.size;
    }
    return true;
  }

  /**
   * Takes whole entries from the head of the queue for one write into one
   * file: rotates first when the first entry calls for it (Python's order:
   * decide, roll over, then write), and stops before an entry that would call
   * for a rotation, so each entry gets its own decision.
   */
  private buildBatch(): Batch | undefined {
    let file = this.file;
    if (!file) return undefined;
    const format = this.options.format;
    const first = renderEntry(this.queue[0], format);
    if (this.mayRotate(file) && shouldRollover(file.size, first.length, this.options.maxBytes)) {
      file = this.rotate(file);
      if (!file) return undefined;
    }
    const buffers = [first];
    let total = first.length;
    for (let index = 1; index < this.queue.length; index++) {
      const bytes = renderEntry(this.queue[index], format);
      if (total + bytes.length > MAX_BATCH_BYTES) break;
      if (this.mayRotate(file) && shouldRollover(file.size + total, bytes.length, this.options.maxBytes)) break;
      buffers.push(bytes);
      total += bytes.length;
    }
    const entries = this.queue.splice(0, buffers.length);
    const batch: Batch = { file, position: file.size, buffer: Buffer.concat(buffers, total), entries };
    file.size += total;
    file.dirty = true;
    this.epoch++;
    return batch;
  }

  private mayRotate(file: LogFile): boolean {
    return file.regular && this.options.maxBytes > 0 && Date.now() >= this.rotationBlockedUntil;
  }

  /** Returns the file to write to next: the new one, the current one if renaming failed, or none if opening failed. */
  private rotate(file: LogFile): LogFile | undefined {
    try {
      rotateChain(this.fs, this.options.filename, this.options.backupCount);
    } catch (error) {
      // Writing goes on into the current file (past maxBytes) rather than losing incidents.
      this.reporter.report(
        `rotating-file:${this.options.filename}:rotate`,
        `RotatingFileTarget: rotating ${this.options.filename} failed (${describeError(error)}); writing on into the current file, next attempt in ${this.rotationRetryDelay} ms`,
      );
      this.rotationBlockedUntil = Date.now() + this.rotationRetryDelay;
      this.rotationRetryDelay = Math.min(this.rotationRetryDelay * 2, ROTATION_RETRY_MAX_MS);
      return file;
    }
    this.rotationRetryDelay = ROTATION_RETRY_MIN_MS;
    this.counters.rotations++;
    this.releaseFile(file);
    return this.ensureOpen();
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
    if (batch.file === this.file) batch.file.size = batch.position + written;
    this.epoch++;
    const { done, rest } = splitWritten(batch.entries, written);
    this.commit(done, written);
    if (rest.length > 0 && rest[0] !== batch.entries[done.length]) {
      this.pendingBytes -= batch.entries[done.length].pending - rest[0].pending;
    }
    this.queue.unshift(...rest);
    this.fault.enter('write', outcome.error);
  }

  private commit(entries: readonly PendingEntry[], bytes: number): void {
    for (const entry of entries) {
      if (entry.marker) this.counters.markers++;
      this.counters.written += entry.incidents;
      this.pendingIncidents -= entry.incidents;
      this.pendingBytes -= entry.pending;
    }
    this.counters.writtenBytes += bytes;
    if (entries.length > 0 && this.fault.leave()) this.retryDelay = RETRY_MIN_MS;
  }

  /** Counts `count` incidents as lost and records them in the marker at the tail of the queue. */
  private drop(count: number, reason: string): void {
    this.counters.dropped += count;
    let tail = this.queue[this.queue.length - 1];
    if (!tail?.marker) {
      tail = markerEntry(new LossMarker());
      this.queue.push(tail);
    }
    tail.marker!.add(reason, count);
  }

  /** Gives up on every queued incident; one marker stays queued to record the loss. */
  private dropQueued(reason: string): void {
    const marker = new LossMarker();
    let lost = 0;
    for (const entry of this.queue.splice(0)) {
      if (entry.marker) marker.merge(entry.marker);
      lost += entry.incidents;
      this.pendingBytes -= entry.pending;
    }
    this.pendingIncidents -= lost;
    if (lost > 0) {
      this.counters.dropped += lost;
      marker.add(reason, lost);
      this.reporter.report(
        `rotating-file:${this.options.filename}:dropped`,
        `RotatingFileTarget: ${lost} incidents could not be written to ${this.options.filename} (${reason}${this.fault.current ? `: ${this.fault.current}` : ''})`,
      );
    }
    if (marker.incidents > 0) this.queue.push(markerEntry(marker));
  }

  private releaseCurrentFile(): void {
    if (this.file) this.releaseFile(this.file);
  }

  /** Stops using `file`; its descriptor is closed once no async write on it is pending. */
  private releaseFile(file: LogFile): void {
    if (this.file === file) this.file = undefined;
    if (this.inflight?.file === file) file.closeWhenIdle = true;
    else this.closeFile(file);
  }

  private closeFile(file: LogFile): void {
    if (!this.options.fsync || !file.dirty || !file.regular) return closeQuietly(this.fs, file.fd);
    file.dirty = false;
    // A rotated-away file is synced before its descriptor goes: synchronously
    // inside flushSync (it promises durability), otherwise off the event loop.
    if (this.syncing) {
      try {
        this.fs.fdatasyncSync(file.fd);
      } catch {
        // A failing disk is reported by the write path.
      }
      return closeQuietly(this.fs, file.fd);
    }
    try {
      this.fs.fdatasync(file.fd, () => closeQuietly(this.fs, file.fd));
    } catch {
      closeQuietly(this.fs, file.fd);
    }
  }
}
