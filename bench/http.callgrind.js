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
//   options: --modes a,b  --nodes 20,24  --routes trivial,realistic  --merge (keep the latest results' other set-ups)  --jobs N (servers at once, default 2)  --save-as <name> (another results name, e.g. for
//   BENCH_DIST=<dir> A/B runs)  BENCH_HTTP_NODES=24 (other Node majors)
//
// Counted: every thread; with the V8 flags below everything runs on the main
// thread (the total is kept as a check).
const { callgrindAvailable, callgrindSession } = require('./callgrind');
const fs = require('node:fs');
const path = require('node:path');
const { RESULTS_DIR, ensureBuilt, progress, saveResults } = require('./common');
const { nodeBinaries } = require('./http.nodes');
const { loadCount, startServer } = require('./http.process');
const { ROUTES } = require('./http.routes');

/** @typedef {{ warmup: number, settle: number, requests: number, windows: number, connections: number }} CallgrindConfig */
/**
 * mainPerRequest: the mean of the windows' counts per request (main thread); windows: each one.
 * @typedef {{ node: string, nodeVersion: string, mode: string, route: string, requests: number, mainPerRequest: number, totalPerRequest: number, windows: number[] }} CallgrindRun
 */

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
  'mount-raw-x10',
  'mount-nest-x10',
  'piece-als',
  'piece-scope',
  'piece-close',
  'piece-registry',
  'piece-request-id',
  'piece-header',
  'incident-noheader',
  'incident',
].map((mode) => [mode, ['quiet']]);

/**
 * warmup: requests per route uninstrumented (fast), then `settle` instrumented and
 * not counted, then `windows` counts of `requests` each; the figure is their
 * mean. Two processes of one set-up then agree within ~0.4% in every window
 * (measured), where without the flags below they differed by up to 5%. Some
 * windows carry periodic work (scavenges, +15-50%): it is part of the cost,
 * so the mean keeps it; the windows are saved to show it.
 * @type {{ full: CallgrindConfig, smoke: CallgrindConfig }}
 */
const CONFIG = {
  full: { warmup: 3000, settle: 300, requests: 200, windows: 3, connections: 1 },
  smoke: { warmup: 20, settle: 5, requests: 20, windows: 1, connections: 1 },
};
/**
 * V8 flags that make the counts repeatable: no background threads (compilation
 * and GC run on the main thread, at points that do not depend on timing); a
 * fixed young generation (its size otherwise adapts to timing); an old
 * generation so large that no major GC falls inside a count (one adds ~35% to
 * the count it falls in, by chance), no memory reducer and no bytecode
 * flushing (both time- or GC-driven). The counts thus leave out major GCs
 * (scavenges are in), whose cost follows what a set-up retains, not each request.
 */
const NODE_ARGS = [
  '--single-threaded',
  '--min-semi-space-size=16',
  '--max-semi-space-size=16',
  '--initial-old-space-size=1024',
  '--no-memory-reducer',
  '--no-flush-bytecode',
];

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
  const server = startServer(mode, { node: node.binary, nodeArgs: NODE_ARGS, wrapper: session.wrapper, readyTimeoutMs: 600_000 });
  try {
    const { port } = await server.ready;
    for (const name of routes) await loadCount(port, ROUTES[name], config.warmup, config.connections);
    session.on(server.pid);
    /** @type {CallgrindRun[]} */
    const runs = [];
    for (const name of routes) {
      // Instrumented but not counted: V8 still compiles a little after the warm-up.
      await loadCount(port, ROUTES[name], config.settle, config.connections);
      /** @type {Array<{ main: number, total: number }>} */
      const counts = [];
      for (let w = 0; w < config.windows; w++) {
        session.zero(server.pid);
        await loadCount(port, ROUTES[name], config.requests, config.connections);
        counts.push(session.dump(server.pid));
      }
      const main = counts.reduce((sum, c) => sum + c.main, 0) / counts.length;
      const total = counts.reduce((sum, c) => sum + c.total, 0) / counts.length;
      runs.push({
        node: node.label,
        nodeVersion: node.version,
        mode,
        route: name,
        requests: config.requests,
        mainPerRequest: main / config.requests,
        totalPerRequest: total / config.requests,
        windows: counts.map((c) => c.main / config.requests),
      });
      progress(`http callgrind: ${node.label} ${mode} ${name}: ${Math.round(main / config.requests)} instructions/request (main thread)`);
    }
    return runs;
  } finally {
    await server.stop();
    session.cleanup();
  }
}

/**
 * The runs of the latest results of this name that this run did not redo (--merge: re-count one set-up).
 * @param {string} name
 * @param {CallgrindRun[]} runs
 * @returns {CallgrindRun[]}
 */
function previousRuns(name, runs) {
  const file = path.join(RESULTS_DIR, `${name}-latest.json`);
  if (!fs.existsSync(file)) return [];
  const key = (/** @type {CallgrindRun} */ r) => `${r.node}|${r.mode}|${r.route}`;
  const redone = new Set(runs.map(key));
  return /** @type {CallgrindRun[]} */ (JSON.parse(fs.readFileSync(file, 'utf8')).runs).filter((r) => !redone.has(key(r)));
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
  const onlyNodes = value('--nodes')?.split(',');
  const onlyRoutes = value('--routes')?.split(',');
  const nodes = (smoke ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries()).filter(
    (n) => !onlyNodes || onlyNodes.some((major) => n.version.startsWith(`v${major}.`)),
  );
  const jobs = Math.max(1, Number(value('--jobs') ?? 2));
  const started = Date.now();
  const queue = nodes.flatMap((node) =>
    setups.map(([mode, routes]) => ({
      node,
      mode,
      routes: smoke ? routes.slice(0, 1) : routes.filter((r) => !onlyRoutes || onlyRoutes.includes(r)),
    })),
  );
  /** @type {CallgrindRun[]} */
  const runs = [];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) runs.push(...(await countServer(job.mode, job.routes, job.node, config)));
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const name = value('--save-as') ?? (pieces ? 'http-pieces' : 'http-callgrind');
  if (flag('--merge')) runs.unshift(...previousRuns(name, runs));
  const file = saveResults(name, {
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
