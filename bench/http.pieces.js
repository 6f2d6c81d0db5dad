#!/usr/bin/env node
// @ts-check
'use strict';
// Instructions per operation of each piece of the request scope (callgrind,
// main thread), in a loop on real objects: bench/http.pieces.child.js. Beside
// the end-to-end server counts of `node bench/http.callgrind.js --pieces`,
// which resolve ~1% of a request (~7,000 instructions), these resolve single
// pieces of a few hundred instructions. Results: bench/results/http-micro-*.json.
//
//   node bench/http.pieces.js [--smoke]     (BENCH_HTTP_NODES=24: the other Node majors)
const { spawn } = require('node:child_process');
const path = require('node:path');
const { callgrindAvailable, callgrindSession } = require('./callgrind');
const { ROOT, devNull, ensureBuilt, fmt, progress, saveResults, table } = require('./common');
const { nodeBinaries } = require('./http.nodes');

const CHILD = path.join(__dirname, 'http.pieces.child.js');

/** @param {import('./http.nodes').NodeBinary} node @param {number} iterations */
async function countPieces(node, iterations) {
  const session = callgrindSession(`pieces-${node.label}`);
  const child = spawn(session.wrapper[0], [...session.wrapper.slice(1), node.binary, CHILD], {
    cwd: ROOT,
    stdio: ['ignore', devNull(), 'inherit', 'ipc'],
  });
  /** @type {Array<(message: any) => void>} */
  const waiting = [];
  child.on('message', (message) => waiting.shift()?.(message));
  const next = () => new Promise((resolve) => waiting.push(resolve));
  /** @param {object} message */
  const ask = (message) => {
    const reply = next();
    child.send(message);
    return reply;
  };
  try {
    const { pieces } = /** @type {{ pieces: string[] }} */ (await next());
    // Warm-up: every piece once, uninstrumented (JIT), then instrumentation on.
    for (const piece of pieces) {
      await ask({ cmd: 'prepare', piece, iterations });
      await ask({ cmd: 'run' });
    }
    session.on(/** @type {number} */ (child.pid));
    /** @type {Record<string, number>} */
    const perOp = {};
    for (const piece of pieces) {
      await ask({ cmd: 'prepare', piece, iterations });
      session.zero(/** @type {number} */ (child.pid));
      await ask({ cmd: 'run' });
      perOp[piece] = session.dump(/** @type {number} */ (child.pid)).main / iterations;
      progress(`http pieces: ${node.label} ${piece}: ${Math.round(perOp[piece])} instructions/op`);
    }
    return perOp;
  } finally {
    child.kill('SIGKILL');
    session.cleanup();
  }
}

async function main(/** @type {string[]} */ argv) {
  const available = callgrindAvailable();
  if (!available.ok) {
    progress(`http pieces: unavailable: ${available.reason}`);
    process.exitCode = 2;
    return;
  }
  if (!argv.includes('--no-build')) ensureBuilt();
  const smoke = argv.includes('--smoke');
  const iterations = smoke ? 200 : 20_000;
  const started = Date.now();
  /** @type {Record<string, Record<string, number>>} */
  const byNode = {};
  for (const node of smoke ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries())
    byNode[node.label] = await countPieces(node, iterations);
  const file = saveResults('http-micro', {
    smoke,
    seconds: (Date.now() - started) / 1000,
    iterations,
    valgrind: available.version,
    byNode,
  });
  const nodes = Object.keys(byNode);
  const pieces = Object.keys(byNode[nodes[0]]);
  const empty = (/** @type {string} */ n) => byNode[n]['empty loop'];
  process.stdout.write(
    `${table(
      ['piece', ...nodes.map((n) => `${n} instructions/op (minus the empty loop)`)],
      pieces.map((p) => [p, ...nodes.map((n) => fmt(byNode[n][p] - (p === 'empty loop' ? 0 : empty(n)), 0))]),
    )}\n\n(saved ${file})\n`,
  );
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
