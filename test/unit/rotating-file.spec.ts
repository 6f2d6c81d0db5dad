import * as fs from 'node:fs';
import * as path from 'node:path';
import { ConsoleTarget, formatIncident, Incident, RotatingFileTarget } from '../../lib';
import {
  captureReporter,
  chainInWriteOrder,
  FaultyFs,
  fatalIncident,
  incidentIds,
  makeIncident,
  parseTextBlocks,
  readChain,
  removeDir,
  tempDir,
} from '../utils/rotating-file.helpers';
import { until } from '../utils/until';

const text = (incident: Incident) => formatIncident(incident, 'text');

/** Python's rotation decision and renames, in bytes: index 0 is the current file. */
function expectedChain(blocks: string[], maxBytes: number, backupCount: number, initial: string[] = ['']): string[] {
  let files = [...initial];
  for (const block of blocks) {
    const size = Buffer.byteLength(files[0]);
    if (maxBytes > 0 && size > 0 && size + Buffer.byteLength(block) >= maxBytes) files = ['', ...files].slice(0, backupCount + 1);
    files[0] += block;
  }
  return files;
}

function chainContents(dir: string): string[] {
  return readChain(dir).map((file) => file.content);
}

describe('RotatingFileTarget', () => {
  let dir: string;
  let filename: string;
  const targets: RotatingFileTarget[] = [];
  const create = (options: Partial<ConstructorParameters<typeof RotatingFileTarget>[0]> = {}, internals = {}) => {
    const target = new RotatingFileTarget({ filename, ...options }, { reporter: captureReporter().reporter, ...internals });
    targets.push(target);
    return target;
  };

  beforeEach(() => {
    dir = tempDir();
    filename = path.join(dir, 'incidents.log');
  });
  afterEach(async () => {
    await Promise.all(targets.splice(0).map((target) => target.close()));
    removeDir(dir);
  });

  describe('options', () => {
    it('rejects maxBytes > 0 with backupCount 0 (Python would grow the file without limit)', () => {
      expect(() => new RotatingFileTarget({ filename, maxBytes: 1000, backupCount: 0 })).toThrow(
        /backupCount 0 with maxBytes > 0 cannot rotate and would grow the file without limit/,
      );
      expect(fs.existsSync(filename)).toBe(false);
      expect(() => create({ maxBytes: 0, backupCount: 0 })).not.toThrow();
    });

    it.each([
      [{ filename: '' }, /filename/],
      [{ maxBytes: -1 }, /maxBytes/],
      [{ maxBytes: 1.5 }, /maxBytes/],
      [{ backupCount: -2 }, /backupCount/],
      [{ format: 'xml' }, /format/],
      [{ mode: 0o1777 }, /mode/],
      [{ maxPendingBytes: 0 }, /maxPendingBytes/],
      [{ fsync: 'yes' }, /fsync/],
    ])('rejects %j', (options, message) => {
      expect(() => new RotatingFileTarget({ filename, ...(options as object) })).toThrow(message);
    });

    it('creates missing directories with dirMode and files with mode exactly, whatever the umask', async () => {
      const previous = process.umask(0);
      try {
        filename = path.join(dir, 'a', 'b', 'incidents.log');
        const target = create({ maxBytes: 300, backupCount: 2 });
        for (let i = 0; i < 4; i++) target.write(makeIncident(`m${i}`, { padding: 200 }));
        await target.flush();
        expect(target.stats.rotations).toBeGreaterThan(0);
        for (const sub of ['a', 'a/b']) expect(fs.statSync(path.join(dir, sub)).mode & 0o7777).toBe(0o700);
        for (const name of ['incidents.log', 'incidents.log.1', 'incidents.log.2']) {
          expect(fs.statSync(path.join(dir, 'a', 'b', name)).mode & 0o7777).toBe(0o600);
        }
        process.umask(0o077);
        filename = path.join(dir, 'c', 'incidents.log');
        const custom = create({ mode: 0o640, dirMode: 0o750 });
        custom.write(makeIncident('c'));
        await custom.flush();
        expect(fs.statSync(path.join(dir, 'c')).mode & 0o7777).toBe(0o750);
        expect(fs.statSync(filename).mode & 0o7777).toBe(0o640);
      } finally {
        process.umask(previous);
      }
    });

    it('keeps the permissions of a file that already exists', async () => {
      fs.writeFileSync(filename, '');
      fs.chmodSync(filename, 0o644);
      const target = create();
      target.write(makeIncident('kept'));
      await target.flush();
      expect(fs.statSync(filename).mode & 0o7777).toBe(0o644);
      expect(incidentIds(fs.readFileSync(filename, 'utf8'))).toHaveLength(1);
    });

    it('maxBytes 0 never rotates', async () => {
      const target = create({ maxBytes: 0 });
      for (let i = 0; i < 50; i++) target.write(makeIncident(`m${i}`, { padding: 500 }));
      await target.flush();
      expect(readChain(dir).map((file) => file.name)).toEqual(['incidents.log']);
      expect(incidentIds(fs.readFileSync(filename, 'utf8'))).toHaveLength(50);
    });
  });

  describe('rotation', () => {
    it('follows Python semantics in UTF-8 bytes: base newest, .1 … .N, nothing beyond .N', async () => {
      const target = create({ maxBytes: 900, backupCount: 3 });
      const incidents = Array.from({ length: 40 }, (_, i) =>
        // Multi-byte text: counting characters instead of bytes would place these differently.
        makeIncident(`m${i}`, { text: 'é€😀'.repeat((i * 7) % 40), padding: (i * 13) % 90 }),
      );
      incidents.forEach((incident, i) => {
        target.write(incident);
        if (i % 9 === 0) target.flushSync();
      });
      await target.flush();
      const expected = expectedChain(incidents.map(text), 900, 3);
      expect(readChain(dir).map((file) => file.name)).toEqual(['incidents.log', 'incidents.log.1', 'incidents.log.2', 'incidents.log.3']);
      expect(chainContents(dir)).toEqual(expected);
      for (const content of chainContents(dir)) {
        // Never over maxBytes, except a file holding a single incident.
        if (Buffer.byteLength(content) > 900) expect(incidentIds(content)).toHaveLength(1);
      }
    });

    it('rotates when a block would make the file exactly maxBytes (>=, as Python), not one byte earlier', async () => {
      const [a, b] = [makeIncident('a', { padding: 100 }), makeIncident('b', { padding: 50 })];
      const exact = Buffer.byteLength(text(a)) + Buffer.byteLength(text(b));
      const reaching = create({ maxBytes: exact, backupCount: 1 });
      reaching.write(a);
      reaching.write(b);
      await reaching.close();
      expect(chainContents(dir)).toEqual([text(b), text(a)]);

      removeDir(dir);
      dir = tempDir();
      filename = path.join(dir, 'incidents.log');
      const below = create({ maxBytes: exact + 1, backupCount: 1 });
      below.write(a);
      below.write(b);
      await below.close();
      expect(chainContents(dir)).toEqual([text(a) + text(b)]);
    });

    it('writes an oversized incident whole into its own file and never rotates an empty file', async () => {
      const target = create({ maxBytes: 500, backupCount: 5 });
      const big = makeIncident('big', { padding: 2000 });
      const small = makeIncident('small');
      const big2 = makeIncident('big2', { padding: 1500 });
      target.write(big); // empty file: no rotation, no empty .1
      target.write(small); // file already over maxBytes: rotates
      target.write(big2); // rotates, then alone in its file
      await target.flush();
      expect(chainContents(dir)).toEqual([text(big2), text(small), text(big)]);
      expect(readChain(dir).every((file) => file.content.length > 0)).toBe(true);
    });

    it('continues numbering and size after a restart, rotating a full file before the first write', async () => {
      const first = create({ maxBytes: 700, backupCount: 4 });
      const before = Array.from({ length: 6 }, (_, i) => makeIncident(`before${i}`, { padding: 150 }));
      before.forEach((incident) => first.write(incident));
      await first.close();
      const onDisk = chainContents(dir);
      expect(onDisk).toEqual(expectedChain(before.map(text), 700, 4));

      const second = create({ maxBytes: 700, backupCount: 4 });
      const after = Array.from({ length: 8 }, (_, i) => makeIncident(`after${i}`, { padding: 150 }));
      after.forEach((incident) => second.write(incident));
      await second.flush();
      expect(chainContents(dir)).toEqual(expectedChain(after.map(text), 700, 4, onDisk));
    });

    it('writes every incident exactly once across the files, in order', async () => {
      const target = create({ maxBytes: 8000, backupCount: 200 });
      const incidents = Array.from({ length: 600 }, (_, i) => makeIncident(`n${i}`, { padding: (i * 31) % 400, records: 1 + (i % 4) }));
      for (const [i, incident] of incidents.entries()) {
        target.write(incident);
        if (i % 50 === 0) target.flushSync();
        if (i % 70 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await target.flush();
      expect(incidentIds(chainInWriteOrder(dir))).toEqual(incidents.map((incident) => incident.id));
      expect(target.stats).toMatchObject({ written: 600, dropped: 0, pendingIncidents: 0, pendingBytes: 0 });
      expect(target.stats.rotations).toBeGreaterThan(10);
      expect(target.stats.rotations).toBe(readChain(dir).length - 1);
    });
  });

  describe('output', () => {
    it('text: the ConsoleTarget layout without colours', async () => {
      let consoleOut = '';
      const console = new ConsoleTarget({ stream: { write: (chunk: string) => (consoleOut += chunk) }, colors: false });
      const target = create();
      for (const incident of [makeIncident('a', { requestId: 'req-a', records: 3 }), makeIncident('b')]) {
        target.write(incident);
        console.write(incident);
      }
      await target.flush();
      expect(fs.readFileSync(filename, 'utf8')).toBe(consoleOut);
    });

    it('json: one JSON object per line, each carrying the incident id and request id', async () => {
      const target = create({ format: 'json' });
      const a = makeIncident('a', { requestId: 'req-a', records: 3 });
      const b = makeIncident('b', { requestId: 'req-b', records: 2 });
      target.write(a);
      target.write(b);
      await target.flush();
      const lines = fs
        .readFileSync(filename, 'utf8')
        .trimEnd()
        .split('\n')
        .map((line) => JSON.parse(line));
      expect(lines.map((line) => [line.incident, line.requestId, line.type])).toEqual([
        [a.id, 'req-a', 'incident'],
        [a.id, 'req-a', 'record'],
        [a.id, 'req-a', 'record'],
        [a.id, 'req-a', 'record'],
        [b.id, 'req-b', 'incident'],
        [b.id, 'req-b', 'record'],
        [b.id, 'req-b', 'record'],
      ]);
    });

    it('text is safe to cat: no control byte from a message reaches the file', async () => {
      const target = create();
      const hostile = makeIncident('hostile', { text: 'a\nFORGED LINE\r\u001b[2J\u001b]0;title\u0007\u009b31m\u007f\u2028\u202eevil' });
      target.write(hostile);
      await target.flush();
      const bytes = fs.readFileSync(filename);
      const content = bytes.toString('utf8');
      // Only newlines end lines, and only the formatter's own lines exist.
      expect([...bytes].filter((byte) => (byte < 0x20 && byte !== 0x0a) || byte === 0x7f)).toEqual([]);
      expect(content).not.toMatch(/[\u0080-\u009f\u2028\u2029\u202a-\u202e]/);
      expect(content.split('\n')).toHaveLength(4);
      expect(content).toContain('a\\nFORGED LINE\\r\\u001b[2J');
    });
  });

  describe('asynchronous, batched, bounded writes', () => {
    it('write() returns before the disk write; flush() completes it', async () => {
      const target = create();
      target.write(makeIncident('later'));
      expect(fs.readFileSync(filename, 'utf8')).toBe('');
      expect(target.stats.pendingIncidents).toBe(1);
      await target.flush();
      expect(incidentIds(fs.readFileSync(filename, 'utf8'))).toHaveLength(1);
    });

    it('writes the incidents of one tick with one write call', async () => {
      const faulty = new FaultyFs();
      const target = create({}, { fs: faulty });
      for (let i = 0; i < 500; i++) target.write(makeIncident(`n${i}`, { padding: 100 }));
      await target.flush();
      expect(faulty.asyncWrites).toBe(1);
      expect(faulty.syncWrites).toBe(0);
      expect(incidentIds(fs.readFileSync(filename, 'utf8'))).toHaveLength(500);
    });

    it('on a stuck disk, keeps pending bytes under maxPendingBytes, drops whole incidents, then writes a marker', async () => {
      const faulty = new FaultyFs();
      faulty.hold = true;
      const sample = Buffer.byteLength(text(makeIncident('n00', { padding: 100 })));
      const { reporter, lines } = captureReporter();
      const target = create({ maxPendingBytes: sample * 10 }, { fs: faulty, reporter });
      const incidents = Array.from({ length: 50 }, (_, i) => makeIncident(`n${String(i).padStart(2, '0')}`, { padding: 100 }));
      for (const incident of incidents) target.write(incident);
      await until(() => faulty.held.length === 1, 'the first batch is in flight');
      for (const incident of incidents.slice(0, 5)) target.write({ ...incident, id: `${incident.id}-late` });
      expect(target.stats.pendingBytes).toBeLessThanOrEqual(sample * 10);
      expect(target.stats).toMatchObject({ pendingIncidents: 10, dropped: 45, written: 0 });
      expect(lines.filter((line) => line.includes('maxPendingBytes') || line.includes('already waiting'))).toHaveLength(1);

      faulty.hold = false;
      faulty.held.splice(0).forEach((held) => held.run());
      await target.flush();
      const blocks = parseTextBlocks(fs.readFileSync(filename, 'utf8'));
      expect(blocks.slice(0, 10).map((block) => block.kind === 'incident' && block.id)).toEqual(incidents.slice(0, 10).map((i) => i.id));
      // One marker per gap: 40 dropped in the first tick (written with the first batch), 5 later.
      expect(blocks).toHaveLength(12);
      expect(blocks[10]).toMatchObject({
        kind: 'marker',
        line: expect.stringMatching(/^=== INCIDENTS LOST: 40 incidents not written \(maxPendingBytes reached\) from \S+ to \S+ ===$/),
      });
      expect(blocks[11]).toMatchObject({
        kind: 'marker',
        line: expect.stringMatching(/^=== INCIDENTS LOST: 5 incidents not written \(maxPendingBytes reached\) from \S+ to \S+ ===$/),
      });
      expect(target.stats).toMatchObject({ written: 10, dropped: 45, markers: 2, pendingIncidents: 0 });
    });

    it('accepts a fatal incident over the limit and writes it at once with flushSync', async () => {
      const faulty = new FaultyFs();
      faulty.hold = true;
      const target = create({ maxPendingBytes: 1 }, { fs: faulty });
      target.write(makeIncident('first'));
      target.write(makeIncident('dropped'));
      const fatal = fatalIncident('fatal');
      target.write(fatal);
      target.flushSync();
      const ids = incidentIds(fs.readFileSync(filename, 'utf8'));
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBe(fatal.id);
      expect(target.stats.dropped).toBe(1);
    });
  });

  describe('flushSync with an asynchronous write in flight', () => {
    async function inFlight(options = {}) {
      const faulty = new FaultyFs();
      faulty.hold = true;
      // flushTimeoutMs: afterEach's close() must not wait on a write the test forgot.
      const target = create({ flushTimeoutMs: 20, ...options }, { fs: faulty });
      const incidents = Array.from({ length: 5 }, (_, i) => makeIncident(`n${i}`, { padding: 60 }));
      incidents.slice(0, 3).forEach((incident) => target.write(incident));
      await until(() => faulty.held.length === 1, 'the first batch is in flight');
      incidents.slice(3).forEach((incident) => target.write(incident));
      return { faulty, target, incidents, expected: incidents.map(text).join('') };
    }

    it('rewrites the in-flight batch in place and appends the queue: complete even if the async write never runs', async () => {
      const { faulty, target, expected } = await inFlight();
      target.flushSync();
      faulty.held[0].forget(); // the process exits: the thread pool never ran it
      expect(fs.readFileSync(filename, 'utf8')).toBe(expected);
      expect(target.stats).toMatchObject({ written: 5, pendingIncidents: 0 });
    });

    it('leaves no duplicate when the async write lands after flushSync', async () => {
      const { faulty, target, expected } = await inFlight();
      target.flushSync();
      faulty.hold = false;
      faulty.held[0].run();
      await target.flush();
      expect(fs.readFileSync(filename, 'utf8')).toBe(expected);
      expect(target.stats.written).toBe(5);
    });

    it('does not undo what flushSync wrote when the async write then fails', async () => {
      const { faulty, target, expected } = await inFlight();
      target.flushSync();
      faulty.hold = false;
      faulty.held[0].fail('ENOSPC');
      await target.flush();
      expect(fs.readFileSync(filename, 'utf8')).toBe(expected);
      expect(faulty.truncates).toBe(0);
      expect(target.stats).toMatchObject({ written: 5, faults: 0 });
    });

    it('keeps order when the in-flight batch and the queue fall on both sides of a rotation', async () => {
      const { faulty, target, incidents } = await inFlight({ maxBytes: 400, backupCount: 10 });
      target.flushSync();
      faulty.held[0].forget();
      expect(incidentIds(chainInWriteOrder(dir))).toEqual(incidents.map((incident) => incident.id));
      expect(target.stats.rotations).toBeGreaterThan(0);
    });

    it('fdatasyncs in flushSync when fsync is on, and not when it is off', async () => {
      const on = await inFlight();
      on.target.flushSync();
      expect(on.faulty.fdatasyncs).toBeGreaterThan(0);
      on.faulty.held[0].forget();

      filename = path.join(dir, 'nosync.log');
      const off = await inFlight({ fsync: false });
      off.target.flushSync();
      expect(off.faulty.fdatasyncs).toBe(0);
      off.faulty.held[0].forget();
    });
  });

  describe('short and failed writes', () => {
    it('short writes, even inside a UTF-8 character, give byte-exact content on both paths', async () => {
      const faulty = new FaultyFs();
      faulty.maxChunk = 3;
      const target = create({ maxBytes: 600, backupCount: 50 }, { fs: faulty });
      const incidents = Array.from({ length: 12 }, (_, i) => makeIncident(`n${i}`, { text: '😀é€'.repeat(i + 1) }));
      for (const [i, incident] of incidents.entries()) {
        target.write(incident);
        if (i % 4 === 3) target.flushSync();
        if (i % 4 === 1) await target.flush();
      }
      await target.flush();
      expect(chainContents(dir)).toEqual(expectedChain(incidents.map(text), 600, 50));
      expect(faulty.syncWrites).toBeGreaterThan(0);
      expect(faulty.asyncWrites).toBeGreaterThan(0);
    });

    it('ENOSPC part way: cuts the partial batch off, reports once, retries it whole when space returns', async () => {
      const faulty = new FaultyFs();
      faulty.failWith = 'ENOSPC';
      faulty.partialBytes = 100;
      const { reporter, lines } = captureReporter();
      const target = create({}, { fs: faulty, reporter });
      const incidents = Array.from({ length: 8 }, (_, i) => makeIncident(`n${i}`, { padding: 50 }));
      incidents.slice(0, 5).forEach((incident) => target.write(incident));
      await until(() => target.stats.fault === 'ENOSPC', 'the write fails');
      incidents.slice(5).forEach((incident) => target.write(incident));
      target.flushSync(); // fails too, without throwing
      await new Promise((resolve) => setTimeout(resolve, 20)); // let a retry or two fail
      expect(fs.readFileSync(filename, 'utf8')).toBe('');
      expect(faulty.truncates).toBe(1);
      expect(lines.filter((line) => line.includes('ENOSPC'))).toHaveLength(1);
      expect(lines[0]).toMatch(/cannot write .*incidents\.log: Error: ENOSPC/);

      faulty.failWith = undefined;
      await target.flush();
      expect(fs.readFileSync(filename, 'utf8')).toBe(incidents.map(text).join(''));
      expect(target.stats).toMatchObject({ written: 8, dropped: 0, faults: 1, markers: 0, fault: undefined });
      expect(lines.filter((line) => line.includes('again'))).toHaveLength(1);
    });

    it('ENOSPC part way on the synchronous path: same cut and retry', () => {
      const faulty = new FaultyFs();
      const target = create({}, { fs: faulty });
      faulty.failWith = 'ENOSPC';
      faulty.partialBytes = 70;
      const incidents = [makeIncident('a', { padding: 80 }), fatalIncident('b')];
      incidents.forEach((incident) => target.write(incident));
      target.flushSync();
      expect(fs.readFileSync(filename, 'utf8')).toBe('');
      faulty.failWith = undefined;
      target.flushSync();
      expect(fs.readFileSync(filename, 'utf8')).toBe(incidents.map(text).join(''));
    });
  });

  describe('shutdown', () => {
    it('flush() gives up on a stuck disk after flushTimeoutMs; close() drops and counts what is left', async () => {
      const faulty = new FaultyFs();
      faulty.hold = true;
      const { reporter, lines } = captureReporter();
      const target = create({ flushTimeoutMs: 30 }, { fs: faulty, reporter });
      target.write(makeIncident('in flight'));
      await until(() => faulty.held.length === 1, 'the first batch is in flight');
      target.write(makeIncident('queued 1'));
      target.write(makeIncident('queued 2'));
      await target.close();
      expect(target.stats).toMatchObject({ dropped: 2, written: 0 });
      expect(lines.some((line) => /flush\(\) left 3 incidents unwritten .* \(not done within 30 ms\)/.test(line))).toBe(true);
      expect(lines.some((line) => /2 incidents could not be written to .* \(not written before close\)/.test(line))).toBe(true);
      faulty.held[0].forget();
    });

    it('writes synchronously after close(), so late incidents still reach the file', async () => {
      const target = create();
      await target.close();
      const late = makeIncident('late');
      target.write(late);
      expect(incidentIds(fs.readFileSync(filename, 'utf8'))).toEqual([late.id]);
      await target.close();
    });
  });
});
