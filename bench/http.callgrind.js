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
//   node bench/http.callgrind.js --interceptors   # global interceptors: Nest's interceptor path, and what
//                                             # IncidentScopeInterceptor adds to an app (saved as http-interceptors)
//   node bench/http.callgrind.js --smoke      # a few requests, to check the mode works
//   node bench/http.callgrind.js --interceptors --smoke --no-callgrind   # no valgrind: every set-up boots and
//                                             # answers its routes, nothing counted (test/bench/transport-modes-smoke.spec.ts)
//   options: --modes a,b  --nodes 20,24  --routes trivial,realistic  --warmup N (uninstrumented requests per route, default 20000)  --windows N --requests N (counts per
//   route and their size, default 4 x 500)  --merge (keep the latest results' other set-ups)  --jobs N
//   (servers at once, default 2)  --save-as <name> (another results name, e.g. for BENCH_DIST=<dir> A/B
//   runs)  --node-args "<flags>" (added to the servers' V8 flags below)  BENCH_HTTP_NODES=24 (other Node majors)
//   --build <label>=<dist dir> (repeatable): another build in the same run; a mode `<mode>@<label>` runs
//   on it, e.g. --build before=bench/results/builds/ce8dd15 --modes disabled,incident,incident@before
//   (saved as http-callgrind-builds)
// Prints instructions per request (mean and median of the windows, and vs disabled) to stdout.
//
// Counted: every thread; with the V8 flags below everything runs on the main
// thread (the total is kept as a check).
const { callgrindAvailable, callgrindSession, countWindows } = require('./callgrind');
const path = require('node:path');
const { ROOT, ensureBuilt, median, progress, saveResults, table } = require('./common');
const { INTERCEPTOR_DIFFERENCES, previousRuns, renderCounts, renderRuns } = require('./callgrind.tables');
const { parseBuilds } = require('./library');
const { MODES } = require('./http.modes');
const { nodeBinaries } = require('./http.nodes');
const { loadCount, startServer } = require('./http.process');
const { ROUTES } = require('./http.routes');

/** @typedef {{ warmup: number, settle: number, requests: number, windows: number, connections: number }} CallgrindConfig */
/** @typedef {import('./callgrind.tables').CallgrindRun} CallgrindRun */

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
 * Global interceptors (--interceptors): the interceptor path Nest takes for every handler once any global
 * interceptor exists, and what IncidentScopeInterceptor adds on top of it. The realistic route already has a
 * method-level interceptor (so it is on that path in every set-up). @type {Array<[mode: string, routes: Array<keyof typeof ROUTES>]>}
 */
const INTERCEPTOR_SETUPS = [
  'disabled',
  'disabled+noop-interceptor',
  'incident',
  'incident+interceptor',
  'incident+noop-interceptor',
  'incident+interceptor+noop',
].map((mode) => [mode, ['trivial', 'realistic']]);
/**
 * warmup: requests per route uninstrumented (fast), then `settle` instrumented and
 * not counted, then `windows` counts of `requests` each; the figure is their
 * mean. Two processes of one set-up then agree within ~0.4% in every window
 * (measured), where without the flags below they differed by up to 5%. Some
 * windows carry periodic work (scavenges, +15-50%): it is part of the cost,
 * so the mean keeps it; the windows are saved to show it.
 * @type {{ full: CallgrindConfig, interceptors: CallgrindConfig, smoke: CallgrindConfig }}
 */
