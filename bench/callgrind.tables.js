// @ts-check
'use strict';
// The tables of the instruction-count sub-commands (bench/http.callgrind.js,
// bench/rpc.callgrind.js), also rendered on the performance page from the
// results the HTTP part attaches (bench/http.js): no Nest, no valgrind here.
const fs = require('node:fs');
const path = require('node:path');
const { RESULTS_DIR, fmt, pct, ratio, table } = require('./common');

/**
 * mainPerRequest: the mean of the windows' counts per request (main thread); windows: each one; compile and gc:
 * the part of each window that went to V8's compilers and to garbage collection (bench/callgrind.js breakdown; runs
 * saved before they existed lack them); interceptors: the server's global interceptors, as Nest registered them.
 * @typedef {{
 *   node: string, nodeVersion: string, mode: string, route: string, requests: number, mainPerRequest: number,
 *   totalPerRequest: number, windows: number[], compile?: number[], gc?: number[], interceptors?: string[],
 * }} CallgrindRun
 */

/** @param {number[]} values */
const mean = (values) => (values.length === 0 ? NaN : values.reduce((sum, v) => sum + v, 0) / values.length);

/**
 * The figures of a run, per request or message (NaN when the run has no breakdown):
 * all: the mean of the windows, everything counted; noJit: without V8's compilations (done once, they land in
 * whichever window reached a tiering budget), the collections kept and averaged over the windows, which is
 * what a long-running server pays; steady: without the collections either, the code path alone (on Node 20
 * the windows then agree within ~1%; on Node 24 they do not: a window with more scavenges counts fewer
 * instructions outside them, so read it for Node 20); compile and gc: the means of what was left out.
 */
const FIGURES = {
  all: (/** @type {CallgrindRun} */ r) => r.mainPerRequest,
  noJit: (/** @type {CallgrindRun} */ r) => (r.compile ? mean(r.windows.map((w, i) => w - (r.compile?.[i] ?? NaN))) : NaN),
  steady: (/** @type {CallgrindRun} */ r) =>
    r.compile && r.gc ? mean(r.windows.map((w, i) => w - (r.compile?.[i] ?? NaN) - (r.gc?.[i] ?? NaN))) : NaN,
  compile: (/** @type {CallgrindRun} */ r) => mean(r.compile ?? []),
  gc: (/** @type {CallgrindRun} */ r) => mean(r.gc ?? []),
};

/**
 * The differences the --interceptors run is for: [what, set-up, its baseline].
 * @type {Array<[label: string, mode: string, base: string]>}
 */
const INTERCEPTOR_DIFFERENCES = [
  ["Nest's interceptor path: a no-op global interceptor, logging disabled", 'disabled+noop-interceptor', 'disabled'],
  ['a no-op global interceptor, in an app with this module', 'incident+noop-interceptor', 'incident'],
  ["IncidentScopeInterceptor, the app's only global interceptor", 'incident+interceptor', 'incident'],
  ['IncidentScopeInterceptor added to an app that has a global interceptor', 'incident+interceptor+noop', 'incident+noop-interceptor'],
];

/**
 * The microservice run's differences (bench/rpc.callgrind.js): [what, set-up, its baseline].
 * @type {Array<[label: string, mode: string, base: string]>}
 */
const RPC_DIFFERENCES = [
  ["Nest's interceptor path: a no-op global interceptor, logging disabled", 'disabled+noop-interceptor', 'disabled'],
  ['this module, messages in the global scope', 'incident', 'disabled'],
  ['IncidentScopeInterceptor: a scope per message', 'incident+interceptor', 'incident'],
  ['this module with IncidentScopeInterceptor, all in', 'incident+interceptor', 'disabled'],
  ['a no-op global interceptor, in an app with this module', 'incident+noop-interceptor', 'incident'],
  ['IncidentScopeInterceptor added to an app that has a global interceptor', 'incident+interceptor+noop', 'incident+noop-interceptor'],
];
/** The microservice run's ratios: [what, numerator set-up, denominator set-up]. @type {Array<[label: string, mode: string, base: string]>} */
const RPC_RATIOS = [
  ['ConsoleLogger printing debug / this module with IncidentScopeInterceptor', 'console', 'incident+interceptor'],
  ['ConsoleLogger printing debug / this module without it', 'console', 'incident'],
  ['ConsoleLogger, debug filtered out / this module with IncidentScopeInterceptor', 'console-nodebug', 'incident+interceptor'],
];

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

