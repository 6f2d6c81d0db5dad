// @ts-check
'use strict';
// Part 3, HTTP: autocannon (in this process) against a Nest app (child process)
// on 127.0.0.1, on this Node and on Node 24; the logging set-ups interleaved
// (A B C D, A B C D, ...), a fresh server per set-up and repetition, each
// route measured in turn; requests/s and server CPU per request. The latest
// instruction counts (bench/http.callgrind.js; its --interceptors run; the
// microservice messages of bench/rpc.callgrind.js) are attached to the report.
const fs = require('node:fs');
const path = require('node:path');
const { RESULTS_DIR, fmt, pct, progress, ratio, saveResults, summarize, table, targetRow } = require('./common');
const { nodeBinaries } = require('./http.nodes');
const { FIGURES, INTERCEPTOR_DIFFERENCES, RPC_DIFFERENCES, RPC_RATIOS, renderCounts } = require('./callgrind.tables');
const { loadFor, startServer } = require('./http.process');
const { ROUTES } = require('./http.routes');

/** @typedef {import('./common').PartReport} PartReport */
/** @typedef {import('./common').Target} Target */
/** @typedef {{ repetitions: number, seconds: number, warmupSeconds: number, connections: number }} HttpConfig */
/**
 * One run of one set-up on one route (NaN figures and `failed` for a diagnostic that failed).
 * @typedef {{
 *   mode: string, route: string, node: string, failed?: boolean, requestsPerSecond: number, cpuUsPerRequest: number, latencyP99Ms: number,
 *   requests?: number, userUs?: number, systemUs?: number, wallMs?: number, latencyP50Ms?: number,
 * }} HttpRun
 */
/** @typedef {{ mode: string, label: string, routes: string[], diagnostic: boolean, everyNode: boolean }} HttpMode */
/**
 * @typedef {import('./common').SavedBase & {
 *   config: HttpConfig,
 *   nodes: Array<{ label: string, version: string }>,
 *   modes: HttpMode[],
 *   repetitions: Array<Record<string, HttpRun>>,
 *   callgrind?: CallgrindSaved,
 *   mount?: CallgrindSaved,
 *   interceptors?: CallgrindSaved,
 *   rpc?: CallgrindSaved,
 *   micro?: MicroSaved,
 * }} HttpSaved
 */
/** @typedef {{ date: string, iterations: number, byNode: Record<string, Record<string, number>> }} MicroSaved */
/**
 * routes: what each route or message handler is (the microservice run's).
 * @typedef {{ date: string, config: { warmup: number, requests: number, windows?: number }, dist?: string, runs: import('./callgrind.tables').CallgrindRun[], routes?: Record<string, string> }} CallgrindSaved
 */

/** In run order in every repetition. @type {HttpMode[]} */
const MODES = [
  {
    mode: 'incident',
    label: 'this module (debug buffered)',
    routes: ['trivial', 'realistic', 'quiet'],
    diagnostic: false,
    everyNode: true,
  },
  {
    mode: 'disabled',
    label: 'logging disabled (`logger: false`)',
    routes: ['trivial', 'realistic', 'quiet'],
    diagnostic: false,
    everyNode: true,
  },
  {
    mode: 'console',
    label: 'ConsoleLogger printing debug -> /dev/null',
    routes: ['trivial', 'realistic'],
    diagnostic: false,
    everyNode: true,
  },
  {
    mode: 'console-nodebug',
    label: "ConsoleLogger, debug filtered out (logger: ['log','warn','error','fatal'])",
    routes: ['trivial', 'realistic'],
    diagnostic: false,
    everyNode: true,
  },
  {
    mode: 'pino',
    label: 'nestjs-pino, its defaults (request logging on), level debug -> /dev/null',
    routes: ['trivial', 'realistic'],
    diagnostic: false,
    everyNode: true,
  },
  {
    mode: 'pino-noauto',
    label: '(diagnostic) nestjs-pino, `autoLogging: false`',
    routes: ['trivial', 'realistic'],
    diagnostic: true,
    everyNode: false,
  },
  {
    mode: 'incident-noredact',
    label: '(diagnostic) this module, `redact: false`',
    routes: ['trivial'],
    diagnostic: true,
    everyNode: false,
  },
  {
    mode: 'als',
    label: '(diagnostic) no logger, one AsyncLocalStorage.run() middleware',
    routes: ['trivial', 'realistic'],
    diagnostic: true,
    everyNode: true,
  },
];
/** The smoke run (< 20 s): this Node, two set-ups, tiny windows; it checks that the servers and routes work. */
const SMOKE_MODES = ['incident', 'disabled'];
/** @type {{ full: HttpConfig, smoke: HttpConfig }} */
const CONFIG = {
  full: { repetitions: 5, seconds: 1.2, warmupSeconds: 0.4, connections: 10 },
  smoke: { repetitions: 1, seconds: 0.25, warmupSeconds: 0.1, connections: 4 },
};
const ROUTE_ORDER = ['trivial', 'realistic', 'quiet'];

