// Prepares a compatibility folder (test/compat/<name>): installs its pinned Nest
// major with `npm ci`, then installs the library the way users get it, from the
// tarball `npm pack` makes of a fresh build (in a staging copy, not dist/). Used by test/compat/compat-*.e2e-spec.ts:
// nest10 (CommonJS, required by compat-app.js) and nest12 (ESM, its own scenario files import the package).
// `node test/compat/prepare-compat.js nest12` prepares a folder by hand, to run its scenarios directly.
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '../..');
const NPM = process.platform === 'win32' ? 'npm.cmd' : 'npm';

function run(command, args, cwd) {
  return execFileSync(command, args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function prepareCompat(name) {
  const dir = path.join(__dirname, name);
  const installed = path.join(dir, 'node_modules', '.package-lock.json');
  const lock = path.join(dir, 'package-lock.json');
  if (!fs.existsSync(installed) || fs.statSync(installed).mtimeMs < fs.statSync(lock).mtimeMs) {
    run(NPM, ['ci', '--no-audit', '--no-fund'], dir);
  }
  // Built and packed in a staging copy, never in the checkout's dist/: the
  // bench smoke may be loading dist/ in another worker at the same time.
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-pack-'));
  try {
    run(
      process.execPath,
      [require.resolve('typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(stage, 'dist')],
      ROOT,
    );
    for (const file of ['package.json', 'README.md']) fs.copyFileSync(path.join(ROOT, file), path.join(stage, file));
    const tarball = run(NPM, ['pack', '--silent', '--ignore-scripts'], stage).trim().split('\n').pop();
    const target = path.join(dir, 'node_modules', 'nestjs-incident-logger');
    fs.rmSync(target, { recursive: true, force: true });
    fs.mkdirSync(target, { recursive: true });
    run('tar', ['-xzf', path.join(stage, tarball), '-C', target, '--strip-components=1'], ROOT);
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
  return dir;
}

module.exports = { prepareCompat };
if (require.main === module) console.log(prepareCompat(process.argv[2] || 'nest10'));