const CONFIG = {
  // After 3,000 requests V8 still compiled in the counts (up to 180k instructions per request on Node 20,
  // 500k on Node 24, in one window of four; the page's table once carried them): 20,000 requests of warm-up
  // leave nothing to compile; 2,000 counted requests (4 x 500) average the scavenges. The same for
  // --interceptors, whose differences between set-ups are a few %.
  full: { warmup: 20000, settle: 300, requests: 500, windows: 4, connections: 1 },
  interceptors: { warmup: 20000, settle: 300, requests: 500, windows: 4, connections: 1 },
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
 * @param {string} mode  a mode of bench/http.modes.js, or `<mode>@<label>` to run it on another build
 * @param {Array<keyof typeof ROUTES>} routes
 * @param {import('./http.nodes').NodeBinary} node
 * @param {CallgrindConfig} config
 * @param {Record<string, string>} builds  label -> dist directory
 * @param {string[]} [nodeArgs]  the server's flags
 * @param {boolean} [instrument]  false: no valgrind, the same requests sent and nothing counted (NaN figures)
 * @returns {Promise<CallgrindRun[]>}
 */
async function countServer(mode, routes, node, config, builds, nodeArgs = NODE_ARGS, instrument = true) {
  const [setup, label] = mode.split('@');
  const session = instrument ? callgrindSession(`${mode}-${node.label}`) : undefined;
  const server = startServer(setup, {
    node: node.binary,
    nodeArgs,
    wrapper: session?.wrapper ?? [],
    readyTimeoutMs: 600_000,
    dist: label === undefined ? undefined : builds[label],
  });
  try {
    const { port, interceptors } = await server.ready;
    for (const name of routes) await loadCount(port, ROUTES[name], config.warmup, config.connections);
    session?.on(server.pid);
    /** @type {CallgrindRun[]} */
    const runs = [];
    for (const name of routes) {
      const counted = await countWindows(session, server.pid, config, (n) => loadCount(port, ROUTES[name], n, config.connections));
      runs.push({ node: node.label, nodeVersion: node.version, mode, route: name, ...counted, interceptors });
      progress(
        `http callgrind: ${node.label} ${mode} ${name}: ${session ? `${Math.round(counted.mainPerRequest)} instructions/request (main thread)` : `${config.settle + config.windows * config.requests} requests answered (uninstrumented)`}`,
      );
    }
    return runs;
  } finally {
    await server.stop();
    session?.cleanup();
  }
}

/**
 * The set-ups to count: the default ones, or those of --modes (any mode of bench/http.modes.js, `@<label>` for another build).
 * @param {string[] | undefined} only
 * @param {boolean} pieces
 * @param {Record<string, string>} builds
 * @param {boolean} [interceptors]
 * @returns {Array<[mode: string, routes: Array<keyof typeof ROUTES>]>}
 */
function selectSetups(only, pieces, builds, interceptors = false) {
  const defaults = pieces ? PIECE_SETUPS : interceptors ? INTERCEPTOR_SETUPS : SETUPS;
  if (!only) return defaults;
  return only.map((mode) => {
    const [setup, label] = mode.split('@');
    if (!MODES[setup]) throw new Error(`unknown mode ${setup} (one of ${Object.keys(MODES).join(', ')})`);
    if (label !== undefined && !builds[label]) throw new Error(`${mode}: no --build ${label}=<dist dir>`);
    return [mode, defaults.find(([m]) => m === setup)?.[1] ?? ['trivial', 'realistic', 'quiet']];
  });
}

/** @param {string[]} argv */
async function main(argv) {
  const flag = (/** @type {string} */ name) => argv.includes(name);
  const value = (/** @type {string} */ name) => {
    const i = argv.indexOf(name);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const instrument = !flag('--no-callgrind');
  const available = instrument ? callgrindAvailable() : undefined;
  if (available && !available.ok) {
    progress(`http callgrind: unavailable: ${available.reason}`);
    process.exitCode = 2;
    return;
  }
  if (!flag('--no-build')) ensureBuilt();
  // Uninstrumented, the figures mean nothing: saved as a smoke run, never as the latest real one.
  const smoke = flag('--smoke') || !instrument;
  const pieces = flag('--pieces');
  const interceptors = flag('--interceptors');
  const config = { ...CONFIG[smoke ? 'smoke' : interceptors ? 'interceptors' : 'full'] };
  if (value('--warmup')) config.warmup = Number(value('--warmup'));
  if (value('--windows')) config.windows = Number(value('--windows'));
  if (value('--requests')) config.requests = Number(value('--requests'));
  const builds = parseBuilds(argv.filter((_, i) => argv[i - 1] === '--build'));
  const setups = selectSetups(value('--modes')?.split(','), pieces, builds, interceptors);
  const onlyNodes = value('--nodes')?.split(',');
  const onlyRoutes = value('--routes')?.split(',');
  const nodes = (smoke ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries()).filter(
    (n) => !onlyNodes || onlyNodes.some((major) => n.version.startsWith(`v${major}.`)),
  );
  const jobs = Math.max(1, Number(value('--jobs') ?? 2));
  const nodeArgs = [...NODE_ARGS, ...(value('--node-args')?.split(' ').filter(Boolean) ?? [])];
  const started = Date.now();
  const queue = nodes.flatMap((node) =>
    setups.map(([mode, routes]) => ({
      node,
      mode,
      // A smoke count takes the first route; uninstrumented, every route is cheap.
      routes: smoke && instrument ? routes.slice(0, 1) : routes.filter((r) => !onlyRoutes || onlyRoutes.includes(r)),
    })),
  );
  /** @type {CallgrindRun[]} */
  const runs = [];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift())
      runs.push(...(await countServer(job.mode, job.routes, job.node, config, builds, nodeArgs, instrument)));
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const compared = Object.keys(builds).length > 0;
  const name =
    value('--save-as') ??
    (pieces ? 'http-pieces' : interceptors ? 'http-interceptors' : compared ? 'http-callgrind-builds' : 'http-callgrind');
  if (flag('--merge')) runs.unshift(...previousRuns(name, runs));
  const file = saveResults(name, {
    smoke,
    seconds: (Date.now() - started) / 1000,
    config,
    nodeArgs,
    instrumented: instrument,
    valgrind: available?.ok ? available.version : undefined,
    dist: process.env.BENCH_DIST ?? 'dist',
    ...(compared ? { builds } : {}),
    runs,
  });
  const queueOrder = setups.map(([mode]) => mode);
  const order = (/** @type {CallgrindRun} */ r) => queueOrder.indexOf(r.mode);
  const sorted = [...runs].sort((a, b) => order(a) - order(b));
  const counts = renderCounts(sorted, { differences: INTERCEPTOR_DIFFERENCES, unit: 'req' });
  if (!instrument) {
    const answered = table(
      ['set-up', 'global interceptors', 'routes answered (uninstrumented: nothing counted)'],
      queueOrder.map((mode) => {
        const mine = sorted.filter((r) => r.mode === mode);
        return [mode, mine[0]?.interceptors?.join(', ') || '(none)', mine.map((r) => `${r.node} ${r.route}`).join(', ')];
      }),
    );
    process.stdout.write(`# HTTP set-ups, UNINSTRUMENTED: every server booted and answered\n\n${answered}\n\n(saved ${file})\n`);
    return;
  }
  process.stdout.write(
    `# HTTP instructions per request (callgrind, main thread${smoke ? ', SMOKE' : ''}; mean of ${config.windows} counts of ` +
      `${config.requests} requests per route after ${config.warmup} of warm-up)${Object.entries(builds)
        .map(([label, dir]) => `; @${label}: ${path.relative(ROOT, dir)}`)
        .join('')}\n\n${renderRuns(sorted, (r) => r.mainPerRequest)}\n\n` +
      'Median of the windows (a window that caught a collection or a compilation weighs less; the mean above keeps ' +
      `that work; the performance page leaves compilations out, as the split below does):\n\n${renderRuns(sorted, (r) => median(r.windows))}\n\n## Compilations and collections apart\n\n${counts}\n\n(saved ${file})\n`,
  );
  progress(`http callgrind: saved ${file}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = { NODE_ARGS };
