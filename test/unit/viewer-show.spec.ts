import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { formatIncidentJson } from '../../lib/format/json.format';
import { formatIncidentText } from '../../lib/format/text.format';
import { runViewerHere, viewerIncident, viewerTempDir, writeIncidents } from '../fixtures/viewer-files';

describe('viewer: show', () => {
  let dir: string;
  let incidents: Incident[];
  beforeAll(async () => {
    dir = viewerTempDir();
    incidents = [
      viewerIncident(1),
      viewerIncident(2, {
        passthroughAt: 1,
        records: 4,
        extra: {
          fields: { orderId: 7, plan: 'pro annual', note: 'a | b' },
          outcome: { status: 502, durationMs: 40 },
          previous: 'aaaaaaaa-0000-4000-8000-000000000000',
          links: ['bbbbbbbb-0000-4000-8000-000000000000'],
          dropped: 12,
          droppedByLevel: { debug: 10, log: 2 },
          droppedSpan: { from: Date.UTC(2026, 2, 4, 3, 10, 59, 100), to: Date.UTC(2026, 2, 4, 3, 10, 59, 900) },
          fingerprint: '3f2a9c0e41b7',
        },
      }),
      viewerIncident(3, { message: 'line one\nline two "quoted" \u001b[31m', extra: { id: 'c0ffee00-2f3d-4e5a-8b6c-000000000003' } }),
    ];
    // Rotated: incident 1 in .2, 2 in .1, 3 in the base file.
    await writeIncidents(path.join(dir, 'json', 'incidents.log'), incidents, 'json', { maxBytes: 1, backupCount: 5 });
    await writeIncidents(path.join(dir, 'text', 'incidents.log'), incidents, 'text', { maxBytes: 1, backupCount: 5 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['json', 'text'])('from a %s file: the incident as the library prints it in text, to paste into a ticket', async (format) => {
    for (const incident of incidents) {
      const run = await runViewerHere(['show', incident.id, `${format}/incidents.log`], dir);
      expect(run).toEqual({ code: 0, stdout: formatIncidentText(incident), stderr: '' });
    }
  });

  it.each(['json', 'text'])('from a %s file, --json: the incident as the JSON-lines format writes it', async (format) => {
    const run = await runViewerHere(['show', incidents[0].id, `${format}/incidents.log`, '--json'], dir);
    expect(run).toEqual({ code: 0, stdout: formatIncidentJson(incidents[0]), stderr: '' });
    // Every header field the text header holds comes back; JSON-only detail of the records (seq of pass-through records) may not.
    const full = await runViewerHere(['show', incidents[1].id, `${format}/incidents.log`, '--json'], dir);
    const header = JSON.parse(full.stdout.split('\n')[0]);
    expect(header).toEqual(JSON.parse(formatIncidentJson(incidents[1]).split('\n')[0]));
  });

  it('a unique prefix is enough; an ambiguous or unknown one exits 1 and says why', async () => {
    const prefix = 'c0ffee';
    expect(await runViewerHere(['show', prefix, 'json/incidents.log'], dir)).toEqual({
      code: 0,
      stdout: formatIncidentText(incidents[2]),
      stderr: '',
    });
    const ambiguous = await runViewerHere(['show', 'b1946ac9-', 'json/incidents.log'], dir);
    expect(ambiguous.code).toBe(1);
    expect(ambiguous.stdout).toBe('');
    expect(ambiguous.stderr).toBe(
      `nestjs-incident-logger: b1946ac9- is the start of 2 incident ids (${incidents[0].id}, ${incidents[1].id}): give more of it\n`,
    );
    const missing = await runViewerHere(['show', 'ffff', 'text/incidents.log'], dir);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: 'nestjs-incident-logger: no incident ffff in text/incidents.log.2, text/incidents.log.1, text/incidents.log\n',
    });
  });

  it('a whole id stops reading at its incident: damage after it is never seen', async () => {
    const file = path.join(dir, 'json', 'incidents.log.2');
    const before = fs.readFileSync(file);
    fs.appendFileSync(file, 'garbage after the incident\n');
    try {
      const run = await runViewerHere(['show', incidents[0].id, 'json/incidents.log'], dir);
      expect(run).toEqual({ code: 0, stdout: formatIncidentText(incidents[0]), stderr: '' });
      const all = await runViewerHere(['show', incidents[2].id, 'json/incidents.log'], dir);
      expect(all.stderr).toBe(
        'nestjs-incident-logger: skipped 1 line that is not part of an incident: json/incidents.log.2:5 (not an incident line)\n',
      );
    } finally {
      fs.writeFileSync(file, before);
    }
  });

  it('header keys a newer writer added are shown, in text and JSON', async () => {
    const file = path.join(dir, 'newer.log');
    const lines = formatIncidentJson(incidents[0]).split('\n');
    const header = JSON.parse(lines[0]);
    lines[0] = JSON.stringify({ ...header, region: 'eu-west-1', shard: 7 });
    fs.writeFileSync(file, lines.join('\n'));
    const text = await runViewerHere(['show', incidents[0].id, 'newer.log'], dir);
    const expected = formatIncidentText(incidents[0]).replace(' ===\n', ' | region=eu-west-1 | shard=7 ===\n');
    expect(text).toEqual({ code: 0, stdout: expected, stderr: '' });
    const json = await runViewerHere(['show', incidents[0].id, 'newer.log', '--json'], dir);
    expect(JSON.parse(json.stdout.split('\n')[0])).toMatchObject({ region: 'eu-west-1', shard: 7 });
  });

  it.each(['json', 'text'] as const)(
    'shows the trace context of an incident read from a %s file as the library prints it',
    async (format) => {
      const file = path.join(dir, `traced.${format}.log`);
      const traced = { ...incidents[0], traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7' };
      fs.writeFileSync(file, format === 'json' ? formatIncidentJson(traced) : formatIncidentText(traced));
      const text = await runViewerHere(['show', traced.id, `traced.${format}.log`], dir);
      const expected = formatIncidentText(traced);
      expect(text).toEqual({ code: 0, stdout: expected, stderr: '' });
      const json = await runViewerHere(['show', traced.id, `traced.${format}.log`, '--json'], dir);
      expect(JSON.parse(json.stdout.split('\n')[0])).toMatchObject({
        traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
        spanId: '00f067aa0ba902b7',
      });
    },
  );

  it.each([
    [
      'a JSON header claiming a billion records',
      'json',
      (lines: string[]) => lines.map((line, i) => (i === 0 ? line.replace(/"records":\d+/, '"records":1000000000') : line)),
    ],
    [
      'a JSON record whose seq is a billion',
      'json',
      (lines: string[]) => lines.map((line, i) => (i === 1 ? line.replace(/"seq":\d+/, '"seq":1000000000') : line)),
    ],
    [
      'a text header claiming 60 million pass-through records',
      'text',
      (lines: string[]) =>
        lines.map((line, i) => (i === 0 ? line.replace(/ \| records=\d+/, ' | records=60000000 | passthrough=60000000') : line)),
    ],
  ] as const)('%s: shown with bounded memory, not allocated', async (_name, format, damage) => {
    const file = path.join(dir, `hostile.${format}.log`);
    const text = format === 'json' ? formatIncidentJson(incidents[0]) : formatIncidentText(incidents[0]);
    const damaged = damage(text.split('\n')).join('\n');
    expect(damaged).not.toBe(text);
    fs.writeFileSync(file, damaged);
    const run = await runViewerHere(['show', incidents[0].id, `hostile.${format}.log`], dir);
    expect(run.code).toBe(0);
    for (const record of incidents[0].records) expect(run.stdout).toContain(record.message);
  });

  it('an incomplete incident is shown as far as written, and said to be incomplete', async () => {
    const file = path.join(dir, 'cut.log');
    const text = formatIncidentText(incidents[0]);
    const cutAt = text.indexOf('\n', text.indexOf('step 2')) + 1;
    fs.writeFileSync(file, text.slice(0, cutAt));
    const run = await runViewerHere(['show', incidents[0].id, 'cut.log'], dir);
    expect(run).toEqual({
      code: 0,
      stdout: text.slice(0, cutAt),
      stderr: `nestjs-incident-logger: 1 incident is incomplete (cut off, e.g. by SIGKILL), shown as far as written: cut.log:1 (${incidents[0].id})\n`,
    });
  });
});
