import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

const FIXTURE = path.join(__dirname, '../fixtures/crash.fixture.ts');

interface Line {
  incident: string;
  type: string;
  reason?: string;
  scope?: string;
  requestId?: string;
  level?: string;
  context?: string;
  message?: string;
  stack?: string;
}

function readIncidents(file: string): Map<string, Line[]> {
  const byIncident = new Map<string, Line[]>();
  if (!fs.existsSync(file)) return byIncident;
  for (const text of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
    const line = JSON.parse(text) as Line;
    byIncident.set(line.incident, [...(byIncident.get(line.incident) ?? []), line]);
  }
  return byIncident;
}

describe('crash flushing (child processes, asserted on the file they leave)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-crash-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each([
    ['throw', 'uncaughtException', 'timer exploded'],
    ['reject', 'unhandledRejection', 'nobody awaited this'],
  ])('%s in a request: writes that request’s incident and the global buffer, exit code unchanged', (mode, origin, message) => {
    const file = path.join(dir, 'incidents.jsonl');
    const child = runFixture(FIXTURE, [mode, file]);
    const baseline = runFixture(FIXTURE, [mode, path.join(dir, 'off.jsonl'), 'off']);
    expect(child.status).toBe(baseline.status);
    expect(child.status).not.toBe(0);
    expect(child.stderr).toContain(message); // Node still prints the crash itself

    const incidents = [...readIncidents(file).values()];
    expect(incidents).toHaveLength(2);
    const [request, global] = incidents;
    expect(request[0]).toMatchObject({ type: 'incident', reason: 'crash', scope: 'request' });
    expect(request.slice(1).map((l) => l.message)).toEqual(['request line 1', 'request line 2', 'request line 3, in a timer', message]);
    expect(request.at(-1)).toMatchObject({ level: 'fatal', context: origin });
    expect(request.at(-1)?.stack).toContain(`Error: ${message}`);
    expect(new Set(request.map((l) => l.requestId)).size).toBe(1);
    expect(global[0]).toMatchObject({ type: 'incident', reason: 'crash', scope: 'global' });
    expect(global.slice(1).map((l) => l.message)).toContain('global line before the crash');
    expect(readIncidents(path.join(dir, 'off.jsonl')).size).toBe(0);
  });

  it('the dump signal writes every live buffer, one incident per scope', () => {
    const file = path.join(dir, 'dump.jsonl');
    const child = runFixture(FIXTURE, ['dump', file]);
    expect(child.status).toBe(0);
    const incidents = [...readIncidents(file).values()];
    const jobs = incidents.filter((lines) => lines[0].scope === 'request');
    expect(jobs.map((lines) => [lines[0].requestId, lines[0].reason, lines.slice(1).map((l) => l.message)])).toEqual([
      ['job-a', 'dump', ['job a started']],
      ['job-b', 'dump', ['job b started']],
      ['job-c', 'dump', ['job c started']],
    ]);
    const global = incidents.find((lines) => lines[0].scope === 'global')!;
    expect(global.slice(1).map((l) => l.message)).toContain('global line before the crash');
  });
});
