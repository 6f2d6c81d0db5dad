/** Counters of a `RotatingFileTarget` (`target.stats`). @publicApi */
export interface RotatingFileTargetStats {
  /** Incidents written. */
  written: number;
  /** Pass-through record lines written (`writeRecord`). */
  writtenRecords: number;
  /** Bytes written, markers included. */
  writtenBytes: number;
  /** Incidents given up on (pending limit, or unwritable at close). */
  dropped: number;
  /** Pass-through record lines given up on, for the same reasons. */
  droppedRecords: number;
  /** Rotations done. */
  rotations: number;
  /** Times the file was found deleted, moved or replaced and opened anew. */
  reopens: number;
  /** Loss marker lines written. */
  markers: number;
  /** Fault episodes (a failure after a success, or at startup). */
  faults: number;
  /** Incidents accepted but not yet written. */
  pendingIncidents: number;
  /** Pass-through record lines accepted but not yet written. */
  pendingRecords: number;
  /** Bytes of those incidents and record lines. */
  pendingBytes: number;
  /** Error code of the fault in progress, if any. */
  fault?: string;
}
