// @ts-check
'use strict';
// Part 3, HTTP: autocannon (in this process) against a Nest app (child process)
// on 127.0.0.1, the four logging set-ups interleaved (A B C D, A B C D, ...),
// a fresh server per run; requests/s and server CPU per request.
const { fork } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, devNull, fmt, pct, progress, ratio, saveResults, summarize, table, targetRow } = require('./common');

/** @typedef {import('./common').PartReport} PartReport */
/** @typedef {import('./http.server').ServerMessage} ServerMessage */
/** @typedef {{ repetitions: number, seconds: number, warmupSeconds: number, connections: number }} HttpConfig */
/**
 * One run of one set-up (NaN figures and `failed` for a diagnostic that failed).
 * @typedef {{
 *   mode: string, failed?: boolean, requestsPerSecond: number, cpuUsPerRequest: number, latencyP99Ms: number,
 *   autocannonRequestsPerSecond?: number, requests?: number, userUs?: number, systemUs?: number, wallMs?: number, latencyP50Ms?: number,
 * }} HttpRun
 */
/** @typedef {'requestsPerSecond' | 'cpuUsPerRequest' | 'latencyP99Ms'} HttpMetric */
/**
 * @typedef {import('./common').SavedBase & {
 *   config: HttpConfig,
 *   modes: Array<{ mode: string, label: string, diagnostic: boolean }>,
 *   repetitions: Array<Record<string, HttpRun>>,
 * }} HttpSaved
 */

const SERVER = path.join(__dirname, 'http.server.js');
/** @type {Array<[id: string, label: string, serverMode: string, path: string, diagnostic?: boolean]>} Run in this order in every repetition. */
const MODES = [
  ['incident', 'this module (debug buffered)', 'incident', '/orders/42'],
  ['disabled', 'logging disabled (`logger: false`)', 'disabled', '/orders/42'],
  ['console', 'ConsoleLogger at debug -> /dev/null', 'console', '/orders/42'],
  ['pino', 'nestjs-pino at debug -> /dev/null', 'pino', '/orders/42'],
  ['incident-noredact', '(diagnostic) this module, `redact: false`', 'incident-noredact', '/orders/42', true],
  ['incident-quiet', '(diagnostic) this module, same route logging nothing', 'incident', '/orders/quiet/42', true],
  ['als-only', '(diagnostic) no logger, one AsyncLocalStorage.run() middleware', 'als', '/orders/42', true],
];
/** @type {{ full: HttpConfig, smoke: HttpConfig }} */
const CONFIG = {
  full: { repetitions: 3, seconds: 5, warmupSeconds: 1, connections: 10 },
  smoke: { repetitions: 1, seconds: 1, warmupSeconds: 0.3, connections: 4 },
};

