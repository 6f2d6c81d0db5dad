import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The benchmark's smoke mode (tiny rounds of every part) runs and prints its
// tables. No timing is asserted: numbers from a smoke run mean nothing.
const ROOT = path.resolve(__dirname, '../..');
const PARTS = ['hot', 'memory', 'http', 'flush'];

describe('npm run bench:smoke', () => {
  let status: number | null;
  let stdout: string;
  let stderr: string;

  beforeAll(() => {
    const result = spawnSync(process.execPath, [path.join(ROOT, 'bench', 'run.js'), 'all', '--smoke'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 170_000,
      maxBuffer: 16 * 1024 * 1024,
    });
    status = result.status;
    stdout = result.stdout;
    stderr = result.stderr;
  }, 180_000);

  it('exits 0', () => {
    if (status !== 0) throw new Error(`bench exited with ${status}\n${stderr.slice(-4000)}`);
  });

  it('prints the header and a targets table', () => {
    expect(stdout).toMatch(/^# nestjs-incident-logger benchmark \(SMOKE/m);
    expect(stdout).toMatch(/^\|\s*part\s*\|\s*target\s*\|\s*measured\s*\|\s*goal\s*\|\s*result\s*\|$/m);
  });

  it.each(PARTS)('prints a results table and a ratio row for %s', (part) => {
    const section = stdout.split(/^## /m).find((s) => s.toLowerCase().startsWith(part === 'http' ? 'http' : part));
    expect(section).toBeDefined();
    // The results table (header + rule + at least one row) ...
    expect(section).toMatch(/^\|.*\|\n\|[-|]+\|\n\|.*\|$/m);
    // ... and at least one target row with a ratio or measure and a verdict.
    expect(section).toMatch(new RegExp(`^\\|\\s*${part}\\s*\\|[^\\n]*\\|\\s*(met|MISSED|n/a)\\s*\\|$`, 'm'));
    expect(section).toMatch(/\(saved bench\/results\/[\w.-]+\.json\)/);
  });
});
