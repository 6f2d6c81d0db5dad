// RotatingFileTarget.writeRecord: a pass-through record's line goes through
// the same queue and writer as incidents (order, rotation, faults, the
// pending bound), into a real temp dir.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIncident, Incident, IncidentRecord, IncidentRequest, RotatingFileTarget } from '../../lib';
import { formatRecordLine } from '../../lib/format/record-line.util';
import { captureReporter, FaultyFs, makeIncident, readChain, removeDir, tempDir } from '../utils/rotating-file.helpers';
import { until } from '../utils/until';

const request: IncidentRequest = { id: 'req-1', method: 'GET', url: '/orders/1' };
const text = (incident: Incident) => formatIncident(incident, 'text');

function makeRecord(label: string, padding = 0): IncidentRecord {
  return { level: 'log', timestamp: Date.UTC(2026, 0, 1), context: 'Pay', message: `${label} ${'x'.repeat(padding)}` };
}
const line = (record: IncidentRecord) => formatRecordLine(record, request, 'text');

/** Python's rotation decision, made before each block or line, in bytes: index 0 is the current file. */
function expectedChain(entries: string[], maxBytes: number, backupCount: number): string[] {
  let files = [''];
  for (const entry of entries) {
    const size = Buffer.byteLength(files[0]);
    if (size > 0 && size + Buffer.byteLength(entry) >= maxBytes) files = ['', ...files].slice(0, backupCount + 1);
    files[0] += entry;
  }
  return files;
}

