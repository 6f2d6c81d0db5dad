'use strict';
// Part 3, HTTP: autocannon (in this process) against a Nest app (child process)
// on 127.0.0.1, the four logging set-ups interleaved (A B C D, A B C D, ...),
// a fresh server per run; requests/s and server CPU per request.
const { fork } = require('node:child_process');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, TARGET_HEADERS, devNull, fmt, pct, progress, ratio, saveResults, summarize, table, targetRow } = require('./common');

const SERVER = path.join(__dirname, 'http.server.js');
/** [id, label, server mode, path]; run in this order in every repetition. */
const MODES = [
  ['incident', 'this module (debug buffered)', 'incident', '/orders/42'],
  ['disabled', 'logging disabled (`logger: false`)', 'disabled', '/orders/42'],
  ['console', 'ConsoleLogger at debug -> /dev/null', 'console', '/orders/42'],
  ['pino', 'nestjs-pino at debug -> /dev/null', 'pino', '/orders/42'],
  ['incident-noredact', '(diagnostic) this module, `redact: false`', 'incident-noredact', '/orders/42', true],
  ['incident-quiet', '(diagnostic) this module, same route logging nothing', 'incident', '/orders/quiet/42', true],
  ['als-only', '(diagnostic) no logger, one AsyncLocalStorage.run() middleware', 'als', '/orders/42', true],
];
const CONFIG = {
  full: { repetitions: 3, seconds: 5, warmupSeconds: 1, connections: 10 },
  smoke: { repetitions: 1, seconds: 1, warmupSeconds: 0.3, connections: 4 },
};

function startServer(mode) {
  const env = { ...process.env };
  delete env.NO_COLOR; // ConsoleLogger's default output (coloured)
  const child = fork(SERVER, [mode], { cwd: ROOT, env, stdio: ['ignore', devNull(), 'pipe', 'ipc'] });
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-8000);
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const next = (type, timeoutMs = 30_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => cleanup(new Error(`server (${mode}) sent no "${type}" within ${timeoutMs} ms\n${stderr}`)), timeoutMs);
      const onMessage = (message) => message && message.type === type && cleanup(undefined, message);
      const onExit = (code) => cleanup(new Error(`server (${mode}) exited with ${code}\n${stderr}`));
      function cleanup(error, message) {
        clearTimeout(timer);
        child.off('message', onMessage);
        child.off('exit', onExit);
        error ? reject(error) : resolve(message);
      }
      child.on('message', onMessage);
      child.on('exit', onExit);
    });
  return {
    ready: next('ready'),
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

function load(port, urlPath, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      { url: `http://127.0.0.1:${port}${urlPath}`, connections, duration: seconds, pipelining: 1 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

async function measureOnce([mode, , serverMode, urlPath], config) {
  const server = startServer(serverMode);
  try {
    const { port } = await server.ready;
    await load(port, urlPath, config.warmupSeconds, config.connections); // JIT warm-up, untimed
    const { result, cpu } = await server.cpu(() => load(port, urlPath, config.seconds, config.connections));
    const failures = result.errors + result.timeouts + result.non2xx;
    if (failures > 0) throw new Error(`${mode}: ${failures} failed requests (errors ${result.errors}, timeouts ${result.timeouts}, non-2xx ${result.non2xx})`);
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

async function runHttp({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  const reps = [];
  for (let r = 0; r < config.repetitions; r++) {
    const rep = {};
    for (const entry of MODES) {
      progress(`http: repetition ${r + 1}/${config.repetitions} ${entry[0]} (${config.seconds} s)`);
      try {
        rep[entry[0]] = await measureOnce(entry, config);
      } catch (error) {
        if (!entry[4]) throw error;
        progress(`http: diagnostic ${entry[0]} failed, reported as n/a: ${String(error.message).split('\n')[0]}`);
        rep[entry[0]] = { mode: entry[0], failed: true, requestsPerSecond: NaN, cpuUsPerRequest: NaN, latencyP99Ms: NaN };
      }
    }
    reps.push(rep);
  }
  const stat = (mode, key) => summarize(reps.map((rep) => rep[mode][key]));
  const paired = (mode, key, base = 'disabled') => summarize(reps.map((rep) => rep[mode][key] / rep[base][key]));

  const rows = MODES.map(([mode, label]) => {
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
    ['route logging 5 debug lines', 'req/s median', 'min-max', 'server CPU us/req median', 'min-max', 'CPU/req vs disabled (paired: median (min .. max))', 'p99 ms'],
    rows,
  );

  const overhead = paired('incident', 'cpuUsPerRequest');
  const consoleVsOurs = paired('console', 'cpuUsPerRequest', 'incident');
  const pinoVsOurs = paired('pino', 'cpuUsPerRequest', 'incident');
  const noRedact = paired('incident-noredact', 'cpuUsPerRequest');
  const quiet = paired('incident-quiet', 'cpuUsPerRequest');
  const als = paired('als-only', 'cpuUsPerRequest');
  const targets = [
    targetRow('http', 'server CPU per request vs logging disabled', `${pct(overhead.median - 1)} (paired, ${pct(overhead.min - 1)} .. ${pct(overhead.max - 1)})`, '<= +5%', overhead.median - 1 <= 0.05),
    targetRow('http', 'better than ConsoleLogger at debug (CPU/req, paired)', `ConsoleLogger uses ${ratio(consoleVsOurs.median)} (${ratio(consoleVsOurs.min)} .. ${ratio(consoleVsOurs.max)})`, '> 1x in every repetition', consoleVsOurs.min > 1.02),
    targetRow('http', '(info) nestjs-pino at debug vs this module (CPU/req, paired)', `nestjs-pino uses ${ratio(pinoVsOurs.median)}`, '', undefined),
    targetRow('http', '(info) where the overhead is: module with `redact: false` / scope alone (no logging) / AsyncLocalStorage alone', `${pct(noRedact.median - 1)} / ${pct(quiet.median - 1)} / ${pct(als.median - 1)} vs disabled`, '', undefined),
  ];
  const file = saveResults('http', {
    smoke,
    config,
    seconds: (Date.now() - started) / 1000,
    repetitions: reps,
    summary: Object.fromEntries(
      MODES.map(([mode]) => [mode, { requestsPerSecond: stat(mode, 'requestsPerSecond'), cpuUsPerRequest: stat(mode, 'cpuUsPerRequest'), cpuVsDisabled: paired(mode, 'cpuUsPerRequest') }]),
    ),
    targets: targets.map((row) => Object.fromEntries(TARGET_HEADERS.map((h, i) => [h, row[i]]))),
  });
  return {
    part: 'http',
    title: `HTTP: Nest + Express, GET /orders/:id logging 5 debug lines; autocannon ${config.connections} connections on 127.0.0.1, ${config.seconds} s per run after ${config.warmupSeconds} s warm-up, ${config.repetitions} interleaved repetitions, fresh server process per run`,
    resultTable,
    targets,
    file,
  };
}

module.exports = { runHttp, measureOnce };