/**
 * Instructions per request by node, mode and route, and against `disabled` of the same node and route.
 * @param {CallgrindRun[]} runs
 * @param {(run: CallgrindRun) => number} figure  the mean of the windows (the saved figure), or their median
 * @param {string} [unit]  what one count is of: req (HTTP), msg (microservice)
 */
function renderRuns(runs, figure, unit = 'req') {
  const get = (/** @type {string} */ node, /** @type {string} */ mode, /** @type {string} */ route) => {
    const run = runs.find((r) => r.node === node && r.mode === mode && r.route === route);
    return run && figure(run);
  };
  const nodes = [...new Set(runs.map((r) => r.node))];
  const routes = [...new Set(runs.map((r) => r.route))];
  const modes = [...new Set(runs.map((r) => r.mode))];
  const columns = nodes.flatMap((node) => routes.map((route) => ({ node, route })));
  return table(
    ['set-up', ...columns.map(({ node, route }) => `${node} ${route}: instructions/${unit} (vs disabled)`)],
    modes.map((mode) => [
      mode,
      ...columns.map(({ node, route }) => {
        const value = get(node, mode, route);
        const floor = get(node, 'disabled', route);
        if (value === undefined) return '';
        return mode === 'disabled' || floor === undefined ? fmt(value, 0) : `${fmt(value, 0)} (${pct(value / floor - 1)})`;
      }),
    ]),
  );
}

/**
 * What one set-up adds to its baseline (same node and route), in instructions per request and in % of the baseline.
 * @param {CallgrindRun[]} runs
 * @param {Array<[label: string, mode: string, base: string]>} differences
 * @param {(run: CallgrindRun) => number} figure
 * @param {string} [unit]
 */
function renderDifferences(runs, differences, figure, unit = 'req') {
  const get = (/** @type {string} */ node, /** @type {string} */ mode, /** @type {string} */ route) => {
    const run = runs.find((r) => r.node === node && r.mode === mode && r.route === route);
    return run ? figure(run) : NaN;
  };
  const nodes = [...new Set(runs.map((r) => r.node))];
  const routes = [...new Set(runs.map((r) => r.route))];
  const columns = nodes.flatMap((node) => routes.map((route) => ({ node, route })));
  const rows = differences
    .filter(([, mode, base]) => runs.some((r) => r.mode === mode) && runs.some((r) => r.mode === base))
    .map(([label, mode, base]) => [
      `${label} (\`${mode}\` - \`${base}\`)`,
      ...columns.map(({ node, route }) => {
        const value = get(node, mode, route);
        const floor = get(node, base, route);
        if (!Number.isFinite(value) || !Number.isFinite(floor)) return '';
        return `${value >= floor ? '+' : ''}${fmt(value - floor, 0)} (${pct(value / floor - 1)})`;
      }),
    ]);
  if (rows.length === 0) return '';
  return table(['what it adds', ...columns.map(({ node, route }) => `${node} ${route}: instructions/${unit} (vs its baseline)`)], rows);
}

/**
 * numerator / denominator per node and route (same node and route), e.g. ConsoleLogger's instructions / ours.
 * @param {CallgrindRun[]} runs
 * @param {Array<[label: string, mode: string, base: string]>} ratios
 * @param {(run: CallgrindRun) => number} figure
 * @param {string} [unit]
 */
