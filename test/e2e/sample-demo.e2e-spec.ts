import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

describe('sample demo (npm run demo), in a child process', () => {
  it('serves quiet traffic silently and prints one incident per failed request', () => {
    const child = runFixture(path.join(__dirname, '../../sample/src/demo.ts'));
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
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
  });
});
