import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { isoOf, runViewerHere, viewerIncident, viewerTempDir, writeIncidents } from '../fixtures/viewer-files';

/** The list line of an incident the test wrote: values from the incident, layout from docs/viewer.md. */
function line(incident: Incident): string {
  const trigger = incident.trigger!;
  const request = `${incident.request!.method} ${incident.request!.url} request=${incident.request!.id}`;
  return `${isoOf(trigger.timestamp)}  ${incident.id}  ${incident.reason.padEnd(10)}  ${incident.records.length} rec  ${request}  ERROR [${trigger.context}] ${trigger.message}\n`;
}

describe.each(['json', 'text'] as const)('viewer: list (%s files)', (format) => {
  let dir: string;
  let incidents: Incident[];
  beforeAll(async () => {
    dir = viewerTempDir();
    // One a minute from 03:10, reasons alternating, one with a quoted word in its message.
    incidents = Array.from({ length: 6 }, (_, index) =>
      viewerIncident(index + 1, {
        reason: index % 2 === 0 ? 'level' : 'status',
        message: index === 4 ? 'card "4242" declined' : undefined,
        extra: index === 5 ? { request: { id: 'req-6', kind: 'http', method: 'GET', url: '/health', parentId: 'parent-1' } } : {},
      }),
    );
    await writeIncidents(path.join(dir, 'incidents.log'), incidents, format, { maxBytes: 3000, backupCount: 9 });
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('one line per incident, oldest first, across the backups; ./incidents.log by default', async () => {
    expect(fs.readdirSync(dir).sort()).toEqual(expect.arrayContaining(['incidents.log', 'incidents.log.1']));
    const expected = { code: 0, stdout: incidents.map(line).join(''), stderr: '' };
    expect(await runViewerHere(['list', 'incidents.log'], dir)).toEqual(expected);
    expect(await runViewerHere(['list'], dir)).toEqual(expected);
  });

  it('--since / --until (ISO or relative), --reason, --request, --grep', async () => {
    const now = Date.UTC(2026, 2, 4, 3, 20, 0); // incident N triggers at 03:(9+N):00.003
    const list = async (...args: string[]) => (await runViewerHere(['list', ...args], dir, now)).stdout;
    expect(await list('--since', '2026-03-04T03:12:00Z')).toBe(incidents.slice(2).map(line).join(''));
    expect(await list('--since', '8m', '--until', '2026-03-04T03:14:00.003Z')).toBe(incidents.slice(2, 5).map(line).join(''));
    expect(await list('--reason', 'status')).toBe([incidents[1], incidents[3], incidents[5]].map(line).join(''));
    expect(await list('--reason', 'level,status', '--request', 'req-3')).toBe(line(incidents[2]));
    expect(await list('--request', 'parent-1')).toBe(line(incidents[5]));
    // Text anywhere: a record's message, a stack line, the URL; quotes as logged, whatever the file's escaping.
    expect(await list('--grep', 'card "4242"')).toBe(line(incidents[4]));
    expect(await list('--grep', 'payments.js:4:13')).toBe(line(incidents[3]));
    expect(await list('--grep', '/health')).toBe(line(incidents[5]));
    expect(await list('--grep', 'step 2 of order 2')).toBe(line(incidents[1]));
    expect(await list('--grep', 'nowhere')).toBe('');
  });

  it('--json: one object per incident with where it is and its header', async () => {
    const run = await runViewerHere(['list', '--json', '--request', 'req-6'], dir);
    const objects = run.stdout
      .trim()
      .split('\n')
      .map((text) => JSON.parse(text));
    const incident = incidents[5];
    // Where the test's writer put its header line.
    const where = fs
      .readdirSync(dir)
      .flatMap((name) =>
        fs
          .readFileSync(path.join(dir, name), 'utf8')
          .split('\n')
          .map((text, index) => ({ file: name, line: index + 1, text })),
      )
      .find(
        ({ text }) =>
          text.startsWith(`=== INCIDENT ${incident.id} `) ||
          text.startsWith(`{"incident":"${incident.id}","requestId":"req-6","type":"incident"`),
      )!;
    expect(objects).toEqual([
      expect.objectContaining({
        id: incident.id,
        time: isoOf(incident.trigger!.timestamp),
        firstTime: isoOf(incident.records[0].timestamp),
        format,
        complete: true,
        file: where.file,
        line: where.line,
        reason: 'status',
        requestId: 'req-6',
        parentId: 'parent-1',
        method: 'GET',
        url: '/health',
        records: 3,
        trigger: {
          level: 'error',
          time: isoOf(incident.trigger!.timestamp),
          context: 'PaymentsClient',
          message: incident.trigger!.message,
        },
      }),
    ]);
  });
});

describe('viewer: errors and damage, as the user sees them', () => {
  let dir: string;
  beforeAll(() => {
    dir = viewerTempDir();
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('a usage error prints the message and the usage on stderr, exit 2', async () => {
    const run = await runViewerHere(['list', '--since', 'yesterday'], dir);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^nestjs-incident-logger: --since must be an ISO time .*; got "yesterday"\n\nUsage:\n/);
  });

  it('a missing file, or no file and no ./incidents.log: exit 2 with the reason', async () => {
    expect(await runViewerHere(['list', 'missing.log'], dir)).toEqual({
      code: 2,
      stdout: '',
      stderr: 'nestjs-incident-logger: missing.log: no such file\n',
    });
    const none = await runViewerHere(['list'], dir);
    expect(none.code).toBe(2);
    expect(none.stderr).toBe(
      `nestjs-incident-logger: no file named, and ./incidents.log does not exist here (${dir}): name the RotatingFileTarget's filename\n`,
    );
  });

  it('a file of garbage reads as no incidents: exit 0, the damage counted on stderr with the first positions', async () => {
    const lines = Array.from({ length: 8 }, (_, index) => `garbage ${index} \u001b[2J`);
    fs.writeFileSync(path.join(dir, 'garbage.log'), `${lines.join('\n')}\n`);
    expect(await runViewerHere(['list', 'garbage.log'], dir)).toEqual({
      code: 0,
      stdout: '',
      stderr:
        'nestjs-incident-logger: skipped 8 lines that are not part of an incident: garbage.log:1 (not an incident line), garbage.log:2 (not an incident line), ' +
        'garbage.log:3 (not an incident line), garbage.log:4 (not an incident line), garbage.log:5 (not an incident line), and 3 more\n',
    });
  });

  it('a cut JSON incident is listed, marked incomplete', async () => {
    const incident = viewerIncident(1);
    await writeIncidents(path.join(dir, 'cut.log'), [incident], 'json');
    const content = fs.readFileSync(path.join(dir, 'cut.log'), 'utf8');
    fs.writeFileSync(path.join(dir, 'cut.log'), content.slice(0, content.indexOf('"seq":3') + 3));
    const run = await runViewerHere(['list', 'cut.log'], dir);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(
      `${isoOf(incident.records[1].timestamp)}  ${incident.id}  level       3 rec (incomplete)  POST /orders/1/pay request=req-1  -\n`,
    );
    expect(run.stderr).toBe(
      'nestjs-incident-logger: skipped 1 line that is not part of an incident: cut.log:4 (cut off at the end of the file)\n' +
        `nestjs-incident-logger: 1 incident is incomplete (cut off, e.g. by SIGKILL), shown as far as written: cut.log:1 (${incident.id})\n`,
    );
  });
});
