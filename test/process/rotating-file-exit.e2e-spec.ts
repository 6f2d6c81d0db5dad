// Exit, crash and shutdown cases of RotatingFileTarget, each in a child
// process; the assertions are on the files the child leaves behind.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { RotatingFileTarget } from '../../lib';
import { chainInWriteOrder, makeIncident, parseTextBlocks, readChain, removeDir, tempDir, TextBlock } from '../utils/rotating-file.helpers';
import { runFixture } from '../utils/run-fixture';

const fixture = (name: string) => path.join(__dirname, '..', 'fixtures', `rotating-file-${name}.fixture.ts`);

/** The `boom <n>` numbers of the incidents, in write order. */
function boomNumbers(blocks: TextBlock[]): number[] {
  return blocks.flatMap((block) => {
    if (block.kind !== 'incident') return [];
    return block.lines.flatMap((line) => {
      const match = / ERROR \[Worker\] boom (\d+)/.exec(line);
      return match ? [Number(match[1])] : [];
    });
  });
}

describe('RotatingFileTarget in a child process', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('fatal then process.exit(1) with a batch in flight: every incident is in the files, once, fatal last', () => {
    const child = runFixture(fixture('fatal-exit'), [dir]);
    expect(child.status).toBe(1);
    const { inflight, errors } = JSON.parse(child.stdout) as { inflight: boolean; errors: number };
    expect(inflight).toBe(true);
    const blocks = parseTextBlocks(chainInWriteOrder(dir));
    expect(boomNumbers(blocks)).toEqual(Array.from({ length: errors }, (_, n) => n));
    const last = blocks[blocks.length - 1];
    expect(last.kind === 'incident' && last.lines[last.lines.length - 1]).toMatch(/ FATAL \[Worker\] disk on fire$/);
    expect(readChain(dir).length).toBeGreaterThan(2); // rotations happened along the way
  });

  it('SIGTERM with enableShutdownHooks: incidents still queued are written before the process ends', () => {
    const child = runFixture(fixture('sigterm'), [dir]);
    expect(child.signal).toBe('SIGTERM');
    expect(JSON.parse(child.stdout).pendingAtSignal).toBe(200);
    const blocks = parseTextBlocks(chainInWriteOrder(dir));
    expect(boomNumbers(blocks)).toEqual(Array.from({ length: 200 }, (_, n) => n));
  });

  it('SIGKILL: what flushSync wrote survives whole, what was only queued is lost, and a restart continues the chain', async () => {
    const child = runFixture(fixture('sigkill'), [dir]);
    expect(child.signal).toBe('SIGKILL');
    const ids = () => parseTextBlocks(chainInWriteOrder(dir)).flatMap((block) => (block.kind === 'incident' ? [block.id] : []));
    expect(ids()).toEqual(Array.from({ length: 10 }, (_, n) => `kill-${n}`));
    const filesBefore = readChain(dir).length;

    const restarted = new RotatingFileTarget({ filename: path.join(dir, 'incidents.log'), maxBytes: 2000, backupCount: 50 });
    const after = makeIncident('after restart', { padding: 200 });
    restarted.write(after);
    await restarted.close();
    expect(ids()).toEqual([...Array.from({ length: 10 }, (_, n) => `kill-${n}`), after.id]);
    expect(readChain(dir).length).toBeGreaterThanOrEqual(filesBefore);
  });

  it('an idle process exits by itself, even with a retry timer pending on a broken path', () => {
    const child = runFixture(fixture('idle-exit'), [dir]);
    expect(child.signal).toBeNull(); // not killed by the runner's timeout
    expect(child.status).toBe(0);
    const stats = JSON.parse(child.stdout);
    expect(stats.healthy).toMatchObject({ written: 1, pendingIncidents: 0 });
    expect(stats.broken).toMatchObject({ written: 0, pendingIncidents: 1, fault: 'ENOTDIR' });
    expect(fs.readFileSync(path.join(dir, 'incidents.log'), 'utf8')).toContain('written before an idle exit');
    expect(child.stderr).toMatch(/cannot open .*blocker\/incidents\.log: Error: ENOTDIR/);
  });
});
