import { performance } from 'node:perf_hooks';
// Paths of the rotating file writer that only show under a precise
// interleaving, produced through the injected fs: a file released while an
// async write on it is in flight, a batch failing part way while more
// incidents are queued, and a rename failing during rotation.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIncident, Incident, RotatingFileTarget } from '../../lib';
import type { Callback } from '../../lib/targets/rotating-file/file-system';
import { nodeFileSystem } from '../../lib/targets/rotating-file/file-system';
import { captureReporter, errno, FaultyFs, makeIncident, readChain, removeDir, tempDir } from '../utils/rotating-file.helpers';
import { until } from '../utils/until';

const text = (incident: Incident) => formatIncident(incident, 'text');
const bytes = (incidents: Incident[]) => Buffer.byteLength(incidents.map(text).join(''));

/** Polls a condition set by the target's own asynchronous work (2 ms steps, no timing assumption). */
/** FaultyFs that also records opens, closes, renames and async write completions, and can fail renames. */
class RecordingFs extends FaultyFs {
  readonly opened: number[] = [];
  /** `close:<fd>` and `write-done:<fd>:<ok|code>`, in the order they happened. */
  readonly events: string[] = [];
  renames = 0;
  renameFailsWith: string | undefined;

  override openSync = (file: string, flags: number, mode: number): number => {
    const fd = nodeFileSystem.openSync(file, flags, mode);
    this.opened.push(fd);
    return fd;
  };

  override closeSync = (fd: number): void => {
    this.events.push(`close:${fd}`);
    nodeFileSystem.closeSync(fd);
  };

  override close = (fd: number, callback: (error: NodeJS.ErrnoException | null) => void): void => {
    this.events.push(`close:${fd}`);
    nodeFileSystem.close(fd, callback);
  };

  override renameSync = (from: string, to: string): void => {
    this.renames++;
    if (this.renameFailsWith) throw errno(this.renameFailsWith);
    nodeFileSystem.renameSync(from, to);
  };

  override write(fd: number, buffer: Buffer, offset: number, length: number, position: number | null, callback: Callback<number>): void {
    super.write(fd, buffer, offset, length, position, (error, n) => {
      this.events.push(`write-done:${fd}:${error ? error.code : 'ok'}`);
      callback(error, n);
    });
  }

  closes(): string[] {
    return this.events.filter((event) => event.startsWith('close:'));
  }
}

