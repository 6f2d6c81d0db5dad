import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

describe('heap over many scopes (child process, --expose-gc)', () => {
  it('returns to baseline after a million scopes and stays bounded with 10,000 concurrent ones', () => {
    const child = runFixture(path.join(__dirname, '../fixtures/heap.fixture.ts'), [], {}, ['--expose-gc']);
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const m = JSON.parse(child.stdout.trim().split('\n').pop()!);
    const MB = 1024 * 1024;
    // A million scopes x 3 records leave nothing behind (a leak of even 8 bytes each would show as 8 MB).
    expect(m.afterMillion - m.baseline).toBeLessThan(4 * MB);
    // 10,000 slow scopes x 30 lines of 1 KB would be ~600 MB; the budget keeps buffers at 8 MB.
    expect(m.stats.liveScopes).toBe(10_000);
    expect(m.stats.bufferedBytes).toBeLessThanOrEqual(m.budget);
    // Heap during = budget + per-scope bookkeeping (scope, promise, closure) for 10,000 scopes.
    expect(m.during - m.baseline).toBeLessThan(m.budget + 40 * MB);
    expect(m.afterSlow - m.baseline).toBeLessThan(4 * MB);
  });
});
