// The viewer as a command, in a child process (its TypeScript through the
// project's require hook; test/compat/viewer-bin.e2e-spec.ts runs the packed
// bin): stdout, stderr and exit codes on files a killed writer left behind.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIncidentJson } from '../../lib/format/json.format';
import { formatIncidentText } from '../../lib/format/text.format';
import { isoOf, viewerIncident, viewerTempDir, writeIncidents } from '../fixtures/viewer-files';
import { runFixture } from '../utils/run-fixture';

const REGISTER = path.join(__dirname, '..', 'utils', 'ts-register.js');
const CLI = path.join(__dirname, '..', '..', 'lib', 'viewer', 'cli.ts');

function viewer(args: string[], cwd: string) {
  return spawnSync(process.execPath, ['-r', REGISTER, CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000 });
}

describe.each(['json', 'text'] as const)('nestjs-incident-logger on what a SIGKILLed writer left (%s)', (format) => {
  let dir: string;
  beforeAll(() => {
    dir = viewerTempDir();
    const writer = runFixture(path.join(__dirname, '..', 'fixtures', 'viewer-writer.fixture.ts'), [dir, format]);
    expect(writer.signal).toBe('SIGKILL');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('list: the five whole incidents, the cut sixth marked incomplete, the damage on stderr, exit 0', () => {
    expect(fs.readdirSync(dir).length).toBeGreaterThanOrEqual(3); // rotated into backups
    const child = viewer(['list'], dir);
    expect(child.status).toBe(0);
    const lines = child.stdout.split('\n').slice(0, -1);
    const ids = lines.map((line) => line.split('  ')[1]);
    expect(ids).toEqual([1, 2, 3, 4, 5, 6].map((n) => viewerIncident(n).id));
    expect(lines.slice(0, 5).every((line) => line.includes(' 3 rec  POST '))).toBe(true);
    const sixth = viewerIncident(6);
    expect(
      lines[5].startsWith(`${isoOf(sixth.records[0].timestamp)}  ${sixth.id}  level       3 rec (incomplete)  POST /orders/6/pay`),
    ).toBe(true);
    expect(child.stderr).toMatch(
      /^nestjs-incident-logger: skipped 1 line that is not part of an incident: incidents\.log:\d+ \(cut off at the end of the file\)\n/,
    );
    expect(child.stderr).toMatch(new RegExp(`\\n.*1 incident is incomplete .*: incidents\\.log:\\d+ \\(${sixth.id}\\)\\n$`));
  });

  it('show <id>: the incident as the library prints it; --json in the JSON-lines format', () => {
    const third = viewerIncident(3);
    expect(viewer(['show', third.id, 'incidents.log'], dir)).toMatchObject({ status: 0, stdout: formatIncidentText(third), stderr: '' });
    expect(viewer(['show', third.id, '--json'], dir)).toMatchObject({ status: 0, stdout: formatIncidentJson(third), stderr: '' });
  });

  it('exit 1 for an unknown id, 2 for a usage error or a missing file', () => {
    expect(viewer(['show', 'ffffffff'], dir)).toMatchObject({ status: 1, stdout: '' });
    const usage = viewer(['list', '--since'], dir);
    expect(usage).toMatchObject({ status: 2, stdout: '' });
    expect(usage.stderr).toMatch(/^nestjs-incident-logger: --since needs a value\n\nUsage:/);
    expect(viewer(['list', 'nope.log'], dir)).toMatchObject({
      status: 2,
      stdout: '',
      stderr: 'nestjs-incident-logger: nope.log: no such file\n',
    });
  });
});

describe('nestjs-incident-logger in a pipeline', () => {
  it('list | head -n 1 on a large file: one line, the viewer stops by itself, no EPIPE error', async () => {
    const dir = viewerTempDir();
    try {
      const incidents = Array.from({ length: 20_000 }, (_, index) => viewerIncident(index + 1));
      await writeIncidents(path.join(dir, 'incidents.log'), incidents, 'json');
      const child = spawnSync(
        'bash',
        ['-c', `set -o pipefail; "${process.execPath}" -r "${REGISTER}" "${CLI}" list incidents.log 2>viewer.err | head -n 1`],
        { cwd: dir, encoding: 'utf8', timeout: 60_000 },
      );
      expect(child.stdout.split('\n')).toEqual([expect.stringContaining(`  ${incidents[0].id}  level  `), '']);
      expect(child.status).toBe(0);
      expect(fs.readFileSync(path.join(dir, 'viewer.err'), 'utf8')).toBe('');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
