// @ts-check
'use strict';
// The HTTP benchmark's server process (bench/http.server.js) seen from the
// parent: start it on a given Node binary (optionally under a wrapper such as
// valgrind), talk to it over IPC, and load it with autocannon (timed runs) or
// with a fixed number of requests (instruction counts).
const { spawn } = require('node:child_process');
const http = require('node:http');
const path = require('node:path');
const autocannon = require('autocannon');
const { ROOT, devNull } = require('./common');

/** @typedef {import('./http.server').ServerMessage} ServerMessage */
/** @typedef {import('./http.routes').Route} Route */

const SERVER = path.join(__dirname, 'http.server.js');

/**
 * A fresh server process in the given mode.
 * @param {string} mode
 * @param {{ node?: string, nodeArgs?: string[], wrapper?: string[], readyTimeoutMs?: number, dist?: string, script?: string }} [options]
 *   node: the Node binary (default: this one) and its flags; wrapper: a command the server runs under (valgrind ...);
 *   dist: another build of the library (BENCH_DIST) for this server; script: another server speaking the same
 *   IPC (bench/rpc.server.js), default bench/http.server.js
 */
function startServer(mode, { node = process.execPath, nodeArgs = [], wrapper = [], readyTimeoutMs = 60_000, dist, script = SERVER } = {}) {
  const env = { ...process.env };
  if (dist !== undefined) env.BENCH_DIST = dist;
  delete env.NO_COLOR; // ConsoleLogger's default output (coloured)
  const argv = [...wrapper, node, ...nodeArgs, script, mode];
  const child = spawn(argv[0], argv.slice(1), { cwd: ROOT, env, stdio: ['ignore', devNull(), 'pipe', 'ipc'] });
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
    /** The process id (under a wrapper such as valgrind: the wrapped process, same pid). */
    pid: /** @type {number} */ (child.pid),
    ready: next('ready', readyTimeoutMs),
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
        const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
}

/**
 * autocannon against one route for a duration.
 * @param {number} port
 * @param {Route} route
 * @param {number} seconds
 * @param {number} connections
 * @returns {Promise<import('autocannon').Result>}
 */
function loadFor(port, route, seconds, connections) {
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}${route.path}`,
        method: route.method,
        headers: route.headers,
        body: route.body,
        connections,
        duration: seconds,
        pipelining: 1,
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

/**
 * Exactly `total` requests to one route over `connections` keep-alive
 * connections; rejects on any non-2xx answer.
 * @param {number} port
 * @param {Route} route
 * @param {number} total
 * @param {number} connections
 */
async function loadCount(port, route, total, connections) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  let sent = 0;
  const once = () =>
    new Promise((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: route.path, method: route.method, headers: route.headers, agent },
        (res) => {
          res.resume();
          res.on('end', () =>
            (res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300
              ? resolve(undefined)
              : reject(new Error(`${route.path}: ${res.statusCode}`)),
          );
        },
      );
      req.on('error', reject);
      req.end(route.body);
    });
  // A server under valgrind can be slow enough for its keep-alive timeout to close
  // a socket the agent is about to reuse: that request is sent again on a new one.
  const one = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await once();
      } catch (error) {
        const code = /** @type {{ code?: string }} */ (error).code;
        if (attempt >= 3 || (code !== 'ECONNRESET' && code !== 'EPIPE')) throw error;
      }
    }
  };
  const worker = async () => {
    while (sent < total) {
      sent++;
      await one();
    }
  };
  try {
    await Promise.all(Array.from({ length: connections }, worker));
  } finally {
    agent.destroy();
  }
}

module.exports = { loadCount, loadFor, startServer };
