import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

// The set-ups that measure scopes beyond HTTP in instructions (bench/http.callgrind.js --interceptors and
// bench/rpc.callgrind.js), run without valgrind (--no-callgrind): every server boots with the global
// interceptors its set-up is named for and answers every route or message, and a microservice handler runs
// in the scope its set-up is named for (its own with IncidentScopeInterceptor, the global one without).
// Nothing is counted or timed: the counts need valgrind and minutes (CONTRIBUTING, Benchmarks).
const ROOT = path.resolve(__dirname, '../..');

function bench(script: string, args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(ROOT, 'bench', script), ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 170_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The rows of the Markdown tables in `text`, by their first cell (without a trailing ` (Node N)`). */
function tableRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.split('\n')) {
    if (!line.startsWith('| ') || /^\|[-|]+\|$/.test(line)) continue;
    const cells = line
      .slice(1, -1)
      .split('|')
      .map((cell) => cell.trim());
    rows.set(cells[0].replace(/ \(Node \d+\)$/, ''), cells.slice(1));
  }
  return rows;
}

describe('node bench/http.callgrind.js --interceptors --smoke --no-callgrind', () => {
  let run: ReturnType<typeof bench>;

  beforeAll(() => {
    run = bench('http.callgrind.js', ['--interceptors', '--smoke', '--no-callgrind']);
  }, 180_000);

  it('exits 0', () => {
    if (run.status !== 0) throw new Error(`exited with ${run.status}\n${run.stderr.slice(-4000)}`);
  });

  it.each([
    ['disabled', '(none)'],
    ['disabled+noop-interceptor', 'NoopInterceptor'],
    ['incident', '(none)'],
    ['incident+interceptor', 'IncidentScopeInterceptor'],
    ['incident+noop-interceptor', 'NoopInterceptor'],
    ['incident+interceptor+noop', 'IncidentScopeInterceptor, NoopInterceptor'],
  ])('%s: the server has the global interceptors %s and answers both routes', (mode, interceptors) => {
    const row = tableRows(run.stdout).get(mode);
    expect(row).toBeDefined();
    const [registered, answered] = row as string[];
    expect(registered).toBe(interceptors);
    expect(answered).toMatch(/\btrivial\b/);
    expect(answered).toMatch(/\brealistic\b/);
  });
});

describe('node bench/rpc.callgrind.js --smoke --no-callgrind (every set-up)', () => {
  const MODES: Array<[mode: string, interceptors: string, scope: string]> = [
    ['disabled', '(none)', 'none'],
    ['disabled+noop-interceptor', 'NoopInterceptor', 'none'],
    ['incident', '(none)', 'global'],
    ['incident+interceptor', 'IncidentScopeInterceptor', 'rpc'],
    ['incident+noop-interceptor', 'NoopInterceptor', 'global'],
    ['incident+interceptor+noop', 'IncidentScopeInterceptor, NoopInterceptor', 'rpc'],
    ['console', '(none)', 'none'],
    ['console-nodebug', '(none)', 'none'],
  ];
  let run: ReturnType<typeof bench>;

  beforeAll(() => {
    run = bench('rpc.callgrind.js', ['--smoke', '--no-callgrind', '--modes', MODES.map(([mode]) => mode).join(',')]);
  }, 180_000);

  it('exits 0 after every handler answered', () => {
    if (run.status !== 0) throw new Error(`exited with ${run.status}\n${run.stderr.slice(-4000)}`);
    expect(run.stdout).toMatch(new RegExp(`every set-up booted, its scope checked, ${MODES.length * 3} handler runs`));
    expect(run.stdout).toMatch(/\(saved bench\/results\/rpc-callgrind-smoke-[\w.-]+\.json\)/);
  });

  it.each(MODES)('%s: global interceptors %s, a message handler runs in scope %s', (mode, interceptors, scope) => {
    const row = tableRows(run.stdout).get(mode);
    expect(row).toBeDefined();
    const [, registered, seen] = row as string[];
    expect(registered).toBe(interceptors);
    expect(seen).toBe(scope);
  });
});
