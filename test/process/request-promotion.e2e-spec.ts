import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

interface Promotion {
  perRequest: number;
  scavenges: number;
}

function promoted(platform: string, setup: 'module' | 'none', route: 'quiet' | 'logging'): Promotion {
  const child = runFixture(path.join(__dirname, '../fixtures/request-promotion.fixture.ts'), [platform, setup, route]);
  expect(child.stderr).toBe('');
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as Promotion;
}

// A finished request must die young. The scope once sat in a WeakMap keyed by
// the request while holding the response (which holds the request): the
// scavenger kept every request's whole graph alive and promoted it, 8-11 KB
// per request here (requests carry an 8 KB cookie), freed only by
// mark-compacts. Compared with the same app without the module in its own
// process: Node 20 promotes ~9 KB per request of Nest's and Node's own even
// without it; what the module adds must stay far below one request's graph.
describe('a finished request is collected young (child process, v8.GCProfiler)', () => {
  const MAX_ADDED = 4_000;

  it.each([
    ['express', 'quiet'],
    ['express', 'logging'],
    ['fastify', 'logging'],
  ] as const)('%s, %s route: the module adds less than one request graph of promotion', (platform, route) => {
    const without = promoted(platform, 'none', route);
    const withModule = promoted(platform, 'module', route);
    expect(without.scavenges).toBeGreaterThan(0);
    expect(withModule.scavenges).toBeGreaterThan(0);
    expect(withModule.perRequest - without.perRequest).toBeLessThan(MAX_ADDED);
  });
});
