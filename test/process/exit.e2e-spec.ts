import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

describe('fatal followed by process.exit (child process)', () => {
  it('prints the incident on stderr before the process exits', () => {
    const child = runFixture(path.join(__dirname, '../fixtures/fatal-then-exit.fixture.ts'));
    expect(child.status).toBe(1);
    const block = child.stderr.slice(child.stderr.indexOf('=== INCIDENT'));
    expect(block).toMatch(/scope=global \| reason=level \| records=\d+ \| dropped=0 \| fingerprint=[0-9a-f]{12} ===/);
    const lines = block.split('\n');
    expect(lines.findIndex((l) => l.includes('step one'))).toBeLessThan(lines.findIndex((l) => l.includes('step two')));
    expect(lines.find((l) => l.includes('disk on fire'))).toMatch(/  FATAL \[Worker\] disk on fire$/);
    expect(block).toMatch(/=== END INCIDENT [0-9a-f-]+ ===\n$/);
  });
});

describe('process.exit right after a non-fatal error (child process)', () => {
  it("the 'exit' hook makes a target's pending async write durable", () => {
    const fs = require('node:fs') as typeof import('node:fs');
    const os = require('node:os') as typeof import('node:os');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-exit-'));
    try {
      const file = path.join(dir, 'incidents.log');
      const child = runFixture(path.join(__dirname, '../fixtures/exit-flush.fixture.ts'), [file]);
      expect(child.status).toBe(2);
      const text = fs.readFileSync(file, 'utf8');
      expect(text).toMatch(/DEBUG \[Job\] before the error\n.* ERROR \[Job\] job failed, exiting\n=== END INCIDENT/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
