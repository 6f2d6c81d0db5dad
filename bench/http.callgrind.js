#!/usr/bin/env node
// @ts-check
'use strict';
// The HTTP part's instruction-count mode: each set-up's server runs under
// valgrind's callgrind; after an uninstrumented warm-up, a fixed number of
// requests per route is counted. Instructions per request do not move with
// the machine's load, so they resolve ~1% where CPU time resolves ~5%.
// Slow (minutes): a sub-command of its own, whose latest results
// `node bench/run.js http` attaches to its report.
//
//   scripts/ensure-valgrind.sh && node bench/http.callgrind.js            # set-ups x routes x Node 20/24
//   node bench/http.callgrind.js --pieces     # the pieces of the request scope, one at a time
//   node bench/http.callgrind.js --smoke      # a few requests, to check the mode works
//   options: --modes a,b  --jobs N (servers at once, default 2)  --save-as <name> (another results name, e.g. for
//   BENCH_DIST=<dir> A/B runs)  BENCH_HTTP_NODES=24 (other Node majors)
//
// Counted: the main (JavaScript) thread, and all threads (V8's compiler and GC
// threads too). The main thread is the stable figure; the total still carries
// compilation that a long-running server would have finished.
const { callgrindAvailable, callgrindSession } = require('./callgrind');
const { ensureBuilt, progress, saveResults } = require('./common');
const { nodeBinaries } = require('./http.nodes');
const { loadCount, startServer } = require('./http.process');
const { ROUTES } = require('./http.routes');

/** @typedef {{ warmup: number, requests: number, connections: number }} CallgrindConfig */
/** @typedef {{ node: string, nodeVersion: string, mode: string, route: string, requests: number, mainPerRequest: number, totalPerRequest: number }} CallgrindRun */

/** Set-ups measured by default, with the routes of each. @type {Array<[mode: string, routes: Array<keyof typeof ROUTES>]>} */
const SETUPS = [
  ['incident', ['trivial', 'realistic', 'quiet']],
  ['disabled', ['trivial', 'realistic', 'quiet']],
  ['console', ['trivial', 'realistic']],
  ['console-nodebug', ['trivial', 'realistic']],
  ['pino', ['trivial', 'realistic']],
  ['als', ['trivial', 'realistic']],
];
/** The pieces of the request scope, on the route that logs nothing. @type {Array<[mode: string, routes: Array<keyof typeof ROUTES>]>} */
const PIECE_SETUPS = [
  'disabled',
  'piece-raw-mount',
  'piece-nest-mount',
  'piece-als',
  'piece-scope',
  'piece-close',
  'piece-registry',
  'piece-request-id',
  'piece-header',
  'incident-noheader',
  'incident',
].map((mode) => [mode, ['quiet']]);

/** @type {{ full: CallgrindConfig, smoke: CallgrindConfig }} */
const CONFIG = {
  // The main thread's count settles after ~4,000 requests (V8 still optimises before that): measured, 1-3% apart from there on.
  full: { warmup: 4000, requests: 500, connections: 1 },
  smoke: { warmup: 20, requests: 20, connections: 1 },
};

/**
 * One server under callgrind: warm-up of every route uninstrumented, then each route counted.
 * @param {string} mode
 * @param {Array<keyof typeof ROUTES>} routes
 * @param {import('./http.nodes').NodeBinary} node
 * @param {CallgrindConfig} config
 * @returns {Promise<CallgrindRun[]>}
 */
async function countServer(mode, routes, node, config) {
  const session = callgrindSession(`${mode}-${node.label}`);
  const server = startServer(mode, { node: node.binary, wrapper: session.wrapper, readyTimeoutMs: 600_000 });
  try {
    const { port } = await server.ready;
    for (const name of routes) await loadCount(port, ROUTES[name], config.warmup, config.connections);
    session.on(server.pid);
    // Instrumented from here; a few requests so that the counted ones start from a steady state.
    for (const name of routes) await loadCount(port, ROUTES[name], Math.min(50, config.warmup), config.connections);
    /** @type {CallgrindRun[]} */
    const runs = [];
    for (const name of routes) {
      session.zero(server.pid);
      await loadCount(port, ROUTES[name], config.requests, config.connections);
      const { main, total } = session.dump(server.pid);
      runs.push({
        node: node.label,
        nodeVersion: node.version,
        mode,
        route: name,
        requests: config.requests,
        mainPerRequest: main / config.requests,
        totalPerRequest: total / config.requests,
      });
      progress(`http callgrind: ${node.label} ${mode} ${name}: ${Math.round(main / config.requests)} instructions/request (main thread)`);
    }
    return runs;
  } finally {
    await server.stop();
    session.cleanup();
  }
}

/** @param {string[]} argv */
async function main(argv) {
  const flag = (/** @type {string} */ name) => argv.includes(name);
  const value = (/** @type {string} */ name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const available = callgrindAvailable();
  if (!available.ok) {
    progress(`http callgrind: unavailable: ${available.reason}`);
    process.exitCode = 2;
    return;
  }
  if (!flag('--no-build')) ensureBuilt();
  const smoke = flag('--smoke');
  const pieces = flag('--pieces');
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const only = value('--modes')?.split(',');
  const setups = (pieces ? PIECE_SETUPS : SETUPS).filter(([mode]) => !only || only.includes(mode));
  const nodes = smoke ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries();
  const jobs = Math.max(1, Number(value('--jobs') ?? 2));
  const started = Date.now();
  const queue = nodes.flatMap((node) => setups.map(([mode, routes]) => ({ node, mode, routes: smoke ? routes.slice(0, 1) : routes })));
  /** @type {CallgrindRun[]} */
  const runs = [];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) runs.push(...(await countServer(job.mode, job.routes, job.node, config)));
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const file = saveResults(value('--save-as') ?? (pieces ? 'http-pieces' : 'http-callgrind'), {
    smoke,
    seconds: (Date.now() - started) / 1000,
    config,
    valgrind: available.version,
    dist: process.env.BENCH_DIST ?? 'dist',
    runs,
  });
  progress(`http callgrind: saved ${file}`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
