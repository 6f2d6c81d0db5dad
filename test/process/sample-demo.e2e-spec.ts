import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

describe('sample demo (npm run demo), in a child process', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-demo-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('serves quiet traffic silently, prints one incident per failed request, and writes them to incidents.log', () => {
    const file = path.join(dir, 'incidents.log');
    const child = runFixture(path.join(__dirname, '../../sample/src/demo.ts'), [], { INCIDENT_LOG: file });
    // stderr holds the startup notice and nothing else.
    expect(child.stderr).toMatch(
      /^\[nestjs-incident-logger\] active: keeps the last 30 verbose\/debug\/log records of each request, .*\n$/,
    );
    expect(child.stderr.split('\n')).toHaveLength(2);
    expect(child.status).toBe(0);
    // A step's two lines stay together (no blank line mid-sentence).
    expect(child.stdout).toContain('The ones that wait too long fail,\n   and each failure prints');
    const result = child.stdout.match(/Result: (\d+) x 200, (\d+) x 503, (\d+) incident/);
    expect(result).not.toBeNull();
    const [, ok, failed, incidents] = result!.map(Number);
    expect(ok + failed).toBe(9);
    expect(failed).toBeGreaterThan(0);
    expect(incidents).toBe(failed);
    // Nothing printed for the five quiet requests: the first incident comes after the burst starts.
    expect(child.stdout.indexOf('=== INCIDENT')).toBeGreaterThan(child.stdout.indexOf('3. A burst'));
    const blocks = child.stdout.split('=== INCIDENT ').slice(1);
    for (const block of blocks) {
      const url = block.match(/\| GET (\/orders\/\d+) \|/)![1];
      const id = url.split('/').pop();
      const body = block.slice(0, block.indexOf('=== END INCIDENT'));
      // Each incident holds its own request's lines only.
      expect(body).toContain(`GET /orders/${id}\n`);
      expect(body).toContain(`loading order ${id}\n`);
      expect(body).toMatch(/ERROR \[OrdersService\] connection pool exhausted/);
      expect(body.match(/loading order \d+/g)).toEqual([`loading order ${id}`]);
    }
    // The file holds the same incidents, as JSON lines, with the same ids.
    const lines = fs
      .readFileSync(file, 'utf8')
      .trimEnd()
      .split('\n')
      .map((line) => JSON.parse(line));
    const printedIds = blocks.map((block) => block.slice(0, block.indexOf(' ')));
    expect([...new Set(lines.map((line) => line.incident))]).toEqual(printedIds);
    expect(lines.filter((line) => line.type === 'record' && line.trigger).map((line) => line.message)).toEqual(
      printedIds.map(() => expect.stringContaining('connection pool exhausted')),
    );
    expect(child.stdout).toContain(`grep ${printedIds[0]} ${file}`);
  });
});
