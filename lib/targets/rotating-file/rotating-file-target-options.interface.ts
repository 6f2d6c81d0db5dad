import type { IncidentFormat } from '../../format/incident-format.interface';

/** Options of `RotatingFileTarget`. @publicApi */
export interface RotatingFileTargetOptions {
  /**
   * Path of the current file; backups are `<filename>.1` (newest) …
   * `<filename>.<backupCount>` (oldest). Relative paths are resolved against
   * the working directory when the target is created. Missing directories are
   * created (see `dirMode`).
   */
  filename: string;
  /**
   * Rotate before a write that would bring the current file to `maxBytes` or
   * beyond (UTF-8 bytes). `0` never rotates. An incident larger than
   * `maxBytes` is still written whole, alone in its file.
   * @default 10485760 (10 MiB)
   */
  maxBytes?: number;
  /**
   * Number of backups kept; the oldest is replaced on rotation. Must be at
   * least 1 when `maxBytes > 0` (Python's `RotatingFileHandler` accepts 0 and
   * then grows the file without limit; this target throws instead).
   * @default 5
   */
  backupCount?: number;
  /**
   * `'text'`: the `ConsoleTarget` layout without colours. `'json'`: one JSON
   * object per line, each with the incident id and request id.
   * @default 'text'
   */
  format?: IncidentFormat;
  /**
   * Permissions of the files the target creates (current file after startup
   * or rotation), set through the descriptor so the umask does not change
   * them. An existing file keeps its permissions.
   * @default 0o600
   */
  mode?: number;
  /**
   * Permissions of the directories the target creates, set exactly (umask
   * ignored). Existing directories are not changed.
   * @default 0o700
   */
  dirMode?: number;
  /**
   * Write through `filename` when it is a symbolic link. By default a symlink
   * is refused (`O_NOFOLLOW`), so nobody can redirect incidents into another
   * file by planting one; only the last path component is checked.
   * @default false
   */
  allowSymlink?: boolean;
  /**
   * Upper bound on the bytes of incidents waiting to be written (slow, full or
   * failing disk). Beyond it new incidents are dropped, counted in
   * `stats.dropped`, and a marker line in the file records how many. A fatal
   * or crash incident is never dropped for this (it is written synchronously
   * right after), nor one arriving when nothing is pending.
   * @default 8388608 (8 MiB)
   */
  maxPendingBytes?: number;
  /**
   * `fdatasync` the file in `flushSync()` (fatal and crash incidents, process
   * exit) and `flush()` (shutdown), so those incidents also survive a power
   * loss or kernel crash, not only a process exit. Ordinary writes are never
   * synced. A rotated-away file is synced before it is closed.
   * @default true
   */
  fsync?: boolean;
  /**
   * How long `flush()` (application shutdown) waits for pending writes, and
   * for the final fdatasync, before giving up on a stuck disk. What is still
   * unwritten is then reported, and dropped and counted by `close()`.
   * @default 5000
   */
  flushTimeoutMs?: number;
}