/** A fresh server process for one run. @param {string} mode */
function startServer(mode) {
  const env = { ...process.env };
  delete env.NO_COLOR; // ConsoleLogger's default output (coloured)
  const child = fork(SERVER, [mode], { cwd: ROOT, env, stdio: ['ignore', devNull(), 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  /**
   * The next message of this type from the server.
   * @template {ServerMessage['type']} K
   * @param {K} type
   * @returns {Promise<Extract<ServerMessage, { type: K }>>}
   */
  const next = (type, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => cleanup(new Error(`server (${mode}) sent no "${type}" within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      const onMessage = (/** @type {ServerMessage} */ message) => message && message.type === type && cleanup(undefined, message);
      const onExit = (/** @type {unknown} */ code) => cleanup(new Error(`server (${mode}) exited with ${code}\n${stderr}`));
      /** @param {Error | undefined} error @param {ServerMessage} [message] */
      function cleanup(error, message) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        error ? reject(error) : resolve(/** @type {Extract<ServerMessage, { type: K }>} */ (message));
      }
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  return {
    ready: next('ready'),
    /**
     * Server CPU time and requests served while `fn` runs.
     * @template T
     * @param {() => Promise<T>} fn
     */
    async cpu(fn) {
      const started = next('cpu-started');
      child.send({ cmd: 'cpu-start' });
      await started;
      const result = await fn();
      const stopped = next('cpu');
      child.send({ cmd: 'cpu-stop' });
      return { result, cpu: await stopped };
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.send({ cmd: 'exit' });
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * @param {number} port
 * @param {string} urlPath
 * @param {number} seconds
 * @param {number} connections
 * @returns {Promise<import('autocannon').Result>}
 */
function load(port, urlPath, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon({ url: `http://127.0.0.1:${port}${urlPath}`, connections, duration: seconds, pipelining: 1 }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/**
 * @param {[id: string, label: string, serverMode: string, path: string, diagnostic?: boolean]} entry
 * @param {HttpConfig} config
 * @returns {Promise<HttpRun>}
 */
async function measureOnce([mode, , serverMode, urlPath], config) {
  const server = startServer(serverMode);
  try {
    const { port } = await server.ready;
    await load(port, urlPath, config.warmupSeconds, config.connections); // JIT warm-up, untimed
    const { result, cpu } = await server.cpu(() => load(port, urlPath, config.seconds, config.connections));
    const failures = result.errors + result.timeouts + result.non2xx;
    if (failures > 0)
      throw new Error(
        `${mode}: ${failures} failed requests (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`,
      );
    return {
      mode,
      requestsPerSecond: result.requests.total / (cpu.wallMs / 1000),
      autocannonRequestsPerSecond: result.requests.average,
      requests: cpu.requests,
      cpuUsPerRequest: (cpu.userUs + cpu.systemUs) / cpu.requests,
      userUs: cpu.userUs,
      systemUs: cpu.systemUs,
      wallMs: cpu.wallMs,
      latencyP50Ms: result.latency.p50,
      latencyP99Ms: result.latency.p99,
    };
  } finally {
    await server.stop();
  }
}

/** @returns {Promise<string>} the results file */
async function runHttp({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  /** @type {Array<Record<string, HttpRun>>} */
  const repetitions = [];
  for (let r = 0; r < config.repetitions; r++) {
    /** @type {Record<string, HttpRun>} */
    const rep = {};
    for (const entry of MODES) {
      progress(`http: repetition ${r + 1}/${config.repetitions} ${entry[0]} (${config.seconds} s)`);
      try {
        rep[entry[0]] = await measureOnce(entry, config);
      } catch (error) {
        if (!entry[4]) throw error;
        progress(
          `http: diagnostic ${entry[0]} failed, reported as n/a: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`,
        );
        rep[entry[0]] = { mode: entry[0], failed: true, requestsPerSecond: NaN, cpuUsPerRequest: NaN, latencyP99Ms: NaN };
      }
    }
    repetitions.push(rep);
  }
  const modes = MODES.map(([mode, label, , , diagnostic = false]) => ({ mode, label, diagnostic }));
  const data = { smoke, config, seconds: (Date.now() - started) / 1000, modes, repetitions };
  return saveResults('http', { ...data, summary: httpSummary(data) });
}

/**
 * Medians over the repetitions; ratios are paired (same repetition), so a
 * slower moment of the machine weighs on both sides.
 * @param {{ repetitions: Array<Record<string, HttpRun>> }} saved
 */
function httpStats({ repetitions }) {
  // JSON turns NaN (a failed diagnostic) into null: back to NaN, which summarize() leaves out.
  const num = (/** @type {number | null | undefined} */ v) => (typeof v === 'number' ? v : NaN);
  return {
    /** @param {string} mode @param {HttpMetric} key */
    stat: (mode, key) => summarize(repetitions.map((rep) => num(rep[mode]?.[key]))),
    /** @param {string} mode @param {HttpMetric} key */
    paired: (mode, key, base = 'disabled') => summarize(repetitions.map((rep) => num(rep[mode]?.[key]) / num(rep[base]?.[key]))),
  };
}

/** @param {{ modes: HttpSaved['modes'], repetitions: Array<Record<string, HttpRun>> }} saved */
function httpSummary(saved) {
  const { stat, paired } = httpStats(saved);
  return Object.fromEntries(
    saved.modes.map(({ mode }) => [
      mode,
      {
        requestsPerSecond: stat(mode, 'requestsPerSecond'),
        cpuUsPerRequest: stat(mode, 'cpuUsPerRequest'),
        cpuVsDisabled: paired(mode, 'cpuUsPerRequest'),
      },
    ]),
  );
}

/**
 * @param {HttpSaved} saved
 * @returns {PartReport}
 */
function renderHttp(saved) {
  const { config } = saved;
  const { stat, paired } = httpStats(saved);
  const rows = saved.modes.map(({ mode, label }) => {
    const rps = stat(mode, 'requestsPerSecond');
    const cpu = stat(mode, 'cpuUsPerRequest');
    const vsOff = paired(mode, 'cpuUsPerRequest');
    return [
      label,
      fmt(rps.median, 0),
      `${fmt(rps.min, 0)}-${fmt(rps.max, 0)}`,
      fmt(cpu.median, 1),
      `${fmt(cpu.min, 1)}-${fmt(cpu.max, 1)}`,
      mode === 'disabled' ? '' : `${pct(vsOff.median - 1)} (${pct(vsOff.min - 1)} .. ${pct(vsOff.max - 1)})`,
      fmt(stat(mode, 'latencyP99Ms').median, 0),
    ];
  });
  const resultTable = table(
    [
      'route logging 5 debug lines',
      'req/s median',
      'min-max',
      'server CPU us/req median',
      'min-max',
      'CPU/req vs disabled (paired: median (min .. max))',
      'p99 ms',
    ],
    rows,
  );

  const overhead = paired('incident', 'cpuUsPerRequest');
  const consoleVsOurs = paired('console', 'cpuUsPerRequest', 'incident');
  const pinoVsOurs = paired('pino', 'cpuUsPerRequest', 'incident');
  const noRedact = paired('incident-noredact', 'cpuUsPerRequest');
  const quiet = paired('incident-quiet', 'cpuUsPerRequest');
  const als = paired('als-only', 'cpuUsPerRequest');
  const targets = [
    targetRow(
      'http',
      'server CPU per request vs logging disabled',
      `${pct(overhead.median - 1)} (paired, ${pct(overhead.min - 1)} .. ${pct(overhead.max - 1)})`,
      '<= +5%',
      overhead.median - 1 <= 0.05,
    ),
    targetRow(
      'http',
      'better than ConsoleLogger at debug (CPU/req, paired)',
      `ConsoleLogger uses ${ratio(consoleVsOurs.median)} (${ratio(consoleVsOurs.min)} .. ${ratio(consoleVsOurs.max)})`,
      '> 1x in every repetition',
      consoleVsOurs.min > 1.02,
    ),
    targetRow(
      'http',
      '(info) nestjs-pino at debug vs this module (CPU/req, paired)',
      `nestjs-pino uses ${ratio(pinoVsOurs.median)} (${ratio(pinoVsOurs.min)} .. ${ratio(pinoVsOurs.max)})`,
      '',
      undefined,
    ),
    targetRow(
      'http',
      '(info) where the overhead is: module with `redact: false` / scope alone (no logging) / AsyncLocalStorage alone',
      `${pct(noRedact.median - 1)} / ${pct(quiet.median - 1)} / ${pct(als.median - 1)} vs disabled`,
      '',
      undefined,
    ),
  ];
  return {
    part: 'http',
    title: `HTTP: Nest + Express, GET /orders/:id logging 5 debug lines; autocannon ${config.connections} connections on 127.0.0.1, ${config.seconds} s per run after ${config.warmupSeconds} s warm-up, ${config.repetitions} interleaved repetitions, fresh server process per run`,
    heading: 'HTTP',
    method:
      "A Nest + Express app whose `GET /orders/:id` logs 5 debug lines through `new Logger('OrdersController')`, as a " +
      `controller does (ids interpolated into the messages); autocannon (${config.connections} connections, ` +
      `${config.warmupSeconds} s of warm-up, then ${config.seconds} s) in the parent on 127.0.0.1, the server in a fresh child ` +
      'process per run, its stdout on `/dev/null`; server CPU per request from `process.cpuUsage()` inside the server, ' +
      `reported over IPC. The set-ups run interleaved (A B C D ..., ${config.repetitions} times) and ratios against ` +
      '"disabled" are paired per repetition. nestjs-pino runs with `autoLogging: false` so that every set-up writes the ' +
      'same 5 lines. Diagnostic rows split the overhead: redaction off, the request scope alone (a route logging nothing), ' +
      'and a bare `AsyncLocalStorage.run()` middleware with no logger.',
    caption:
      'Requests/s and server CPU per request; the paired ratio to "logging disabled" is the figure to read, run-to-run ' +
      'resolution is about ±5 %.',
    resultTable,
    targets,
  };
}

module.exports = { runHttp, renderHttp, measureOnce };
