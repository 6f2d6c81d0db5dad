import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { LossMarker } from '../../lib/targets/rotating-file/loss-marker';
import { RotatingFileTarget } from '../../lib/targets/rotating-file/rotating-file.target';
import { DamageTally } from '../../lib/viewer/damage-tally';
import { IncidentReader } from '../../lib/viewer/incident-reader';
import { readLines } from '../../lib/viewer/line-reader';
import type { ReadIncident } from '../../lib/viewer/read-incident.interface';
import { resolveRotatedSet } from '../../lib/viewer/rotated-set';
import { isoOf, viewerIncident, viewerTempDir, writeIncidents } from '../fixtures/viewer-files';

async function readSet(files: string[], cwd: string, maxLineBytes?: number): Promise<{ incidents: ReadIncident[]; tally: DamageTally }> {
  const tally = new DamageTally();
  const incidents: ReadIncident[] = [];
  const reader = new IncidentReader({ tally, onIncident: (read) => incidents.push(read) > 0 });
  for (const file of files) {
    await readLines(path.join(cwd, file), (line) => reader.push({ ...line, file }), undefined, maxLineBytes);
    reader.endFile();
  }
  return { incidents, tally };
}

/** What the reader should find for an incident the test wrote. */
function expectedSummary(incident: Incident) {
  return {
    id: incident.id,
    complete: true,
    firstTime: isoOf(incident.records[0].timestamp),
    lastTime: isoOf(incident.trigger!.timestamp),
    header: expect.objectContaining({
      reason: incident.reason,
      requestId: incident.request!.id,
      method: incident.request!.method,
      url: incident.request!.url,
      records: incident.records.length,
    }),
    trigger: expect.objectContaining({ level: 'error', context: incident.trigger!.context, message: incident.trigger!.message }),
  };
}

const FORMATS = ['json', 'text'] as const;

