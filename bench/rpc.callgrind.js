#!/usr/bin/env node
// @ts-check
'use strict';
// Microservice messages in instructions: a Nest TCP microservice
// (bench/rpc.server.js, @nestjs/microservices) runs under valgrind's callgrind,
// driven over loopback by a real ClientProxy in this process, one message in
// flight; after an uninstrumented warm-up, a fixed number of messages per
// handler is counted, as bench/http.callgrind.js counts HTTP requests (same
// V8 flags, same windows). Before anything is counted, each server is asked
// which scope its handlers run in, and the run fails if a set-up does not do
// what it is named for (a scope per message with IncidentScopeInterceptor,
// the global scope without it). Not part of `npm run bench`.
//
//   scripts/ensure-valgrind.sh && node bench/rpc.callgrind.js     # the set-ups x handlers x Node 20/24
//   node bench/rpc.callgrind.js --smoke          # a few messages, to check the mode works
//   node bench/rpc.callgrind.js --smoke --no-callgrind   # no valgrind: boots every set-up, checks its scope,
//                                                        # sends messages (test/bench/transport-modes-smoke.spec.ts)
//   options: --modes a,b (any mode of bench/rpc.modes.js, `<mode>@<label>` on another build)  --nodes 20,24
//   --routes quiet,trivial,realistic  --warmup N (uninstrumented messages per handler, default 20000)  --windows N --messages N (counts per handler and their size, default 4 x 500)
//   --merge (keep the latest results' other set-ups)  --jobs N (servers at once, default 2)  --save-as <name>
//   --node-args "<flags>"  --build <label>=<dist dir> (repeatable)  BENCH_HTTP_NODES=24 (other Node majors)
// Prints instructions per message (V8's compilations apart, see bench/callgrind.js breakdown), what each
// set-up adds to its baseline, and ConsoleLogger against this module, to stdout (bench/callgrind.tables.js).
require('reflect-metadata');
const path = require('node:path');
const { ClientProxyFactory, Transport } = require('@nestjs/microservices');
const { lastValueFrom } = require('rxjs');
const { callgrindAvailable, callgrindSession, countWindows } = require('./callgrind');
const { ROOT, ensureBuilt, fmt, progress, saveResults, table } = require('./common');
const { RPC_DIFFERENCES, RPC_RATIOS, previousRuns, renderCounts } = require('./callgrind.tables');
const { NODE_ARGS } = require('./http.callgrind');
const { nodeBinaries } = require('./http.nodes');
const { startServer } = require('./http.process');
const { parseBuilds } = require('./library');
const { RPC_MODES } = require('./rpc.modes');
const { RPC_ROUTES } = require('./rpc.routes');

/** @typedef {import('./callgrind.tables').CallgrindRun} CallgrindRun */
/** @typedef {{ warmup: number, settle: number, requests: number, windows: number }} RpcConfig */
/** @typedef {keyof typeof RPC_ROUTES} RouteName */

const SERVER = path.join(__dirname, 'rpc.server.js');
/** Set-ups measured by default (the other modes of bench/rpc.modes.js through --modes). */
const SETUPS = ['disabled', 'disabled+noop-interceptor', 'incident', 'incident+interceptor', 'console', 'console-nodebug'];
/** @type {RouteName[]} */
const ROUTE_NAMES = ['quiet', 'trivial', 'realistic'];
/** As bench/http.callgrind.js: `requests` is the messages per window. @type {{ full: RpcConfig, smoke: RpcConfig }} */
const CONFIG = {
  // After 3,000 messages per handler, Node 24 still compiled in the counts (580k instructions per message in
  // one window of 500): 20,000 leave nothing to compile (a few seconds uninstrumented). 2,000 messages counted
  // per handler: a scavenge comes every few hundred, so the collections' share averages over several.
  full: { warmup: 20000, settle: 300, requests: 500, windows: 4 },
  smoke: { warmup: 20, settle: 5, requests: 20, windows: 1 },
};
/**
 * A TCP ClientProxy connected to the server; `send(route, n)` sends n messages one after the other and
 * rejects on a wrong reply.
 * @param {number} port
 */
