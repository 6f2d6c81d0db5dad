import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

const MB = 1024 * 1024;

interface Measured {
  baseline: number;
  during: number;
  after: number;
  stats: { liveScopes: number; bufferedBytes: number; budgetBytes: number; budgetEvictions: number };
  budget: number;
}

function measure(args: string[]): Measured {
  const child = runFixture(path.join(__dirname, '../fixtures/substring-heap.fixture.ts'), args, {}, ['--expose-gc']);
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Measured;
}

describe('buffered slices of large strings do not pin their parents (child process, --expose-gc)', () => {
  // 100 scopes x 5 records, each a 100-character slice of its own 512 KB string:
  // pinned parents would be 500 x 512 KB = 250 MB, while the records count ~0.25 MB.
  it.each([
    ['with redaction', []],
    ['with redact: false', ['redact-off']],
  ])('retained heap stays within the buffered bytes (%s)', (_, args) => {
    const m = measure(args);
    expect(m.stats.liveScopes).toBe(100);
    expect(m.stats.budgetEvictions).toBe(0);
    expect(m.stats.bufferedBytes).toBeLessThanOrEqual(m.budget);
    // Bound: 2 x bufferedBytes + 4 MB. bufferedBytes counts 2 bytes a character
    // plus 72 per record, at least what the kept strings really take; the
    // factor 2 covers the objects around them (record, ring slots), and the
    // 4 MB the 100 scopes' bookkeeping (scope, promise, closure) and GC noise.
    // A single pinned parent costs 0.5 MB, eight of them break the bound.
    expect(m.during - m.baseline).toBeLessThan(2 * m.stats.bufferedBytes + 4 * MB);
    // Once the scopes end nothing stays, not even in the engine's context cache.
    expect(m.after - m.baseline).toBeLessThan(4 * MB);
  });
});
