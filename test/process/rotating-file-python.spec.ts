// The same sequence of incident blocks through RotatingFileTarget and through
// CPython's RotatingFileHandler: same file names, same bytes in each file.
// Blocks are ASCII here, since Python counts characters and this target bytes
// (the UTF-8 case is covered against a byte model in rotating-file.spec.ts).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { formatIncident, Incident, RotatingFileTarget } from '../../lib';
import { captureReporter, makeIncident, removeDir, tempDir } from '../utils/rotating-file.helpers';

const REFERENCE = path.join(__dirname, '..', 'fixtures', 'rotating-file-python-reference.py');

/** Deterministic sizes: mostly small and medium, some larger than maxBytes, the first one too. */
function incidents(count: number, seed: number, maxBytes: number): Incident[] {
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2 ** 31);
  return Array.from({ length: count }, (_, i) => {
    const oversized = i === 0 || next() % 9 === 0;
    const padding = oversized ? maxBytes + (next() % 300) : next() % Math.max(1, Math.floor(maxBytes / 2));
    return makeIncident(`n${i}`, { padding, records: 1 + (next() % 3), requestId: `req-${i}` });
  });
}

function files(dir: string): Map<string, Buffer> {
  return new Map(
    fs
      .readdirSync(dir)
      .sort()
      .map((name) => [name, fs.readFileSync(path.join(dir, name))]),
  );
}

describe('RotatingFileTarget against CPython RotatingFileHandler', () => {
  let ours: string;
  let theirs: string;
  beforeEach(() => {
    ours = tempDir();
    theirs = tempDir();
  });
  afterEach(() => {
    removeDir(ours);
    removeDir(theirs);
  });

  /** Runs the blocks through both, one phase per handler lifetime, and returns both directories' files. */
  async function both(phases: Incident[][], maxBytes: number, backupCount: number) {
    for (const phase of phases) {
      const target = new RotatingFileTarget(
        { filename: path.join(ours, 'incidents.log'), maxBytes, backupCount },
        { reporter: captureReporter().reporter },
      );
      for (const [i, incident] of phase.entries()) {
        target.write(incident);
        if (i % 5 === 0) target.flushSync();
        if (i % 7 === 0) await new Promise((resolve) => setImmediate(resolve));
      }
      await target.close();
    }
    const python = spawnSync('python3', [REFERENCE], {
      input: JSON.stringify({
        dir: theirs,
        filename: 'incidents.log',
        maxBytes,
        backupCount,
        phases: phases.map((phase) => phase.map((incident) => formatIncident(incident, 'text').slice(0, -1))),
      }),
      encoding: 'utf8',
    });
    expect(python.error).toBeUndefined();
    expect(python.stderr).toBe('');
    expect(python.status).toBe(0);
    return { actual: files(ours), expected: files(theirs) };
  }

  function expectSame(actual: Map<string, Buffer>, expected: Map<string, Buffer>): void {
    expect([...actual.keys()]).toEqual([...expected.keys()]);
    for (const [name, content] of expected)
      expect({ name, content: actual.get(name)?.toString('utf8') }).toEqual({ name, content: content.toString('utf8') });
  }

  it.each([0, 1])('agrees at the exact threshold (file + block = maxBytes + %d)', async (extra) => {
    const blocks = [makeIncident('a', { padding: 120 }), makeIncident('b', { padding: 80 }), makeIncident('c', { padding: 10 })];
    const maxBytes = Buffer.byteLength(formatIncident(blocks[0], 'text')) + Buffer.byteLength(formatIncident(blocks[1], 'text')) + extra;
    const { actual, expected } = await both([blocks], maxBytes, 3);
    expectSame(actual, expected);
    const [a, b] = blocks.map((incident) => formatIncident(incident, 'text'));
    expect(actual.get('incidents.log.1')?.toString('utf8')).toBe(extra === 0 ? a : a + b);
  });

  it.each([
    { maxBytes: 1500, backupCount: 4 },
    { maxBytes: 700, backupCount: 1 },
    { maxBytes: 4000, backupCount: 12 },
    { maxBytes: 0, backupCount: 3 },
  ])('writes the same files with the same bytes, across a restart (%j)', async ({ maxBytes, backupCount }) => {
    const all = incidents(70, maxBytes + backupCount, maxBytes || 2000);
    const { actual, expected } = await both([all.slice(0, 30), all.slice(30)], maxBytes, backupCount);
    expectSame(actual, expected);
    // The scenario really rotates and fills the whole chain.
    expect(actual.size).toBe(maxBytes > 0 ? backupCount + 1 : 1);
  });
});