describe('RotatingFileTarget writer paths', () => {
  let dir: string;
  let filename: string;
  const targets: RotatingFileTarget[] = [];
  const create = (
    options: Partial<ConstructorParameters<typeof RotatingFileTarget>[0]>,
    internals: { fs: RecordingFs; reporter?: ReturnType<typeof captureReporter>['reporter'] },
  ) => {
    const target = new RotatingFileTarget({ filename, ...options }, { reporter: captureReporter().reporter, ...internals });
    targets.push(target);
    return target;
  };
  const read = (name = filename) => fs.readFileSync(name, 'utf8');

  beforeEach(() => {
    dir = tempDir();
    filename = path.join(dir, 'incidents.log');
  });
  afterEach(async () => {
    jest.restoreAllMocks();
    await Promise.all(targets.splice(0).map((target) => target.close()));
    removeDir(dir);
  });

  it('a file rotated away under an in-flight async write is closed only after that write has called back', async () => {
    const recording = new RecordingFs();
    recording.hold = true;
    const incidents = Array.from({ length: 5 }, (_, i) => makeIncident(`n${i}`, { padding: 60 }));
    // The first three fill the file to one byte under maxBytes: the fourth rotates, the fifth joins it.
    // flushTimeoutMs: if the test fails with the write still held, afterEach's close() must not wait on it.
    const target = create({ maxBytes: bytes(incidents.slice(0, 3)) + 1, backupCount: 3, flushTimeoutMs: 20 }, { fs: recording });
    incidents.slice(0, 3).forEach((incident) => target.write(incident));
    await until(() => recording.held.length === 1, 'the first batch is in flight');
    incidents.slice(3).forEach((incident) => target.write(incident));

    // Rewrites the in-flight batch, rotates, writes the rest into the new file: the old one is released.
    target.flushSync();
    expect(target.stats).toMatchObject({ rotations: 1, written: 5, pendingIncidents: 0 });
    expect(recording.opened).toHaveLength(2);
    const [oldFd, newFd] = recording.opened;
    expect(recording.closes()).toEqual([]); // its write is still pending: the descriptor must stay open

    recording.hold = false;
    recording.held[0].run(); // the thread pool finally runs it, at its own position in the old file
    await until(() => recording.closes().length > 0, 'the released file is closed');

    expect(read(`${filename}.1`)).toBe(incidents.slice(0, 3).map(text).join(''));
    expect(read()).toBe(incidents.slice(3).map(text).join(''));
    expect(readChain(dir).map((file) => file.name)).toEqual(['incidents.log', 'incidents.log.1']);
    expect(recording.events).toEqual([`write-done:${oldFd}:ok`, `close:${oldFd}`]);
    expect(newFd).not.toBe(oldFd);
    expect(target.stats).toMatchObject({ written: 5, rotations: 1, faults: 0, pendingIncidents: 0, pendingBytes: 0 });
  });

  it('the rest of a batch that failed part way goes back before the incidents queued meanwhile', async () => {
    const recording = new RecordingFs();
    recording.hold = true;
    const { reporter, lines } = captureReporter();
    const target = create({ flushTimeoutMs: 1_000 }, { fs: recording, reporter }); // bounds afterEach if a write stays held
    const incidents = Array.from({ length: 5 }, (_, i) => makeIncident(`n${i}`, { padding: 50 }));
    incidents.slice(0, 3).forEach((incident) => target.write(incident));
    await until(() => recording.held.length === 1, 'the batch of three is in flight');
    incidents.slice(3).forEach((incident) => target.write(incident)); // queued behind it

    // A short write of 100 bytes (inside the first incident), then ENOSPC on the rest of the batch.
    recording.failWith = 'ENOSPC';
    recording.partialBytes = 100;
    recording.held[0].run();
    expect(recording.held).toHaveLength(2); // writeAll went on with the unwritten part
    recording.held[1].run();

    expect(recording.truncates).toBe(1); // the 100 bytes were cut off again
    expect(read()).toBe('');
    expect(target.stats).toMatchObject({ written: 0, fault: 'ENOSPC', pendingIncidents: 5, pendingBytes: bytes(incidents) });

    recording.failWith = undefined;
    recording.hold = false;
    await target.flush(); // skips the backoff: one more pass now

    expect(read()).toBe(incidents.map(text).join(''));
    expect(recording.asyncWrites).toBe(3); // the short one, the failed one, then all five in one batch
    expect(target.stats).toMatchObject({
      written: 5,
      dropped: 0,
      markers: 0,
      faults: 1,
      fault: undefined,
      pendingIncidents: 0,
      pendingBytes: 0,
    });
    expect(lines.filter((line) => /cannot write .*incidents\.log: Error: ENOSPC/.test(line))).toHaveLength(1);
  });

  it('after a failed rename, rotation is held off for 1 s doubling to 60 s while incidents go on into the current file', async () => {
    let now = Date.UTC(2026, 0, 1);
    jest.spyOn(performance, 'now').mockImplementation(() => now);
    const recording = new RecordingFs();
    const { reporter, lines } = captureReporter();
    const sample = bytes([makeIncident('n000', { padding: 200 })]);
    // Every incident after the first calls for a rotation.
    const target = create({ maxBytes: sample + 1, backupCount: 1 }, { fs: recording, reporter });
    const written: Incident[] = [];
    const writeOne = async () => {
      const incident = makeIncident(`n${String(written.length).padStart(3, '0')}`, { padding: 200 });
      written.push(incident);
      target.write(incident);
      await target.flush();
    };

    await writeOne(); // empty file: no rotation
    expect(recording.renames).toBe(0);
    recording.renameFailsWith = 'EBUSY';
    await writeOne();
    expect(recording.renames).toBe(1);
    let failedAt = now;
    for (let i = 0; i < 5; i++) await writeOne(); // five batches inside the window: no rename tried
    expect(recording.renames).toBe(1);

    const holdOffs = [1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000];
    for (const [index, holdOff] of holdOffs.entries()) {
      now = failedAt + holdOff - 1;
      await writeOne();
      expect({ holdOff, renames: recording.renames }).toEqual({ holdOff, renames: 1 + index });
      now = failedAt + holdOff;
      await writeOne();
      expect({ holdOff, renames: recording.renames }).toEqual({ holdOff, renames: 2 + index });
      failedAt = now;
    }
    // Nothing lost or rotated meanwhile: every incident in the current file, in order.
    expect(readChain(dir).map((file) => file.name)).toEqual(['incidents.log']);
    expect(read()).toBe(written.map(text).join(''));
    expect(target.stats).toMatchObject({ rotations: 0, written: written.length, faults: 0, fault: undefined, pendingIncidents: 0 });
    const rotateReports = lines.filter((line) => line.includes('rotating'));
    expect(rotateReports[0]).toContain('failed (Error: EBUSY: injected fault); writing on into the current file, next attempt in 1000 ms');

    // The rename works again: rotation resumes at the end of the window, and the backoff starts over.
    recording.renameFailsWith = undefined;
    now = failedAt + 60_000;
    const before = [...written];
    await writeOne();
    expect(recording.renames).toBe(2 + holdOffs.length);
    expect(target.stats.rotations).toBe(1);
    expect(read(`${filename}.1`)).toBe(before.map(text).join(''));
    expect(read()).toBe(text(written[written.length - 1]));

    recording.renameFailsWith = 'EBUSY';
    await writeOne();
    expect(recording.renames).toBe(3 + holdOffs.length);
    failedAt = now;
    now = failedAt + 999;
    await writeOne();
    expect(recording.renames).toBe(3 + holdOffs.length);
    now = failedAt + 1_000;
    await writeOne();
    expect(recording.renames).toBe(4 + holdOffs.length);
    expect(read()).toBe(written.slice(before.length).map(text).join(''));
    expect(target.stats).toMatchObject({ rotations: 1, written: written.length, dropped: 0 });
  });
  it('the hold-off uses a monotonic clock: the wall clock set back an hour does not stretch it', async () => {
    let monotonic = 5_000;
    let wall = Date.UTC(2026, 0, 1);
    jest.spyOn(performance, 'now').mockImplementation(() => monotonic);
    jest.spyOn(Date, 'now').mockImplementation(() => wall);
    const recording = new RecordingFs();
    const { reporter } = captureReporter();
    const sample = bytes([makeIncident('c000', { padding: 200 })]);
    const target = create({ maxBytes: sample + 1, backupCount: 1 }, { fs: recording, reporter });
    let n = 0;
    const writeOne = async () => {
      target.write(makeIncident(`c${String(n++).padStart(3, '0')}`, { padding: 200 }));
      await target.flush();
    };
    await writeOne();
    recording.renameFailsWith = 'EBUSY';
    await writeOne();
    expect(recording.renames).toBe(1);
    recording.renameFailsWith = undefined;
    // NTP steps the wall clock back an hour; one second of real time passes.
    wall -= 3_600_000;
    monotonic += 1_000;
    await writeOne();
    expect(recording.renames).toBe(2);
    expect(target.stats.rotations).toBe(1);
  });
});