async function connectClient(port) {
  const client = ClientProxyFactory.create({ transport: Transport.TCP, options: { host: '127.0.0.1', port } });
  await client.connect();
  return {
    /** @param {{ cmd: string }} pattern @param {object} [payload] @returns {Promise<any>} */
    ask: (pattern, payload = {}) => lastValueFrom(client.send(pattern, payload)),
    /** @param {import('./rpc.routes').RpcRoute} route @param {number} n */
    async send(route, n) {
      for (let i = 0; i < n; i++) {
        const reply = await lastValueFrom(client.send(route.pattern, route.payload));
        if (!route.answer(reply)) throw new Error(`${JSON.stringify(route.pattern)}: unexpected reply ${JSON.stringify(reply)}`);
      }
    },
    close: () => client.close(),
  };
}

/**
 * One server (under callgrind unless `instrument` is false): the scope check, a warm-up of every handler
 * uninstrumented, then each handler counted. Uninstrumented, the same messages are sent and nothing is counted
 * (the figures are NaN).
 * @param {string} mode  a mode of bench/rpc.modes.js, or `<mode>@<label>` on another build
 * @param {RouteName[]} routes
 * @param {import('./http.nodes').NodeBinary} node
 * @param {RpcConfig} config
 * @param {{ builds: Record<string, string>, nodeArgs: string[], instrument: boolean }} options
 * @returns {Promise<{ runs: CallgrindRun[], scope: string, interceptors: string[] }>}
 */