describe('RotatingFileTarget.writeRecord', () => {
  let dir: string;
  let filename: string;
  const targets: RotatingFileTarget[] = [];
  const create = (options: Partial<ConstructorParameters<typeof RotatingFileTarget>[0]> = {}, internals = {}) => {
    const target = new RotatingFileTarget({ filename, ...options }, { reporter: captureReporter().reporter, ...internals });
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

  it('appends the record line between incidents, in call order, and counts it apart from incidents', async () => {
    const target = create();
    const [a, b] = [makeIncident('a'), makeIncident('b')];
    const record = { ...makeRecord('charged'), stack: 'Error: slow\n    at pay (/app/pay.js:1:1)' };
    target.write(a);
    target.writeRecord(record, request);
    target.write(b);
    expect(target.stats).toMatchObject({ pendingIncidents: 2, pendingRecords: 1 });
    await target.flush();
    expect(read()).toBe(text(a) + line(record) + text(b));
    expect(line(record)).toBe(
      '2026-01-01T00:00:00.000Z     LOG [Pay] charged  request=req-1\n    Error: slow\n        at pay (/app/pay.js:1:1)\n',
    );
    expect(target.stats).toMatchObject({ written: 2, writtenRecords: 1, pendingIncidents: 0, pendingRecords: 0, pendingBytes: 0 });
  });

  it('json: the passthrough line, parseable, among the incident lines', async () => {
    const target = create({ format: 'json' });
    target.writeRecord(makeRecord('first'), request);
    target.write(makeIncident('a', { requestId: 'req-1' }));
    target.writeRecord(makeRecord('outside'), undefined);
    await target.flush();
    const lines = read()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.map((l) => [l.type, l.requestId])).toEqual([
      ['passthrough', 'req-1'],
      ['incident', 'req-1'],
      ['record', 'req-1'],
      ['passthrough', undefined],
    ]);
  });

  it('gives each line its own rotation decision (Python semantics), never splitting a line or a block', async () => {
    const target = create({ maxBytes: 400, backupCount: 20 });
    const entries: string[] = [];
    for (let i = 0; i < 30; i++) {
      if (i % 3 === 0) {
        const incident = makeIncident(`n${i}`, { padding: (i * 17) % 120 });
        target.write(incident);
        entries.push(text(incident));
      } else {
        const record = makeRecord(`r${i}`, (i * 29) % 150);
        target.writeRecord(record, request);
        entries.push(line(record));
      }
      if (i % 7 === 0) target.flushSync();
    }
    await target.flush();
    const expected = expectedChain(entries, 400, 20);
    expect(readChain(dir).map((file) => file.content)).toEqual(expected);
    expect(expected.length).toBeGreaterThan(5);
    expect(target.stats).toMatchObject({ written: 10, writtenRecords: 20, rotations: expected.length - 1 });
  });

  it('rotates before a line that would bring the file to maxBytes exactly, not one byte earlier', async () => {
    const [a, r] = [makeIncident('a', { padding: 100 }), makeRecord('r', 40)];
    const exact = Buffer.byteLength(text(a)) + Buffer.byteLength(line(r));
    const reaching = create({ maxBytes: exact, backupCount: 1 });
    reaching.write(a);
    reaching.writeRecord(r, request);
    await reaching.close();
    expect(readChain(dir).map((file) => file.content)).toEqual([line(r), text(a)]);

    filename = path.join(dir, 'below.log');
    const below = create({ maxBytes: exact + 1, backupCount: 1 });
    below.write(a);
    below.writeRecord(r, request);
    await below.close();
    expect(readChain(dir, 'below.log').map((file) => file.content)).toEqual([text(a) + line(r)]);
  });

  it('is written asynchronously and never synced on its own', async () => {
    const faulty = new FaultyFs();
    const target = create({}, { fs: faulty });
    target.writeRecord(makeRecord('r'), request);
    expect(read()).toBe('');
    await until(() => target.stats.writtenRecords === 1, 'the line is written');
    expect(read()).toBe(line(makeRecord('r')));
    expect(faulty).toMatchObject({ asyncWrites: 1, syncWrites: 0, fdatasyncs: 0 });
  });

  it('a full disk never throws: the line waits and is written whole when space returns', async () => {
    const faulty = new FaultyFs();
    faulty.failWith = 'ENOSPC';
    faulty.partialBytes = 10;
    const { reporter, lines } = captureReporter();
    const target = create({}, { fs: faulty, reporter });
    const records = [makeRecord('one', 50), makeRecord('two', 50)];
    expect(() => records.forEach((record) => target.writeRecord(record, request))).not.toThrow();
    await until(() => target.stats.fault === 'ENOSPC', 'the write fails');
    expect(() => target.flushSync()).not.toThrow();
    expect(read()).toBe('');
    expect(target.stats).toMatchObject({ pendingRecords: 2, writtenRecords: 0 });
    faulty.failWith = undefined;
    await target.flush();
    expect(read()).toBe(records.map(line).join(''));
    expect(target.stats).toMatchObject({ writtenRecords: 2, droppedRecords: 0, fault: undefined });
    expect(faulty.truncates).toBe(1); // the partial write was cut off: the line was retried whole
    expect(lines.filter((l) => l.includes('cannot write'))).toHaveLength(1);
  });

  it('the file deleted while open: the next line goes to a new file at the path', async () => {
    const target = create();
    target.writeRecord(makeRecord('before'), request);
    await target.flush();
    fs.unlinkSync(filename);
    const after = makeRecord('after');
    target.writeRecord(after, request);
    await target.flush();
    expect(read()).toBe(line(after));
    expect(target.stats.reopens).toBe(1);
  });

  it('over maxPendingBytes, drops lines, counts them apart and leaves a marker that says records', async () => {
    const faulty = new FaultyFs();
    faulty.hold = true;
    const sample = Buffer.byteLength(line(makeRecord('r00', 100)));
    const target = create({ maxPendingBytes: sample * 3 }, { fs: faulty });
    const records = Array.from({ length: 8 }, (_, i) => makeRecord(`r0${i}`, 100));
    records.forEach((record) => target.writeRecord(record, request));
    target.write(makeIncident('over', { padding: 200 }));
    expect(target.stats).toMatchObject({ pendingRecords: 3, droppedRecords: 5, dropped: 1 });
    await until(() => faulty.held.length === 1, 'the batch is in flight');
    faulty.hold = false;
    faulty.held.splice(0).forEach((held) => held.run());
    await target.flush();
    const content = read().split('\n');
    expect(content.slice(0, 3)).toEqual(records.slice(0, 3).map((record) => line(record).slice(0, -1)));
    expect(content[3]).toMatch(
      /^=== INCIDENTS LOST: 1 incident and 5 records not written \(maxPendingBytes reached\) from \S+ to \S+ ===$/,
    );
    expect(content).toHaveLength(5);
    expect(target.stats).toMatchObject({ writtenRecords: 3, droppedRecords: 5, markers: 1 });
  });

  it('json marker: lostRecords beside lost', async () => {
    const faulty = new FaultyFs();
    faulty.hold = true;
    const target = create({ format: 'json', maxPendingBytes: 1 }, { fs: faulty });
    target.writeRecord(makeRecord('kept'), request);
    target.writeRecord(makeRecord('lost'), request);
    await until(() => faulty.held.length === 1, 'the batch is in flight');
    faulty.hold = false;
    faulty.held.splice(0).forEach((held) => held.run());
    await target.flush();
    const lines = read()
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines[1]).toMatchObject({ type: 'incidents-lost', lost: 0, lostRecords: 1, reasons: ['maxPendingBytes reached'] });
  });

  it('close() on a stuck disk drops the waiting lines and says how many records', async () => {
    const faulty = new FaultyFs();
    faulty.hold = true;
    const { reporter, lines } = captureReporter();
    const target = create({ flushTimeoutMs: 20 }, { fs: faulty, reporter });
    target.writeRecord(makeRecord('in flight'), request);
    await until(() => faulty.held.length === 1, 'the batch is in flight');
    target.writeRecord(makeRecord('queued'), request);
    target.write(makeIncident('queued'));
    await target.close();
    expect(target.stats).toMatchObject({ dropped: 1, droppedRecords: 1 });
    expect(lines.some((l) => /flush\(\) left 1 incident and 2 records unwritten/.test(l))).toBe(true);
    expect(lines.some((l) => /1 incident and 1 record could not be written to .* \(not written before close\)/.test(l))).toBe(true);
    faulty.held[0].forget();
  });

  it('after close(), a late line is still written at once', async () => {
    const target = create();
    await target.close();
    const late = makeRecord('late');
    target.writeRecord(late, request);
    expect(read()).toBe(line(late));
  });
});
