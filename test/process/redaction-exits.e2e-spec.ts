import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runFixture } from '../utils/run-fixture';

const FIXTURE = path.join(__dirname, '../fixtures/secret-exits.fixture.ts');

/**
 * Records are redacted when they leave the buffer, not when they are logged.
 * Whatever way they leave, no secret reaches a file, the console, stderr,
 * a snapshot or a request: each exit path runs in a real process and
 * everything it leaves is searched.
 */
describe('redaction on every exit path (child processes, asserted on what they leave)', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-secrets-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  function run(mode: string): { files: string; stdout: string; stderr: string; status: number | null } {
    const child = runFixture(FIXTURE, [mode, dir]);
    const read = (name: string) => (fs.existsSync(path.join(dir, name)) ? fs.readFileSync(path.join(dir, name), 'utf8') : '');
    return { files: read('incidents.log') + read('incidents.jsonl'), stdout: child.stdout, stderr: child.stderr, status: child.status };
  }

  /** Leaves what was around each secret, so the test fails if nothing was written. */
  function expectCensored(text: string, kinds: string[]): void {
    expect(text).not.toMatch(/s3cr3t/);
    expect(text).not.toContain('4111 1111 1111 1111');
    const shown: Record<string, string> = {
      hot: 'Bearer [REDACTED]',
      context: 'token=[REDACTED]',
      json: 'password=[REDACTED]',
      key: '[REDACTED]',
      error: 'postgres://app:[REDACTED]@db/orders',
      multi: 'client_secret=[REDACTED]',
      url: 'access_token=[REDACTED]',
    };
    for (const kind of kinds) expect(text).toContain(shown[kind]);
  }

  const ALL = ['hot', 'context', 'json', 'key', 'error', 'multi', 'url'];

  it('a level incident: rotating files (text and JSON lines) and the console', () => {
    const { files, stdout, stderr, status } = run('error');
    expect(status).toBe(0);
    expect(files).toContain('failed with secret=[REDACTED]');
    expectCensored(files, ALL);
    expectCensored(stdout, ALL);
    expect(stderr).not.toMatch(/s3cr3t/);
  });

  it('snapshot() and IncidentBuffer.request inside a scope', () => {
    const { stdout, status } = run('error');
    expect(status).toBe(0);
    const shown = stdout.split('\n').find((line) => line.startsWith('{"snapshot"'));
    expect(shown).toBeDefined();
    const { snapshot, request } = JSON.parse(shown!) as { snapshot: Array<{ message: string }>; request: { url: string } };
    expect(snapshot.length).toBeGreaterThanOrEqual(8);
    expect(request.url).toBe('/jobs?password=[REDACTED]');
    expectCensored(shown!, ['hot', 'context', 'json', 'key', 'error', 'multi']);
  });

  it.each([['crash'], ['reject']])('a crash flush (%s): the request and the global buffer', (mode) => {
    const { files, stdout, status } = run(mode);
    expect(status).not.toBe(0);
    expect(files).toContain('"reason":"crash"');
    expect(files).toMatch(/(password|token)=\[REDACTED\]/);
    expectCensored(files, ALL);
    expectCensored(stdout, ALL);
  });

  it('the dump signal: every live buffer', () => {
    const { files, stdout, status } = run('dump');
    expect(status).toBe(0);
    expect(files).toContain('"reason":"dump"');
    expectCensored(files, ALL);
    expectCensored(stdout, ALL);
  });

  it('a report on stderr quoting a failing target', () => {
    const { files, stderr, status } = run('report');
    expect(status).toBe(0);
    expect(stderr).toContain('upstream refused Authorization: Bearer [REDACTED]');
    expect(stderr).not.toMatch(/s3cr3t/);
    expectCensored(files, ALL);
  });
});
