import { describeFailure } from '../../shared/hostile-value.util';
import { InternalReporter } from '../../shared/internal-reporter';
import { FileCheck, judgeFileCheck } from './file-check';
import type { RotatingFileSystem } from './file-system';
import { closeQuietly, LogFile, openLogFile } from './log-file';
import type { ResolvedRotatingFileOptions } from './resolve-rotating-file-options.util';
import { RotationRetryWindow } from './retry-schedule';
import { rotateChain } from './rotate-chain.util';
import type { WriteFault } from './write-fault';

/**
 * The file the writer writes to: opened on demand, opened anew when the path
 * no longer names it, rotated, and with `fsync` on, fdatasync-ed before its
 * descriptor is closed, so what was written to it survives a power loss too.
 */
export class CurrentLogFile {
  private file: LogFile | undefined;
  private readonly rotation = new RotationRetryWindow();
  /** Set inside `flushSync`, which promises durability: a released file is then synced synchronously. */
  synchronous = false;
  rotations = 0;
  reopens = 0;

  constructor(
    private readonly options: ResolvedRotatingFileOptions,
    private readonly fs: RotatingFileSystem,
    private readonly reporter: InternalReporter,
    private readonly fault: WriteFault,
    /** Whether an async write on `file` is still pending: its descriptor must outlive it. */
    private readonly writePending: (file: LogFile) => boolean,
  ) {}

  get current(): LogFile | undefined {
    return this.file;
  }

  /** The open file, opened now if needed; undefined (and a fault entered) when it cannot be opened. */
  open(): LogFile | undefined {
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
  applyCheck(file: LogFile, check: FileCheck): boolean {
    const verdict = judgeFileCheck(file, check);
    if (verdict.kind === 'replaced') {
      this.reopens++;
      this.reporter.report(
        `rotating-file:${this.options.filename}:replaced`,
        `RotatingFileTarget: ${this.options.filename} was deleted, moved away or replaced while open; writing to a new file at that path`,
      );
      this.release(file);
      return this.open() !== undefined;
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

  mayRotate(file: LogFile): boolean {
    return file.regular && this.options.maxBytes > 0 && this.rotation.isOpen();
  }

  /** Returns the file to write to next: the new one, the current one if renaming failed, or none if opening failed. */
  rotate(file: LogFile): LogFile | undefined {
    try {
      rotateChain(this.fs, this.options.filename, this.options.backupCount);
    } catch (error) {
      // Writing goes on into the current file (past maxBytes) rather than losing incidents.
      this.reporter.report(
        `rotating-file:${this.options.filename}:rotate`,
        `RotatingFileTarget: rotating ${this.options.filename} failed (${describeFailure(error)}); writing on into the current file, next attempt in ${this.rotation.nextDelay} ms`,
      );
      this.rotation.failed();
      return file;
    }
    this.rotation.succeeded();
    this.rotations++;
    this.release(file);
    return this.open();
  }

  releaseCurrent(): void {
    if (this.file) this.release(this.file);
  }

  /** Stops using `file`; its descriptor is closed once no async write on it is pending. */
  release(file: LogFile): void {
    if (this.file === file) this.file = undefined;
    if (this.writePending(file)) file.closeWhenIdle = true;
    else this.close(file);
  }

  close(file: LogFile): void {
    if (!this.options.fsync || !file.dirty || !file.regular) return closeQuietly(this.fs, file.fd);
    file.dirty = false;
    // Synchronously inside flushSync, otherwise off the event loop.
    if (this.synchronous) {
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

  syncToDisk(): void {
    const file = this.file;
    if (!this.options.fsync || !file?.dirty || !file.regular) return;
    file.dirty = false;
    try {
      this.fs.fdatasyncSync(file.fd);
    } catch (error) {
      this.reportSyncFailure(error);
    }
  }

  async syncToDiskAsync(): Promise<void> {
    const file = this.file;
    if (!this.options.fsync || !file?.dirty || !file.regular) return;
    file.dirty = false;
    await new Promise<void>((resolve) => {
      // A hung disk must not hang shutdown: give up after flushTimeoutMs.
      const timer = setTimeout(resolve, this.options.flushTimeoutMs);
      timer.unref();
      this.fs.fdatasync(file.fd, (error) => {
        clearTimeout(timer);
        if (error) this.reportSyncFailure(error);
        resolve();
      });
    });
  }

  private reportSyncFailure(error: unknown): void {
    this.reporter.report(
      `rotating-file:${this.options.filename}:fsync`,
      `RotatingFileTarget: fdatasync of ${this.options.filename} failed: ${describeFailure(error)}`,
    );
  }
}