function renderRatios(runs, ratios, figure, unit = 'req') {
  const get = (/** @type {string} */ node, /** @type {string} */ mode, /** @type {string} */ route) => {
    const run = runs.find((r) => r.node === node && r.mode === mode && r.route === route);
    return run ? figure(run) : NaN;
  };
  const nodes = [...new Set(runs.map((r) => r.node))];
  const routes = [...new Set(runs.map((r) => r.route))];
  const columns = nodes.flatMap((node) => routes.map((route) => ({ node, route })));
  const rows = ratios
    .filter(([, mode, base]) => runs.some((r) => r.mode === mode) && runs.some((r) => r.mode === base))
    .map(([label, mode, base]) => [label, ...columns.map(({ node, route }) => ratio(get(node, mode, route) / get(node, base, route)))]);
  return rows.length ? table([`ratio of instructions per ${unit}`, ...columns.map(({ node, route }) => `${node} ${route}`)], rows) : '';
}

/**
 * The tables of a count (the runners print them; the performance page shows the first four): instructions
 * without compilations; what each set-up adds to its baseline, with the collections and without them; the
 * ratios; where the rest went; and everything, as the default HTTP table counts it.
 * @param {CallgrindRun[]} runs
 * @param {{ differences: Array<[label: string, mode: string, base: string]>, ratios?: Array<[label: string, mode: string, base: string]>, unit: string, page?: boolean }} options
 *   unit: `req` or `msg`; page: the performance page's subset
 */
function renderCounts(runs, { differences, ratios = [], unit, page = false }) {
  const noun = unit === 'req' ? 'request' : 'message';
  const breakdown = table(
    ['set-up', ...columnsOf(runs).map(({ node, route }) => `${node} ${route}: compilation / collections per ${unit}`)],
    [...new Set(runs.map((r) => r.mode))].map((mode) => [
      mode,
      ...columnsOf(runs).map(({ node, route }) => {
        const run = runs.find((r) => r.node === node && r.mode === mode && r.route === route);
        return run ? `${fmt(FIGURES.compile(run), 0)} / ${fmt(FIGURES.gc(run), 0)}` : '';
      }),
    ]),
  );
  // Counts saved before the breakdown existed: everything counted, and nothing else to show.
  if (!runs.some((r) => r.compile && r.gc)) {
    return [
      `Instructions per ${noun} (mean of the windows, compilations and collections included: counted before they were told apart):`,
      renderRuns(runs, FIGURES.all, unit),
      renderDifferences(runs, differences, FIGURES.all, unit),
      renderRatios(runs, ratios, FIGURES.all, noun),
    ]
      .filter(Boolean)
      .join('\n\n');
  }
  /** @type {Array<[heading: string, body: string]>} */
  const sections = [
    [
      `Instructions per ${noun}, V8's compilations left out (collections kept, averaged over the windows):`,
      renderRuns(runs, FIGURES.noJit, unit),
    ],
    [
      `What each set-up adds to its baseline, ${noun} for ${noun} (compilations left out):`,
      renderDifferences(runs, differences, FIGURES.noJit, unit),
    ],
    [
      'The same, collections left out too (the code path alone; a set-up that allocates more also pays more scavenges, ' +
        'which the table above keeps; on Node 20 the windows then agree within ~1%, on Node 24 a window with more ' +
        'scavenges counts fewer instructions outside them, so this split is not clean there):',
      renderDifferences(runs, differences, FIGURES.steady, unit),
    ],
    ['', renderRatios(runs, ratios, FIGURES.noJit, noun)],
  ];
  if (!page) {
    sections.push(
      [`Left out above, per ${unit} (mean of the windows): V8's compilations / garbage collection (scavenges):`, breakdown],
      ['Everything counted (mean of the windows, compilations in):', renderRuns(runs, FIGURES.all, unit)],
    );
  }
  return sections
    .filter(([, body]) => body)
    .map(([heading, body]) => (heading ? `${heading}\n\n${body}` : body))
    .join('\n\n');
}

/** Node x route columns of some runs. @param {CallgrindRun[]} runs */
function columnsOf(runs) {
  const nodes = [...new Set(runs.map((r) => r.node))];
  const routes = [...new Set(runs.map((r) => r.route))];
  return nodes.flatMap((node) => routes.map((route) => ({ node, route })));
}

module.exports = {
  FIGURES,
  renderCounts,
  INTERCEPTOR_DIFFERENCES,
  RPC_DIFFERENCES,
  RPC_RATIOS,
  previousRuns,
  renderDifferences,
  renderRatios,
  renderRuns,
};
