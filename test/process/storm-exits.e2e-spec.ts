import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

const FIXTURE = path.join(__dirname, '../fixtures/storm-crash.fixture.ts');

interface Header {
  type: string;
  reason: string;
  repeat?: number;
  suppressed?: { count: number; fingerprints: Array<{ count: number; message: string }> };
}

function headers(file: string): Header[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Header)
    .filter((line) => line.type === 'incident');
}

describe('storm control on the way out (child processes, asserted on the file they leave)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-storm-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(['crash', 'close'])('%s: the suppressed summary of the window in progress is written, with exact counts', (mode) => {
    const file = path.join(dir, 'incidents.jsonl');
    const child = runFixture(FIXTURE, [mode, file]);
    if (mode === 'crash') expect(child.stderr).toContain('the process dies in the middle of the storm');
    else expect(child.status).toBe(0);
    const written = headers(file);
    const reasons = written.map((h) => h.reason);
    // 40 failures, budget 5 per window: 2 full, 3 repeat lines, 35 held back and summed up once.
    expect(reasons.filter((r) => r === 'level')).toHaveLength(2);
    expect(written.filter((h) => h.reason === 'repeat').map((h) => h.repeat)).toEqual([3, 4, 5]);
    const summaries = written.filter((h) => h.reason === 'suppressed');
    expect(summaries).toHaveLength(1);
    expect(summaries[0].suppressed?.count).toBe(35);
    expect(summaries[0].suppressed?.fingerprints[0]).toMatchObject({ count: 35 });
    expect(summaries[0].suppressed?.fingerprints[0].message).toContain('connection pool exhausted');
    if (mode === 'crash') expect(reasons).toContain('crash');
    // At shutdown: the marked global scope, then the summary of the window in progress.
    else expect(reasons.slice(-2)).toEqual(['marked', 'suppressed']);
  });
});