/** @param {string} node @param {string} mode @param {string} route */
const runKey = (node, mode, route) => `${node}|${mode}|${route}`;

/**
 * One server (fresh process) of one set-up: each of its routes warmed up then measured.
 * @param {HttpMode} entry
 * @param {import('./http.nodes').NodeBinary} node
 * @param {HttpConfig} config
 * @returns {Promise<HttpRun[]>}
 */
async function measureServer(entry, node, config) {
  const server = startServer(entry.mode, { node: node.binary });
  try {
    const { port } = await server.ready;
    /** @type {HttpRun[]} */
    const runs = [];
    for (const name of entry.routes) {
      const route = ROUTES[/** @type {keyof typeof ROUTES} */ (name)];
      await loadFor(port, route, config.warmupSeconds, config.connections); // JIT warm-up, untimed
      const { result, cpu } = await server.cpu(() => loadFor(port, route, config.seconds, config.connections));
      const failures = result.errors + result.timeouts + result.non2xx;
      if (failures > 0)
        throw new Error(
          `${entry.mode} ${name}: ${failures} failed requests (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
        );
      runs.push({
        mode: entry.mode,
        route: name,
        node: node.label,
        requestsPerSecond: result.requests.total / (cpu.wallMs / 1000),
        requests: cpu.requests,
        cpuUsPerRequest: (cpu.userUs + cpu.systemUs) / cpu.requests,
        userUs: cpu.userUs,
        systemUs: cpu.systemUs,
        wallMs: cpu.wallMs,
        latencyP50Ms: result.latency.p50,
        latencyP99Ms: result.latency.p99,
      });
    }
    return runs;
  } finally {
    await server.stop();
  }
}

/**
 * The latest saved instruction counts of this kind, if any (never a smoke run's).
 * @param {string} name
 * @returns {CallgrindSaved | undefined}
 */
function latestCallgrind(name) {
  const file = path.join(RESULTS_DIR, `${name}-latest.json`);
  if (!fs.existsSync(file)) return undefined;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { date: saved.date, config: saved.config, dist: saved.dist, runs: saved.runs, ...(saved.routes ? { routes: saved.routes } : {}) };
}

/** The latest loop counts of the scope's pieces (bench/http.pieces.js), if any. @returns {MicroSaved | undefined} */
function latestMicro() {
  const file = path.join(RESULTS_DIR, 'http-micro-latest.json');
  if (!fs.existsSync(file)) return undefined;
  const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
  return { date: saved.date, iterations: saved.iterations, byNode: saved.byNode };
}

/** @returns {Promise<string>} the results file */
async function runHttp({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  const nodes = smoke ? nodeBinaries({ install: false }).slice(0, 1) : nodeBinaries();
  const modes = smoke ? MODES.filter((m) => SMOKE_MODES.includes(m.mode)) : MODES;
  /** @type {Array<Record<string, HttpRun>>} */
  const repetitions = [];
  for (let r = 0; r < config.repetitions; r++) {
    /** @type {Record<string, HttpRun>} */
    const rep = {};
    for (const [n, node] of nodes.entries()) {
      for (const entry of modes) {
        if (n > 0 && !entry.everyNode) continue;
        progress(`http: repetition ${r + 1}/${config.repetitions} ${node.label} ${entry.mode} (${entry.routes.join(', ')})`);
        try {
          for (const run of await measureServer(entry, node, config)) rep[runKey(node.label, run.mode, run.route)] = run;
        } catch (error) {
          if (!entry.diagnostic) throw error;
          progress(
            `http: diagnostic ${entry.mode} failed, reported as n/a: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`,
          );
        }
      }
    }
    repetitions.push(rep);
  }
  const data = {
    smoke,
    config,
    seconds: (Date.now() - started) / 1000,
    nodes: nodes.map(({ label, version }) => ({ label, version })),
    modes,
    repetitions,
    callgrind: smoke ? undefined : latestCallgrind('http-callgrind'),
    mount: smoke ? undefined : latestCallgrind('http-mount'),
    interceptors: smoke ? undefined : latestCallgrind('http-interceptors'),
    rpc: smoke ? undefined : latestCallgrind('rpc-callgrind'),
    micro: smoke ? undefined : latestMicro(),
  };
  return saveResults('http', { ...data, summary: httpSummary(data) });
}

/**
 * Medians over the repetitions; ratios are paired (same repetition, same
 * Node, same route), so a slower moment of the machine weighs on both sides.
 * @param {{ repetitions: Array<Record<string, HttpRun>> }} saved
 */
function httpStats({ repetitions }) {
  // JSON turns NaN into null: back to NaN, which summarize() leaves out.
  const num = (/** @type {number | null | undefined} */ v) => (typeof v === 'number' ? v : NaN);
  /** @param {string} node @param {string} mode @param {string} route @param {'requestsPerSecond' | 'cpuUsPerRequest' | 'latencyP99Ms'} key */
  const stat = (node, mode, route, key) => summarize(repetitions.map((rep) => num(rep[runKey(node, mode, route)]?.[key])));
  /** @param {string} node @param {string} mode @param {string} route */
  const paired = (node, mode, route, base = 'disabled') =>
    summarize(
      repetitions.map((rep) => num(rep[runKey(node, mode, route)]?.cpuUsPerRequest) / num(rep[runKey(node, base, route)]?.cpuUsPerRequest)),
    );
  return { stat, paired };
}

/** @param {{ nodes: HttpSaved['nodes'], modes: HttpMode[], repetitions: Array<Record<string, HttpRun>> }} saved */
function httpSummary(saved) {
  const { stat, paired } = httpStats(saved);
  /** @type {Record<string, unknown>} */
  const out = {};
  for (const { label: node } of saved.nodes)
    for (const { mode, routes } of saved.modes)
      for (const route of routes)
        out[runKey(node, mode, route)] = {
          cpuUsPerRequest: stat(node, mode, route, 'cpuUsPerRequest'),
          cpuVsDisabled: paired(node, mode, route),
        };
  return out;
}

/**
 * Instructions per request from a callgrind run (main thread), by node, mode and route: the mean of the windows
 * with V8's compilations left out (collections kept), what a server that has run a while pays, as the
 * interceptor and microservice tables count; everything counted for runs saved before the breakdown existed.
 * A compilation is done once and lands in whichever window reaches a tiering budget, by +-100k instructions per
 * request in one set-up and not its baseline, more than the differences the goals are about.
 * @param {CallgrindSaved | undefined} saved
 */
function instructionsOf(saved) {
  /** @type {Map<string, import('./callgrind.tables').CallgrindRun>} */
  const byKey = new Map();
  for (const run of saved?.runs ?? []) byKey.set(runKey(run.node, run.mode, run.route), run);
  /** @param {import('./callgrind.tables').CallgrindRun} run */
  const figure = (run) => {
    const noJit = FIGURES.noJit(run);
    return Number.isFinite(noJit) ? noJit : run.mainPerRequest;
  };
  /** @param {string} node @param {string} mode @param {string} route */
  const get = (node, mode, route) => {
    const run = byKey.get(runKey(node, mode, route));
    return run ? figure(run) : NaN;
  };
  /** @param {string} node @param {string} mode @param {string} route */
  const vs = (node, mode, route, base = 'disabled') => get(node, mode, route) / get(node, base, route);
  const nodes = [...new Set((saved?.runs ?? []).map((r) => r.node))];
  return { get, vs, nodes, byKey };
}

/**
 * Where V8 still compiled inside the counts after the warm-up (more than 1% of a set-up's count): left out of the
 * table, said under it with the windows it fell in, so that a compilation that recurs in every window shows.
 * @param {CallgrindSaved | undefined} saved
 */
function compiledNote(saved) {
  const rows = (saved?.runs ?? [])
    .filter((run) => run.compile && FIGURES.compile(run) > 0.01 * run.mainPerRequest)
    .map(
      (run) =>
        `${run.node} ${run.mode} ${run.route} ${fmt(FIGURES.compile(run), 0)} (windows: ${(run.compile ?? []).map((c) => fmt(c, 0)).join(' / ')})`,
    );
  if (rows.length === 0) return '';
  return `\n\nV8 still compiled inside the counts after the warm-up (instructions per request, mean and per window; left out above): ${rows.join('; ')}.`;
}

/** @param {CallgrindSaved} saved */
const countsOf = (saved) =>
  `${saved.config.windows ?? 3} counts of ${saved.config.requests} after ${saved.config.warmup} of warm-up; ${saved.date}`;

/**
 * Global interceptors on the HTTP routes (bench/http.callgrind.js --interceptors): each set-up, then what each adds.
 * @param {CallgrindSaved} saved
 */
function interceptorTables(saved) {
  return (
    'Global interceptors (`node bench/http.callgrind.js --interceptors`; instructions per request, ' +
    `${countsOf(saved)}). Once an app has any global interceptor, Nest sends every handler's result through its RxJS ` +
    'interceptor chain; the realistic route has a method-level interceptor, so it is on that chain in every set-up.\n\n' +
    renderCounts(saved.runs, { differences: INTERCEPTOR_DIFFERENCES, unit: 'req', page: true })
  );
}

/**
 * Microservice messages (bench/rpc.callgrind.js): each set-up, what each adds, ConsoleLogger against this module.
 * @param {CallgrindSaved} saved
 */
function rpcTables(saved) {
  const handlers = Object.entries(saved.routes ?? {})
    .map(([name, label]) => `${name} = ${label}`)
    .join('; ');
  return (
    'Microservice messages (`node bench/rpc.callgrind.js`: a Nest TCP microservice driven by a ClientProxy over ' +
    `127.0.0.1, one message in flight; instructions per message, ${countsOf(saved)}${handlers ? `; ${handlers}` : ''}).\n\n` +
    renderCounts(saved.runs, { differences: RPC_DIFFERENCES, ratios: RPC_RATIOS, unit: 'msg', page: true })
  );
}

/** @param {{ median: number, min: number, max: number }} s */
const spread = (s) => `${pct(s.median - 1)} (${pct(s.min - 1)} .. ${pct(s.max - 1)})`;

/**
 * @param {HttpSaved} saved
 * @returns {PartReport}
 */
function renderHttp(saved) {
  const { config } = saved;
  const { stat, paired } = httpStats(saved);
  const nodes = saved.nodes.map((n) => n.label);
  const callgrind = saved.callgrind ?? (saved.smoke ? undefined : latestCallgrind('http-callgrind'));
  const mount = saved.mount ?? (saved.smoke ? undefined : latestCallgrind('http-mount'));
  const micro = saved.micro ?? (saved.smoke ? undefined : latestMicro());
  const interceptors = saved.interceptors ?? (saved.smoke ? undefined : latestCallgrind('http-interceptors'));
  const rpc = saved.rpc ?? (saved.smoke ? undefined : latestCallgrind('rpc-callgrind'));
  const ir = instructionsOf(callgrind);
  const columns = nodes.flatMap((node) => ['trivial', 'realistic'].map((route) => ({ node, route })));

  const cpuTable = table(
    ['set-up', ...columns.map(({ node, route }) => `${node} ${route}: CPU us/req (vs disabled, paired median (min .. max))`)],
    saved.modes.map(({ mode, label }) => [
      label,
      ...columns.map(({ node, route }) => {
        const cpu = stat(node, mode, route, 'cpuUsPerRequest');
        if (cpu.n === 0) return '';
        return mode === 'disabled' ? `${fmt(cpu.median, 1)}` : `${fmt(cpu.median, 1)} (${spread(paired(node, mode, route))})`;
      }),
    ]),
  );
  const quietRows = nodes.map((node) => {
    const cpu = paired(node, 'incident', 'quiet');
    const instr = ir.vs(node, 'incident', 'quiet');
    return [node, cpu.n ? spread(cpu) : 'n/a', pct(instr - 1)];
  });
  const quietTable = table(['route logging nothing (the scope alone)', 'CPU/req vs disabled', 'instructions/req vs disabled'], quietRows);

  const irColumns = ir.nodes.flatMap((node) => ['trivial', 'realistic'].map((route) => ({ node, route })));
  const irModes = [...new Set((callgrind?.runs ?? []).map((r) => r.mode))];
  const irTable = callgrind
    ? table(
        ['set-up', ...irColumns.map(({ node, route }) => `${node} ${route}: instructions/req (vs disabled)`)],
        irModes.map((mode) => [
          saved.modes.find((m) => m.mode === mode)?.label ?? mode,
          ...irColumns.map(({ node, route }) => {
            const value = ir.get(node, mode, route);
            if (!Number.isFinite(value)) return '';
            return mode === 'disabled' ? fmt(value, 0) : `${fmt(value, 0)} (${pct(ir.vs(node, mode, route) - 1)})`;
          }),
        ]),
      )
    : '';
  const microNodes = Object.keys(micro?.byNode ?? {});
  const microTable = micro
    ? table(
        ['piece of the request scope (loop on real objects, minus the empty loop)', ...microNodes.map((n) => `${n} instructions`)],
        Object.keys(micro.byNode[microNodes[0]])
          .filter((piece) => piece !== 'empty loop')
          .map((piece) => [piece, ...microNodes.map((n) => fmt(micro.byNode[n][piece] - micro.byNode[n]['empty loop'], 0))]),
      )
    : '';
  const mountIr = instructionsOf(mount);
  // Both in one run, same route: their difference is the extra cost of Nest's layer (absolute
  // per-layer figures would need the bare request from the same run).
  const mountTable = mount
    ? table(
        ['mount (10 no-op layers, route logging nothing)', ...mountIr.nodes.map((n) => `${n} instructions/req`)],
        [
          ['plain `app.use(fn)` x10', ...mountIr.nodes.map((n) => fmt(mountIr.get(n, 'mount-raw-x10', 'quiet'), 0))],
          [
            "Nest `consumer.apply(fn).forRoutes('{*path}')` x10",
            ...mountIr.nodes.map((n) => fmt(mountIr.get(n, 'mount-nest-x10', 'quiet'), 0)),
          ],
          [
            'one Nest layer minus one plain layer',
            ...mountIr.nodes.map((n) =>
              fmt((mountIr.get(n, 'mount-nest-x10', 'quiet') - mountIr.get(n, 'mount-raw-x10', 'quiet')) / 10, 0),
            ),
          ],
        ],
      )
    : '';
  const resultTable = [
    cpuTable,
    quietTable,
    irTable
      ? `Instructions per request (callgrind, main thread, mean of ${callgrind?.config.windows ?? 3} counts of ${callgrind?.config.requests} requests per route after ${callgrind?.config.warmup} of warm-up, V8's compilations left out, collections kept; ${callgrind?.date}):\n\n${irTable}${compiledNote(callgrind)}`
      : '',
    microTable ? `The pieces of the request scope (callgrind, ${micro?.iterations} iterations; ${micro?.date}):\n\n${microTable}` : '',
    mountTable ? `The mount (callgrind; ${mount?.date}):\n\n${mountTable}` : '',
    interceptors ? interceptorTables(interceptors) : '',
    rpc ? rpcTables(rpc) : '',
  ]
    .filter(Boolean)
    .join('\n\n');

  /** @type {Target[]} */
  const targets = [];
  /**
   * A goal on the CPU ratio and, when counted, the instruction ratio; met when both are.
   * @param {string} node
   * @param {string} target
   * @param {Array<[mode: string, route: string, base: string]>} pairs
   * @param {string} goal
   * @param {(r: number) => boolean} ok
   */
  const goal = (node, target, pairs, goal, ok) => {
    const parts = [];
    let met = true;
    let any = false;
    for (const [mode, route, base] of pairs) {
      const cpu = paired(node, mode, route, base);
      const instr = ir.vs(node, mode, route, base);
      if (cpu.n > 0) {
        any = true;
        met = met && ok(cpu.median);
      }
      if (Number.isFinite(instr)) met = met && ok(instr);
      const flip = base !== 'disabled';
      const show = (/** @type {number} */ r) => (flip ? ratio(1 / r) : pct(r - 1));
      parts.push(
        `${route}: CPU ${cpu.n ? `${show(cpu.median)} (${flip ? `${show(cpu.max)} .. ${show(cpu.min)}` : `${show(cpu.min)} .. ${show(cpu.max)}`})` : 'n/a'}, instructions ${Number.isFinite(instr) ? show(instr) : 'n/a'}`,
      );
    }
    targets.push(targetRow('http', `${node}: ${target}`, parts.join('; '), goal, any ? met : undefined));
  };
  for (const node of nodes) {
    const trivialGoal = node === 'Node 20' ? 0.08 : 0.05;
    goal(
      node,
      'trivial route, server CPU per request vs logging disabled',
      [['incident', 'trivial', 'disabled']],
      `<= +${trivialGoal * 100}%`,
      (r) => r - 1 <= trivialGoal,
    );
    goal(
      node,
      'realistic route, server CPU per request vs logging disabled',
      [['incident', 'realistic', 'disabled']],
      '<= +3%',
      (r) => r - 1 <= 0.03,
    );
    goal(
      node,
      'less CPU per request than ConsoleLogger printing debug (its CPU / ours)',
      [
        ['incident', 'trivial', 'console'],
        ['incident', 'realistic', 'console'],
      ],
      '> 1x',
      (r) => r < 1,
    );
    goal(
      node,
      'less CPU per request than nestjs-pino with its defaults (its CPU / ours)',
      [
        ['incident', 'trivial', 'pino'],
        ['incident', 'realistic', 'pino'],
      ],
      '> 1x',
      (r) => r < 1,
    );
    goal(
      node,
      'within 5% of ConsoleLogger with debug filtered out (its CPU / ours)',
      [
        ['incident', 'trivial', 'console-nodebug'],
        ['incident', 'realistic', 'console-nodebug'],
      ],
      '>= 0.95x',
      (r) => r <= 1 / 0.95,
    );
  }
  const n0 = nodes[0];
  targets.push(
    targetRow(
      'http',
      `(info) ${n0}, trivial route: where the overhead is: redact: false / scope alone (route logging nothing) / AsyncLocalStorage alone, CPU vs disabled`,
      `${pct(paired(n0, 'incident-noredact', 'trivial').median - 1)} / ${pct(paired(n0, 'incident', 'quiet').median - 1)} / ${pct(paired(n0, 'als', 'trivial').median - 1)}`,
      '',
      undefined,
    ),
    targetRow(
      'http',
      `(info) ${n0}: nestjs-pino with autoLogging: false vs this module (its CPU / ours), trivial / realistic`,
      `${ratio(1 / paired(n0, 'incident', 'trivial', 'pino-noauto').median)} / ${ratio(1 / paired(n0, 'incident', 'realistic', 'pino-noauto').median)}`,
      '',
      undefined,
    ),
  );

  const routeText = ROUTE_ORDER.map((name) => `\`${ROUTES[/** @type {keyof typeof ROUTES} */ (name)].label}\``).join('; ');
  return {
    part: 'http',
    title: `HTTP: Nest + Express, ${nodes.join(' and ')}, trivial and realistic routes; autocannon ${config.connections} connections on 127.0.0.1, ${config.seconds} s per route after ${config.warmupSeconds} s warm-up, ${config.repetitions} interleaved repetitions, fresh server process per set-up`,
    heading: 'HTTP',
    method:
      `A Nest + Express app with three routes: ${routeText}. Every message is built per call (ids interpolated), ` +
      'as real code does; the realistic route adds what every real route pays (body parsing and validation, a guard, an ' +
      `interceptor, an awaited timer standing for I/O). autocannon (${config.connections} connections) runs in the parent on ` +
      `127.0.0.1, the server in a fresh child process per set-up and repetition, on ${nodes.join(' and ')} ` +
      '(other majors from `scripts/node-binary.sh`), its stdout on `/dev/null`; server CPU per request from ' +
      '`process.cpuUsage()` inside the server, reported over IPC. Set-ups run interleaved ' +
      `(${config.repetitions} repetitions); ratios are paired per repetition, Node and route. nestjs-pino runs with its ` +
      'defaults (a "request completed" line per request) at level debug; `autoLogging: false` is a diagnostic row. ' +
      'Instruction counts come from `node bench/http.callgrind.js` (valgrind callgrind on the server, a fixed number of ' +
      'requests after an uninstrumented warm-up; `scripts/ensure-valgrind.sh` installs valgrind), when it was run; ' +
      'so do those of global interceptors (`--interceptors`) and of microservice messages (`node bench/rpc.callgrind.js`, ' +
      'the same method for a TCP microservice and a ClientProxy).',
    caption:
      'Server CPU per request and its paired ratio to "logging disabled" (median, min .. max over the repetitions); ' +
      'instruction counts beside them resolve ~1% where CPU time on a shared machine resolves ~5%.',
    resultTable,
    targets,
  };
}

module.exports = { runHttp, renderHttp };
