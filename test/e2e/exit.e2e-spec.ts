import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

describe('fatal followed by process.exit (child process)', () => {
  it('prints the incident on stderr before the process exits', () => {
    const child = runFixture(path.join(__dirname, '../fixtures/fatal-then-exit.fixture.ts'));
    expect(child.status).toBe(1);
    const block = child.stderr.slice(child.stderr.indexOf('=== INCIDENT'));
    expect(block).toMatch(/scope=global \| reason=level \| records=\d+ \| dropped=0 ===/);
    const lines = block.split('\n');
    expect(lines.findIndex((l) => l.includes('step one'))).toBeLessThan(lines.findIndex((l) => l.includes('step two')));
    expect(lines.find((l) => l.includes('disk on fire'))).toMatch(/  FATAL \[Worker\] disk on fire$/);
    expect(block).toMatch(/=== END INCIDENT [0-9a-f-]+ ===\n$/);
  });
});
