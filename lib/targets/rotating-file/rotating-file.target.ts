import { formatIncident } from '../../format/format-incident.util';
import { formatRecordLine } from '../../format/record-line.util';
import type { Incident, IncidentRecord, IncidentRequest } from '../../interfaces/incident.interface';
import type { IncidentTarget } from '../../interfaces/incident-target.interface';
import { InternalReporter } from '../../shared/internal-reporter';
import { nodeFileSystem, RotatingFileSystem } from './file-system';
import { IncidentFileWriter } from './incident-file-writer';
import { resolveRotatingFileOptions, ResolvedRotatingFileOptions } from './resolve-rotating-file-options.util';
import type { RotatingFileTargetOptions } from './rotating-file-target-options.interface';
import type { RotatingFileTargetStats } from './rotating-file-target-stats.interface';

/** @internal Test seams: a faulty fs, a captured stderr. */
export interface RotatingFileTargetInternals {
  fs?: RotatingFileSystem;
  reporter?: InternalReporter;
}

function isDurable(incident: Incident): boolean {
  return incident.reason === 'crash' || incident.trigger?.level === 'fatal';
}

/**
 * Writes each incident as one contiguous block, and each pass-through record
 * as one line (with its stack lines), to a size-rotated file with Python
 * `RotatingFileHandler` semantics (`base`, `base.1` newest … `base.N` oldest;
 * the decision is made before each block or line, in bytes).
 *
 * Writes are asynchronous and batched; `flushSync()` (fatal incidents, crash,
 * exit) writes synchronously, including a batch still in flight, and
 * `flush()`/`close()` drain on shutdown. Disk faults never throw: they are
 * reported once on stderr, incidents wait (bounded by `maxPendingBytes`) and
 * are retried, and a marker line records what had to be dropped.
 * @publicApi
 */
export class RotatingFileTarget implements IncidentTarget {
  private readonly options: ResolvedRotatingFileOptions;
  private readonly writer: IncidentFileWriter;

  constructor(options: RotatingFileTargetOptions);
  /** @internal The seams of the fault tests: a faulty fs, a captured stderr. */
  constructor(options: RotatingFileTargetOptions, internals: RotatingFileTargetInternals);
  constructor(options: RotatingFileTargetOptions, internals: RotatingFileTargetInternals = {}) {
    this.options = resolveRotatingFileOptions(options);
    this.writer = new IncidentFileWriter(this.options, internals.fs ?? nodeFileSystem, internals.reporter ?? new InternalReporter());
    this.writer.open();
  }

  /** Absolute path of the current file. */
  get filename(): string {
    return this.options.filename;
  }

  /** A snapshot of the counters. */
  get stats(): RotatingFileTargetStats {
    return this.writer.stats;
  }

  write(incident: Incident): void {
    const block = formatIncident(incident, this.options.format, false);
    this.writer.enqueue(Buffer.from(block, 'utf8'), isDurable(incident));
  }

  /**
   * A pass-through record (`passthroughLevel`): its line joins the same queue
   * as incidents, so it shares their order, rotation, fault handling and
   * `maxPendingBytes` bound. Written asynchronously and never a reason to
   * fdatasync: it is not a failure; a fatal or crash incident that follows
   * is what `flushSync` is for.
   */
  writeRecord(record: IncidentRecord, request: IncidentRequest | undefined): void {
    const line = formatRecordLine(record, request, this.options.format, false);
    this.writer.enqueue(Buffer.from(line, 'utf8'), false, 'record');
  }

  flushSync(): void {
    this.writer.flushSync();
  }

  flush(): Promise<void> {
    return this.writer.flush();
  }

  close(): Promise<void> {
    return this.writer.close();
  }
}