async function countServer(mode, routes, node, config, { builds, nodeArgs, instrument }) {
  const [setup, label] = mode.split('@');
  const session = instrument ? callgrindSession(`rpc-${mode}-${node.label}`) : undefined;
  const server = startServer(setup, {
    script: SERVER,
    node: node.binary,
    nodeArgs,
    wrapper: session?.wrapper ?? [],
    readyTimeoutMs: 600_000,
    dist: label === undefined ? undefined : builds[label],
  });
  /** @type {Awaited<ReturnType<typeof connectClient>> | undefined} */
  let client;
  try {
    const { port, interceptors = [] } = await server.ready;
    const connected = await connectClient(port);
    client = connected;
    // Which scope a handler runs in: the set-up must be what it is named for.
    const { scope } = await client.ask({ cmd: 'check' });
    const expected = RPC_MODES[setup].scope;
    if (scope !== expected) throw new Error(`${mode}: a message handler runs in scope "${scope}", expected "${expected}"`);
    for (const name of routes) await client.send(RPC_ROUTES[name], config.warmup);
    session?.on(server.pid);
    /** @type {CallgrindRun[]} */
    const runs = [];
    for (const name of routes) {
      const counted = await countWindows(session, server.pid, config, (n) => connected.send(RPC_ROUTES[name], n));
      runs.push({ node: node.label, nodeVersion: node.version, mode, route: name, ...counted, interceptors });
      progress(
        `rpc callgrind: ${node.label} ${mode} ${name}: ${session ? `${Math.round(counted.mainPerRequest)} instructions/message (main thread)` : `${config.settle + config.windows * config.requests} messages answered (uninstrumented)`}`,
      );
    }
    return { runs, scope, interceptors };
  } finally {
    client?.close();
    await server.stop();
    session?.cleanup();
  }
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
    progress(`rpc callgrind: unavailable: ${available.reason}`);
    process.exitCode = 2;
    return;
  }
  if (!flag('--no-build')) ensureBuilt();
  // Uninstrumented, the figures mean nothing: saved as a smoke run, never as the latest real one.
  const smoke = flag('--smoke') || !instrument;
  const config = { ...CONFIG[flag('--smoke') ? 'smoke' : 'full'] };
  if (value('--warmup')) config.warmup = Number(value('--warmup'));
  if (value('--windows')) config.windows = Number(value('--windows'));
  if (value('--messages')) config.requests = Number(value('--messages'));
  const builds = parseBuilds(argv.filter((_, i) => argv[i - 1] === '--build'));
  const modes = value('--modes')?.split(',') ?? SETUPS;
  for (const mode of modes) {
    const [setup, label] = mode.split('@');
    if (!RPC_MODES[setup]) throw new Error(`unknown mode ${setup} (one of ${Object.keys(RPC_MODES).join(', ')})`);
    if (label !== undefined && !builds[label]) throw new Error(`${mode}: no --build ${label}=<dist dir>`);
  }
  const onlyNodes = value('--nodes')?.split(',');
  const routes = /** @type {RouteName[]} */ (value('--routes')?.split(',') ?? ROUTE_NAMES);
  for (const name of routes) if (!RPC_ROUTES[name]) throw new Error(`unknown handler ${name} (one of ${ROUTE_NAMES.join(', ')})`);
  const nodes = (flag('--smoke') ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries()).filter(
    (n) => !onlyNodes || onlyNodes.some((major) => n.version.startsWith(`v${major}.`)),
  );
  const jobs = Math.max(1, Number(value('--jobs') ?? 2));
  const nodeArgs = [...NODE_ARGS, ...(value('--node-args')?.split(' ').filter(Boolean) ?? [])];
  const started = Date.now();
  const queue = nodes.flatMap((node) => modes.map((mode) => ({ node, mode })));
  /** @type {CallgrindRun[]} */
  const runs = [];
  /** @type {Array<{ node: string, mode: string, scope: string, interceptors: string[] }>} */
  const checks = [];
  const worker = async () => {
    for (let job = queue.shift(); job; job = queue.shift()) {
      const result = await countServer(job.mode, routes, job.node, config, { builds, nodeArgs, instrument });
      runs.push(...result.runs);
      checks.push({ node: job.node.label, mode: job.mode, scope: result.scope, interceptors: result.interceptors });
    }
  };
  await Promise.all(Array.from({ length: jobs }, worker));
  const compared = Object.keys(builds).length > 0;
  const name = value('--save-as') ?? (compared ? 'rpc-callgrind-builds' : 'rpc-callgrind');
  if (flag('--merge')) runs.unshift(...previousRuns(name, runs));
  const file = saveResults(name, {
    smoke,
    instrumented: instrument,
    seconds: (Date.now() - started) / 1000,
    config,
    nodeArgs,
    valgrind: available?.ok ? available.version : undefined,
    dist: process.env.BENCH_DIST ?? 'dist',
    ...(compared ? { builds } : {}),
    routes: Object.fromEntries(routes.map((r) => [r, RPC_ROUTES[r].label])),
    checks,
    runs,
  });
  const order = (/** @type {string} */ mode) => modes.indexOf(mode);
  const sorted = [...runs].sort((a, b) => order(a.mode) - order(b.mode));
  const checkTable = table(
    ['set-up', 'what it is', 'global interceptors', "a handler's scope (checked)"],
    [...checks]
      .sort((a, b) => order(a.mode) - order(b.mode))
      .map((c) => [`${c.mode} (${c.node})`, RPC_MODES[c.mode.split('@')[0]].label, c.interceptors.join(', ') || '(none)', c.scope]),
  );
  process.stdout.write(
    `# Microservice (TCP) messages, instructions per message (callgrind, main thread${smoke ? ', SMOKE' : ''}${instrument ? '' : ', UNINSTRUMENTED: nothing counted'}; ` +
      `${config.windows} counts of ${config.requests} messages per handler after ${config.warmup} of warm-up, one in flight)` +
      `${Object.entries(builds)
        .map(([l, dir]) => `; @${l}: ${path.relative(ROOT, dir)}`)
        .join('')}\n\n` +
      `Handlers: ${routes.map((r) => `${r} = ${RPC_ROUTES[r].label}`).join('; ')}\n\n${checkTable}\n\n` +
      (instrument
        ? `${renderCounts(sorted, { differences: RPC_DIFFERENCES, ratios: RPC_RATIOS, unit: 'msg' })}\n\n`
        : `Uninstrumented: every set-up booted, its scope checked, ${fmt(runs.length, 0)} handler runs of ` +
          `${config.settle + config.windows * config.requests} messages answered; nothing counted.\n\n`) +
      `(saved ${file})\n`,
  );
  progress(`rpc callgrind: saved ${file}`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = { SETUPS };