describe.each(FORMATS)('viewer: reading %s files written by RotatingFileTarget', (format) => {
  let dir: string;
  let incidents: Incident[];
  const file = () => path.join(dir, 'incidents.log');
  beforeEach(async () => {
    dir = viewerTempDir();
    incidents = Array.from({ length: 9 }, (_, index) =>
      viewerIncident(
        index + 1,
        index === 3 ? { extra: { fields: { orderId: 7, plan: 'pro annual' }, outcome: { status: 502, durationMs: 40 } } } : {},
      ),
    );
    // About three incidents a file: .2, .1, then the base file.
    await writeIncidents(file(), incidents, format, { maxBytes: format === 'json' ? 4000 : 2500, backupCount: 5 });
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('finds every incident, whole, in write order across the backups', async () => {
    const files = resolveRotatedSet(['incidents.log'], dir);
    expect(files).toEqual(['incidents.log.2', 'incidents.log.1', 'incidents.log']);
    const { incidents: read, tally } = await readSet(files, dir);
    expect(read).toEqual(incidents.map((incident) => expect.objectContaining(expectedSummary(incident))));
    expect(read[3].header).toMatchObject({ fields: { orderId: 7, plan: 'pro annual' }, outcome: { status: 502, durationMs: 40 } });
    expect(read.map((incident) => incident.file)).toEqual(expect.arrayContaining(files));
    expect(tally.render('v')).toBe('');
  });

  it('a last block cut off mid-line (SIGKILL) is read as far as written and reported incomplete, with the cut line', async () => {
    const content = fs.readFileSync(file(), 'utf8');
    // Cut in the middle of the last incident's second record line.
    const lastStart = content.lastIndexOf(
      format === 'json' ? `{"incident":"${incidents[8].id}","requestId":"req-9","type":"incident"` : '=== INCIDENT ',
    );
    const secondRecord = content.indexOf('step 2 of order 9', lastStart);
    fs.writeFileSync(file(), content.slice(0, secondRecord + 4));
    const { incidents: read, tally } = await readSet(['incidents.log'], dir);
    const last = read[read.length - 1];
    expect(last).toMatchObject({ id: incidents[8].id, complete: false, seen: 1, lastTime: isoOf(incidents[8].records[0].timestamp) });
    expect(read.slice(0, -1).every((incident) => incident.complete)).toBe(true);
    const lineCount = content.slice(0, secondRecord).split('\n').length;
    expect(tally.incomplete.positions).toEqual([`incidents.log:${content.slice(0, lastStart).split('\n').length} (${incidents[8].id})`]);
    expect(tally.skipped.positions).toEqual([`incidents.log:${lineCount} (cut off at the end of the file)`]);
  });

  it('a block cut off at a line end is incomplete too, and no line is reported', async () => {
    const content = fs.readFileSync(file(), 'utf8');
    const cut = content.indexOf('\n', content.indexOf('step 2 of order 9')) + 1;
    fs.writeFileSync(file(), content.slice(0, cut));
    const { incidents: read, tally } = await readSet(['incidents.log'], dir);
    expect(read[read.length - 1]).toMatchObject({ id: incidents[8].id, complete: false, seen: 2 });
    expect(tally.incomplete.count).toBe(1);
    expect(tally.skipped.count).toBe(0);
  });

  it('foreign lines, binary, blank lines, CRLF and a huge line are skipped and counted; every incident still reads whole', async () => {
    // One file, no rotation: every incident in it.
    fs.rmSync(dir, { recursive: true, force: true });
    await writeIncidents(file(), incidents, format);
    const lines = fs.readFileSync(file(), 'utf8').split('\n');
    lines.pop();
    const foreign = [
      'Starting app on port 3000',
      '\u0000\u0001\u0002\ufffd\ufffdPNG\u001a binary',
      '{"level":30,"msg":"a pino line"}',
      '{"incident":"not json',
      '=== not a header ===',
      'x'.repeat(50_000),
    ];
    // One foreign line after each incident's first line, so they land inside incidents as well as between them.
    const damaged: string[] = [];
    const foreignAt: number[] = [];
    lines.forEach((line, index) => {
      damaged.push(line);
      if (index % 4 === 1 && foreignAt.length < foreign.length) {
        damaged.push(foreign[foreignAt.length]);
        foreignAt.push(damaged.length);
      }
      if (index % 5 === 2) damaged.push('');
    });
    fs.writeFileSync(file(), `${damaged.join('\r\n')}\r\n`);
    const { incidents: read, tally } = await readSet(['incidents.log'], dir, 10_000);
    const inBase = incidents.filter((incident) => read.some((found) => found.id === incident.id));
    expect(inBase).toEqual(incidents);
    expect(read).toEqual(inBase.map((incident) => expect.objectContaining(expectedSummary(incident))));
    expect(tally.skipped.count).toBe(foreignAt.length);
    expect(tally.skipped.positions).toEqual(
      foreignAt.slice(0, 5).map((line) => expect.stringMatching(new RegExp(`^incidents\\.log:${line} \\(`))),
    );
    expect(tally.incomplete.count).toBe(0);
  });
});

describe('viewer: reading what a restart, a format change and the writer leave behind', () => {
  let dir: string;
  beforeEach(() => {
    dir = viewerTempDir();
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(FORMATS)('%s: a writer restarted after SIGKILL appends to the cut line; the new incidents are found in it', async (format) => {
    const file = path.join(dir, 'incidents.log');
    const first = [viewerIncident(1), viewerIncident(2)];
    await writeIncidents(file, first, format);
    const content = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, content.slice(0, content.indexOf('step 2 of order 2') + 6));
    const second = [viewerIncident(3), viewerIncident(4)];
    await writeIncidents(file, second, format);
    const { incidents: read, tally } = await readSet(['incidents.log'], dir);
    expect(read.map((incident) => [incident.id, incident.complete])).toEqual([
      [first[0].id, true],
      [first[1].id, false],
      [second[0].id, true],
      [second[1].id, true],
    ]);
    expect(read[2]).toMatchObject(expectedSummary(second[0]));
    expect(tally.skipped.count).toBe(1);
  });

  it('a set whose format changed between files (text backups, JSON now) reads as one', async () => {
    const file = path.join(dir, 'incidents.log');
    const older = [viewerIncident(1), viewerIncident(2)];
    const newer = [viewerIncident(3), viewerIncident(4)];
    await writeIncidents(file, older, 'text', { maxBytes: 1, backupCount: 5 });
    // maxBytes 1: each incident alone in its file; the JSON writer continues the same chain.
    await writeIncidents(file, newer, 'json', { maxBytes: 1, backupCount: 5 });
    const files = resolveRotatedSet(['incidents.log'], dir);
    expect(files).toHaveLength(4);
    const { incidents: read, tally } = await readSet(files, dir);
    expect(read.map((incident) => [incident.id, incident.format])).toEqual([
      [older[0].id, 'text'],
      [older[1].id, 'text'],
      [newer[0].id, 'json'],
      [newer[1].id, 'json'],
    ]);
    expect(tally.render('v')).toBe('');
  });

  it.each(FORMATS)(
    '%s: pass-through lines are part of no incident and not damage; a loss marker is reported with its count',
    async (format) => {
      const file = path.join(dir, 'incidents.log');
      const target = new RotatingFileTarget({ filename: file, format, maxBytes: 0, fsync: false });
      const incident = viewerIncident(1, { passthroughAt: 1, records: 4 });
      target.writeRecord(incident.records[0], incident.request);
      target.write(incident);
      await target.close();
      const marker = new LossMarker();
      marker.add('maxPendingBytes reached', { incidents: 20, records: 5 }, Date.UTC(2026, 2, 4));
      const markerLine = fs.readFileSync(file, 'utf8').split('\n').length;
      fs.appendFileSync(file, marker.render(format));
      const { incidents: read, tally } = await readSet(['incidents.log'], dir);
      // The pass-through record is not in the incident's body: its first printed record is the second.
      const summary = { ...expectedSummary(incident), firstTime: isoOf(incident.records[1].timestamp), expected: 3, seen: 3 };
      expect(read).toEqual([expect.objectContaining(summary)]);
      expect(read[0].header.passthrough).toBe(1);
      expect(tally.skipped.count).toBe(0);
      expect(tally.lostIncidents).toBe(20);
      expect(tally.lost.positions).toEqual([`incidents.log:${markerLine}`]);
    },
  );
});
