import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { readJsonLines } from '../utils/json-lines';
import { runFixture } from '../utils/run-fixture';

// PinoTarget's flushSync makes a crash incident durable: the child writes through
// an asynchronous, buffered pino.destination and dies; the file is read after.

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'destination-pino-crash.fixture.ts');
let dir: string;
beforeAll(() => (dir = mkdtempSync(path.join(tmpdir(), 'incident-pino-crash-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('PinoTarget on a crash', () => {
  it('an uncaught exception, then SIGKILL: the crash incidents are in the file after the process died', () => {
    const file = path.join(dir, 'crash.log');
    const child = runFixture(FIXTURE, ['crash', file]);
    expect(child.signal).toBe('SIGKILL');
    const lines = readJsonLines(file).filter((line) => line.incidentId !== undefined);
    const trigger = lines.find((line) => line.trigger === true)!;
    const request = lines.filter((line) => line.incidentId === trigger.incidentId);
    expect(request.map((line) => [line.level, line.msg])).toEqual([
      [20, 'request line 1'],
      [20, 'request line 2, in a timer'],
      [60, 'timer exploded'],
    ]);
    expect(trigger.err.stack).toMatch(/^Error: timer exploded\n\s+at /);
    // The global scope's window is written after the trigger's fatal line (which pino
    // flushes itself): only PinoTarget's flushSync puts these lines in the file.
    const global = lines.filter((line) => line.incidentId !== trigger.incidentId);
    expect(global.map((line) => line.msg)).toContain('Starting Nest application...');
    expect(lines.every((line) => line.reason === 'crash')).toBe(true);
  });

  it('a fatal record then SIGKILL: the incident is in the file', () => {
    const file = path.join(dir, 'fatal-kill.log');
    const child = runFixture(FIXTURE, ['fatal-kill', file]);
    expect(child.signal).toBe('SIGKILL');
    const lines = readJsonLines(file).filter((line) => line.incidentId !== undefined);
    expect(lines.map((line) => [line.level, line.msg])).toEqual([
      [20, 'request line 1'],
      [20, 'request line 2, in a timer'],
      [60, 'cannot go on'],
    ]);
    expect(lines.every((line) => line.reason === 'level' && typeof line.requestId === 'string')).toBe(true);
  });
});
