// The viewer as users get it: `npm install` of the tarball `npm pack` makes
// of a fresh build, then the `nestjs-incident-logger` bin npm links, run by
// npx. Installed with no peer dependencies: the viewer needs no Nest.
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatIncidentText } from '../../lib/format/text.format';
import { viewerIncident, writeIncidents } from '../fixtures/viewer-files';

const ROOT = path.resolve(__dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

describe('the packed bin: npx nestjs-incident-logger', () => {
  let work: string;
  let app: string;
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'viewer-bin-'));
    const stage = path.join(work, 'stage');
    app = path.join(work, 'app');
    fs.mkdirSync(app);
    // Built in a staging copy, never in the checkout's dist/ (another worker may be loading it).
    execFileSync(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')],
      {
        cwd: ROOT,
      },
    );
    for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(ROOT, file), path.join(stage, file));
    const tarball = execFileSync(NPM, ['pack', '--silent', '--ignore-scripts'], { cwd: stage, encoding: 'utf8' }).trim().split('\n').pop()!;
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ name: 'viewer-bin-app', version: '1.0.0', private: true }));
    // --legacy-peer-deps: the peers (Nest, rxjs) are not installed, proving the viewer does without them.
    execFileSync(
      NPM,
      ['install', '--offline', '--no-audit', '--no-fund', '--legacy-peer-deps', '--ignore-scripts', path.join(stage, tarball)],
      { cwd: app, encoding: 'utf8' },
    );
  }, 240_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('is linked into node_modules/.bin, executable, with a node shebang', () => {
    const bin = path.join(app, 'node_modules', '.bin', 'nestjs-incident-logger');
    const target = fs.realpathSync(bin);
    expect(path.relative(app, target)).toBe(path.join('node_modules', 'nestjs-incident-logger', 'dist', 'viewer', 'cli.js'));
    expect(fs.statSync(target).mode & 0o111).not.toBe(0);
    expect(fs.readFileSync(target, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    expect(fs.existsSync(path.join(app, 'node_modules', '@nestjs'))).toBe(false);
  });

  it('npx nestjs-incident-logger list and show read a rotated set', async () => {
    const incidents = [viewerIncident(1), viewerIncident(2), viewerIncident(3)];
    await writeIncidents(path.join(app, 'incidents.log'), incidents, 'json', { maxBytes: 1, backupCount: 5 });
    const npx = (args: string[]) =>
      spawnSync(NPM, ['exec', '--offline', '--no', '--', 'nestjs-incident-logger', ...args], {
        cwd: app,
        encoding: 'utf8',
        timeout: 60_000,
      });
    const list = npx(['list']);
    expect(list.stderr).toBe('');
    expect(list.status).toBe(0);
    expect(list.stdout.split('\n').map((line) => line.split('  ')[1])).toEqual([...incidents.map((incident) => incident.id), undefined]);
    expect(npx(['show', incidents[1].id])).toMatchObject({ status: 0, stdout: formatIncidentText(incidents[1]), stderr: '' });
  });
});
