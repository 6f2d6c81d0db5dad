// Real filesystem faults, chosen to be faults for root too (the suite runs as
// root, so chmod-based EACCES would not fail): /dev/full (ENOSPC), a file
// where a directory should be (ENOTDIR), a directory where the file should be
// (EISDIR), a symlink, the file deleted, moved or truncated underneath.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIncident, RotatingFileTarget } from '../../lib';
import { captureReporter, incidentIds, makeIncident, parseTextBlocks, readChain, removeDir, tempDir } from '../utils/rotating-file.helpers';
import { until } from '../utils/until';

// Retries back off: wait longer between polls than the default.
const RETRY_WAIT = { attempts: 3000, intervalMs: 5 };

describe('RotatingFileTarget faults', () => {
  let dir: string;
  let filename: string;
  let lines: string[];
  const targets: RotatingFileTarget[] = [];
  // No flush deadline: a flush() that waited on a fault instead of returning would time the test out.
  const create = (options: Partial<ConstructorParameters<typeof RotatingFileTarget>[0]> = {}) => {
    const captured = captureReporter();
    lines = captured.lines;
    const target = new RotatingFileTarget({ filename, flushTimeoutMs: 2 ** 31 - 1, ...options }, { reporter: captured.reporter });
    targets.push(target);
    return target;
  };
  const read = () => fs.readFileSync(filename, 'utf8');

  beforeEach(() => {
    dir = tempDir();
    filename = path.join(dir, 'incidents.log');
  });
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((target) => target.close()));
    removeDir(dir);
  });

  it('/dev/full: ENOSPC reported once, nothing thrown, incidents kept then dropped and counted at close', async () => {
    const modeBefore = fs.statSync('/dev/full').mode;
    filename = '/dev/full';
    const target = create({ maxPendingBytes: 4096 });
    for (let i = 0; i < 40; i++) expect(() => target.write(makeIncident(`n${i}`, { padding: 200 }))).not.toThrow();
    expect(() => target.flushSync()).not.toThrow();
    await target.flush();
    expect(target.stats.fault).toBe('ENOSPC');
    expect(lines.filter((line) => /cannot write \/dev\/full: Error: ENOSPC/.test(line))).toHaveLength(1);
    const kept = target.stats.pendingIncidents;
    expect(kept).toBeGreaterThan(0);
    expect(target.stats.dropped).toBe(40 - kept);
    await target.close();
    expect(target.stats).toMatchObject({ written: 0, dropped: 40, pendingIncidents: 0, rotations: 0 });
    // A device is never chmod-ed, renamed or truncated.
    expect(fs.statSync('/dev/full').mode).toBe(modeBefore);
  });

  it('a FIFO: no reader is a fault (ENXIO), never a blocked open; with a reader incidents flow through it, never rotated', async () => {
    expect(spawnSync('python3', ['-c', 'import os, sys; os.mkfifo(sys.argv[1])', filename]).status).toBe(0);
    const target = create({ maxBytes: 300, backupCount: 2 });
    expect(target.stats.fault).toBe('ENXIO');
    const incidents = Array.from({ length: 4 }, (_, i) => makeIncident(`f${i}`, { padding: 200 }));
    incidents.forEach((incident) => target.write(incident));
    const reader = fs.openSync(filename, fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
    try {
      await target.flush();
      const chunks: Buffer[] = [];
      const buffer = Buffer.alloc(65536);
      for (;;) {
        let n = 0;
        try {
          n = fs.readSync(reader, buffer, 0, buffer.length, null);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'EAGAIN') break;
          throw error;
        }
        if (n === 0) break;
        chunks.push(Buffer.from(buffer.subarray(0, n)));
      }
      expect(Buffer.concat(chunks).toString('utf8')).toBe(incidents.map((incident) => formatIncident(incident, 'text')).join(''));
      expect(target.stats).toMatchObject({ written: 4, rotations: 0, fault: undefined });
      expect(fs.readdirSync(dir)).toEqual(['incidents.log']);
    } finally {
      await target.close();
      fs.closeSync(reader);
    }
  });

  it('a file where a directory should be (ENOTDIR): reported at startup, resumes by itself when fixed, marker for the dropped', async () => {
    fs.writeFileSync(path.join(dir, 'logs'), 'not a directory');
    filename = path.join(dir, 'logs', 'incidents.log');
    const sample = Buffer.byteLength(formatIncident(makeIncident('n00', { padding: 100 }), 'text'));
    const target = create({ maxPendingBytes: sample * 10 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/cannot open .*logs\/incidents\.log: Error: ENOTDIR: .*logs exists and is not a directory/);
    const incidents = Array.from({ length: 30 }, (_, i) => makeIncident(`n${String(i).padStart(2, '0')}`, { padding: 100 }));
    incidents.forEach((incident) => target.write(incident));
    await until(() => target.stats.dropped === 20, 'the pending limit is reached', RETRY_WAIT);

    fs.rmSync(path.join(dir, 'logs'));
    await until(() => target.stats.written === 10, 'the retry writes once the path is fixed', RETRY_WAIT); // no flush(): by itself
    const blocks = parseTextBlocks(read());
    expect(blocks.slice(0, 10).map((block) => block.kind === 'incident' && block.id)).toEqual(incidents.slice(0, 10).map((i) => i.id));
    expect(blocks[10]).toMatchObject({
      kind: 'marker',
      line: expect.stringContaining('INCIDENTS LOST: 20 incidents not written (maxPendingBytes reached, ENOTDIR)'),
    });
    expect(blocks).toHaveLength(11);
    expect(lines.filter((line) => line.includes('ENOTDIR') && line.includes('cannot'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('writing to') && line.includes('again'))).toHaveLength(1);
    expect(target.stats).toMatchObject({ written: 10, dropped: 20, markers: 1, faults: 1, fault: undefined });
  });

  it('a directory where the file should be (EISDIR): clear startup report, writes once it is removed', async () => {
    fs.mkdirSync(filename);
    const target = create();
    expect(lines).toEqual([expect.stringMatching(/cannot open .*incidents\.log: it is a directory/)]);
    const incidents = [makeIncident('a'), makeIncident('b')];
    incidents.forEach((incident) => target.write(incident));
    await target.flush();
    expect(target.stats).toMatchObject({ written: 0, pendingIncidents: 2, fault: 'EISDIR' });
    fs.rmdirSync(filename);
    await target.flush();
    expect(incidentIds(read())).toEqual(incidents.map((incident) => incident.id));
    expect(target.stats).toMatchObject({ written: 2, dropped: 0, markers: 0 });
  });

  it('the file deleted while open: detected before the next write and recreated', async () => {
    const target = create();
    target.write(makeIncident('before'));
    await target.flush();
    fs.unlinkSync(filename);
    const after = [makeIncident('after 1'), makeIncident('after 2')];
    after.forEach((incident) => target.write(incident));
    await target.flush();
    expect(incidentIds(read())).toEqual(after.map((incident) => incident.id));
    expect(target.stats.reopens).toBe(1);
    expect(lines.filter((line) => /was deleted, moved away or replaced/.test(line))).toHaveLength(1);
  });

  it('the file deleted before a flushSync: recreated on the synchronous path too', async () => {
    const target = create();
    target.write(makeIncident('before'));
    await target.flush();
    fs.unlinkSync(filename);
    const fatal = makeIncident('fatal');
    target.write(fatal);
    target.flushSync();
    expect(incidentIds(read())).toEqual([fatal.id]);
  });

  it('the file moved away (external logrotate): a new file at the path, the old content stays in the moved one', async () => {
    const target = create();
    const before = makeIncident('before');
    target.write(before);
    await target.flush();
    fs.renameSync(filename, `${filename}-20260101`);
    const after = makeIncident('after');
    target.write(after);
    await target.flush();
    expect(incidentIds(read())).toEqual([after.id]);
    expect(incidentIds(fs.readFileSync(`${filename}-20260101`, 'utf8'))).toEqual([before.id]);
  });

  it('a directory put in place of the file while open: fault reported, resumes when removed', async () => {
    const target = create();
    target.write(makeIncident('before'));
    await target.flush();
    fs.unlinkSync(filename);
    fs.mkdirSync(filename);
    const after = makeIncident('after');
    target.write(after);
    await target.flush();
    expect(target.stats).toMatchObject({ fault: 'EISDIR', pendingIncidents: 1 });
    fs.rmdirSync(filename);
    await target.flush();
    expect(incidentIds(read())).toEqual([after.id]);
  });

  it('the file truncated underneath (copytruncate): continues at the new end, no NUL bytes', async () => {
    const target = create();
    for (let i = 0; i < 3; i++) target.write(makeIncident(`before ${i}`, { padding: 100 }));
    await target.flush();
    fs.truncateSync(filename, 0);
    const after = makeIncident('after');
    target.write(after);
    await target.flush();
    expect(read()).toBe(formatIncident(after, 'text'));
    expect(lines.filter((line) => line.includes('changed size outside this target'))).toHaveLength(1);
  });

  it('refuses a symlink unless allowSymlink is set', async () => {
    const real = path.join(dir, 'elsewhere.log');
    fs.writeFileSync(real, '');
    fs.symlinkSync(real, filename);
    const refused = create();
    expect(lines).toEqual([expect.stringMatching(/refusing to open .*incidents\.log: it is a symbolic link \(set allowSymlink: true/)]);
    refused.write(makeIncident('refused'));
    await refused.close();
    expect(fs.readFileSync(real, 'utf8')).toBe('');

    const allowed = create({ allowSymlink: true });
    const incident = makeIncident('allowed');
    allowed.write(incident);
    await allowed.flush();
    expect(incidentIds(fs.readFileSync(real, 'utf8'))).toEqual([incident.id]);
  });

  it('a rename that fails during rotation: reported once, writing continues in the current file, rotation resumes later', async () => {
    // A non-empty directory named like the first backup: rename(base, base.1) fails (EISDIR).
    fs.mkdirSync(`${filename}.1`);
    fs.writeFileSync(path.join(`${filename}.1`, 'keep'), '');
    const target = create({ maxBytes: 400, backupCount: 1 });
    const incidents = Array.from({ length: 6 }, (_, i) => makeIncident(`n${i}`, { padding: 150 }));
    for (const incident of incidents) {
      target.write(incident);
      await target.flush();
    }
    expect(incidentIds(read())).toEqual(incidents.map((incident) => incident.id));
    expect(lines.filter((line) => /rotating .*incidents\.log failed \(Error: EISDIR/.test(line))).toHaveLength(1);
    expect(target.stats.rotations).toBe(0);

    fs.rmSync(`${filename}.1`, { recursive: true });
    // The next rotation is attempted once its backoff (1 s) has passed.
    for (let attempt = 0; attempt < 100 && target.stats.rotations === 0; attempt++) {
      target.write(makeIncident(`later ${attempt}`, { padding: 150 }));
      await target.flush();
      if (target.stats.rotations === 0) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(target.stats.rotations).toBe(1);
    expect(readChain(dir).map((file) => file.name)).toEqual(['incidents.log', 'incidents.log.1']);
    expect(incidentIds(fs.readFileSync(`${filename}.1`, 'utf8')).slice(0, 6)).toEqual(incidents.map((incident) => incident.id));
  });
});
