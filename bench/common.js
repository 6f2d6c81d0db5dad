// @ts-check
'use strict';
// Shared helpers of the benchmark: statistics, markdown tables, child processes,
// results files, the environment and the build check. Plain CommonJS, no
// compilation; type-checked with `tsc -p bench/tsconfig.json`.
const { fork, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { libraryEntry } = require('./library');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const RESULTS_DIR = path.join(__dirname, 'results');

/**
 * Median, quartiles (p25/p75: the spread without the outliers), min and max, and how many values.
 * The quartiles are optional: results files saved before they existed lack them.
 * @typedef {{ median: number, min: number, max: number, n: number, p25?: number, p75?: number }} Summary
 */

/**
 * One goal of a part: what was measured against what was aimed for.
 * `met` is undefined for informational rows (no verdict).
 * @typedef {{ part: string, target: string, measured: string, goal: string, met: boolean | undefined }} Target
 */

/**
 * What a part prints (stdout) and what the performance page shows of it.
 * @typedef {object} PartReport
 * @property {string} part
 * @property {string} title  heading of the part in the smoke / stdout output
 * @property {string} heading  short heading on the performance page
 * @property {string} method  how it is measured (markdown, for the performance page)
 * @property {string} caption  what the results table shows (markdown, one paragraph)
 * @property {string} resultTable
 * @property {Target[]} targets
 * @property {string[]} [notes]  computed remarks for the performance page (markdown)
 */

/**
 * The environment a run was measured in (saved with every results file).
 * @typedef {object} Environment
 * @property {string} node
 * @property {string} v8
 * @property {string} platform
 * @property {number} cpus
 * @property {string} cpuModel
 * @property {number} totalMemMB
 * @property {Record<string, string>} versions  peers and tools, from node_modules
 * @property {{ name: string, version: string, commit: string, entry: string }} library
 * @property {number} [loadAvg1]  1-minute load average when the file was saved (how busy the machine was)
 */

/**
 * Common fields of every results file under bench/results/.
 * @typedef {{ part: string, date: string, environment: Environment, smoke: boolean, seconds: number }} SavedBase
 */

/** Everything the table prints goes to stdout; progress and child stderr go to stderr. */
function progress(/** @type {unknown[]} */ ...parts) {
  process.stderr.write(`[bench] ${parts.join(' ')}\n`);
}

/** @param {number[]} values */
function median(values) {
  return quantile(values, 0.5);
}

/**
 * The q-quantile (0..1) with linear interpolation between the closest ranks.
 * @param {number[]} values
 * @param {number} q
 */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  return low + 1 < sorted.length ? sorted[low] + (sorted[low + 1] - sorted[low]) * (at - low) : sorted[low];
}

/**
 * Median, quartiles, min and max of the finite values (a failed diagnostic run is NaN and left out).
 * @param {number[]} values
 * @returns {Summary}
 */
function summarize(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0, p25: NaN, p75: NaN };
  return {
    median: median(finite),
    min: Math.min(...finite),
    max: Math.max(...finite),
    n: finite.length,
    p25: quantile(finite, 0.25),
    p75: quantile(finite, 0.75),
  };
}

/**
 * A number for a table: 3 significant-ish digits unless `digits` is given; n/a for NaN or missing.
 * JSON turns NaN into null, so null (a failed run read back from a results file) is n/a too.
 * @param {number | null | undefined} value
 * @param {number} [digits]
 */
function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

/** @param {number | null | undefined} value */
function ratio(value, digits = 2) {
  if (value === undefined || value === null || !Number.isFinite(value)) return 'n/a';
  return `${fmt(value, value >= 100 ? 0 : value >= 10 ? 1 : digits)}x`;
}

/** @param {number | null | undefined} value */
function pct(value) {
  if (value === undefined || value === null || !Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${fmt(value * 100, 1)}%`;
}

/**
 * A GitHub-flavoured markdown table.
 * @param {string[]} headers
 * @param {Array<Array<string | number>>} rows
 */
function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  /** @param {string[]} row */
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Header of the targets table; every part prints rows of it (the smoke test looks for them). */
const TARGET_HEADERS = ['part', 'target', 'measured', 'goal', 'result'];

/** @param {boolean | undefined} met */
function verdict(met) {
  return met === undefined ? 'n/a' : met ? 'met' : 'MISSED';
}

/**
 * @param {string} part
 * @param {string} target
 * @param {string} measured
 * @param {string} goal
 * @param {boolean | undefined} met  undefined: informational row
 * @returns {Target}
 */
function targetRow(part, target, measured, goal, met) {
  return { part, target, measured, goal, met };
}

/** @param {Target[]} targets */
function targetTable(targets) {
  return table(
    TARGET_HEADERS,
    targets.map((t) => [t.part, t.target, t.measured, t.goal, verdict(t.met)]),
  );
}

/** @type {number | undefined} */
let devNullFd;
function devNull() {
  if (devNullFd === undefined) devNullFd = fs.openSync('/dev/null', 'w');
  return devNullFd;
}

/**
 * Runs a script in a child process with stdout on /dev/null (so a peer logging
 * to stdout cannot pollute the table) and returns what it sent over IPC.
 * The child must send { type: 'result', data } (see sendResult) and exit 0.
 * @template T  what the child sends
 * @param {string} script
 * @param {Array<string | number>} [args]
 * @param {{ execArgv?: string[], timeoutMs?: number, env?: Record<string, string> }} [options]
 * @returns {Promise<T>}
 */
function runChild(script, args = [], { execArgv = [], timeoutMs = 120_000, env = {} } = {}) {
  // Nest's ConsoleLogger colours its output unless NO_COLOR is set: keep its default.
  const childEnv = { ...process.env, ...env };
  if (!('NO_COLOR' in env)) delete childEnv.NO_COLOR;
  return new Promise((resolve, reject) => {
    const child = fork(script, args.map(String), {
      cwd: ROOT,
      execArgv,
      env: childEnv,
      stdio: ['ignore', devNull(), 'pipe', 'ipc'],
    });
    let stderr = '';
    /** @type {T[]} */
    const results = [];
    child.stderr?.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('message', (/** @type {any} */ message) => {
      if (message && message.type === 'result') results.push(message.data);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${path.basename(script)} ${args.join(' ')} timed out after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0 && results.length === 1) return resolve(results[0]);
      reject(
        new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code ?? signal} after ${results.length} results\n${stderr}`),
      );
    });
  });
}

/**
 * Sends the result from a child (forked by runChild) and lets it exit.
 * @param {unknown} data
 * @returns {Promise<void>}
 */
function sendResult(data) {
  return new Promise((resolve, reject) => {
    if (!process.send) return reject(new Error('not forked with an IPC channel: run it through bench/run.js'));
    process.send({ type: 'result', data }, (/** @type {Error | null} */ error) => (error ? reject(error) : resolve()));
  });
}

/**
 * Runs the main of a child script; any failure becomes exit code 1 with the stack on stderr.
 * @param {() => Promise<void>} main
 */
function childMain(main) {
  main()
    .then(() => process.exit(0))
    .catch((error) => {
      process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    });
}

/**
 * Runs `fn` over `items`, at most `limit` at a time, results in order. Measurements run one at a
 * time (limit 1); smoke runs, whose numbers mean nothing, use both cores to stay fast.
 * @template T, R
 * @param {T[]} items
 * @param {number} limit
 * @param {(item: T, index: number) => Promise<R>} fn
 * @returns {Promise<R[]>}
 */
async function mapLimit(items, limit, fn) {
  /** @type {R[]} */
  const results = new Array(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Polls `done` every millisecond (gentle on an event loop being measured) until it is true. */
function until(/** @type {() => boolean} */ done) {
  return new Promise((resolve) => {
    const check = () => (done() ? resolve(undefined) : setTimeout(check, 1));
    check();
  });
}

/** Polls `done` on every turn of the event loop (setImmediate) until it is true. */
function untilImmediate(/** @type {() => boolean} */ done) {
  return new Promise((resolve) => {
    const check = () => (done() ? resolve(undefined) : setImmediate(check));
    check();
  });
}

/**
 * True once a pino destination (sonic-boom) has handed everything it was given
 * to the kernel. Sonic-boom has no public "written" signal short of
 * flush(cb), which also fsyncs: this reads its two bookkeeping fields, in
 * this one place.
 * @param {import('pino').DestinationStream} dest  what pino.destination() returns
 */
function pinoIdle(dest) {
  const state = /** @type {{ _writing?: boolean, _len?: number }} */ (/** @type {unknown} */ (dest));
  if (typeof state._len !== 'number') throw new Error('sonic-boom changed: pinoIdle() needs another signal');
  return !state._writing && state._len === 0;
}

/** @param {string} dir */
function newestMtime(dir) {
  let newest = 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(full));
    else if (entry.name.endsWith('.ts')) newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/**
 * Runs `fn` holding bench/results/.build.lock (a directory: creating it is atomic), so that two bench
 * commands started together (the bench lane's smoke specs) never build dist/ at the same time: `npm run
 * build` empties dist/ first, and the other one would load half a build. Waits for a holder; a lock older
 * than 10 minutes is a crashed holder's and is taken over.
 * @template T
 * @param {() => T} fn
 * @returns {T}
 */
function withBuildLock(fn) {
  const lock = path.join(RESULTS_DIR, '.build.lock');
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (let waited = false; ;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 10 * 60_000) fs.rmSync(lock, { recursive: true, force: true });
      else {
        if (!waited) progress('another bench command is building dist/: waiting for it');
        waited = true;
        Atomics.wait(pause, 0, 0, 200); // a synchronous sleep: the callers are synchronous
      }
    }
  }
  try {
    return fn();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/**
 * Builds dist/ (npm run build) when it is missing or older than lib/, so that
 * `npm run bench` works from a fresh clone. The benchmark always measures the
 * built package (BENCH_DIST=<dir> measures another build and skips this).
 * One build at a time (withBuildLock); a command that waited finds it built.
 */
function ensureBuilt({ force = false } = {}) {
  if (process.env.BENCH_DIST) return false;
  const entry = path.join(DIST, 'index.js');
  const stale = () => !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newestMtime(path.join(ROOT, 'lib'));
  if (!force && !stale()) return false;
  return withBuildLock(() => {
    if (!force && !stale()) return false;
    progress(`building dist/ (${force ? 'forced' : fs.existsSync(entry) ? 'older than lib/' : 'missing'}): npm run build`);
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
    if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
    return true;
  });
}

/** @returns {Environment} */
function environment() {
  const cpus = os.cpus();
  const pkg = readJson(path.join(ROOT, 'package.json'));
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()}`,
    cpus: cpus.length,
    cpuModel: cpus[0] ? cpus[0].model.trim() : 'unknown',
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    versions: versionsOf(['@nestjs/core', '@nestjs/platform-express', 'pino', 'nestjs-pino', 'pino-http', 'winston', 'autocannon']),
    library: {
      name: String(pkg.name),
      version: String(pkg.version),
      commit: gitCommit(),
      entry: path.relative(ROOT, libraryEntry()) || '.',
    },
    loadAvg1: Math.round(os.loadavg()[0] * 100) / 100,
  };
}

/** The commit measured, with "+changes" when the working tree differs from it. */
function gitCommit() {
  const run = (/** @type {string[]} */ args) => spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  const head = run(['rev-parse', '--short', 'HEAD']);
  if (head.status !== 0) return 'unknown';
  const dirty = run(['status', '--porcelain', '--', 'lib', 'package.json']);
  return `${head.stdout.trim()}${dirty.stdout.trim() ? '+changes' : ''}`;
}

/** @param {string[]} names */
function versionsOf(names) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const name of names) {
    try {
      out[name] = String(readJson(path.join(ROOT, 'node_modules', name, 'package.json')).version);
    } catch {
      out[name] = 'missing';
    }
  }
  return out;
}

/**
 * @param {string} file
 * @returns {any}
 */
function readJson(file) {
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Saves bench/results/<part>-<timestamp>.json and bench/results/<part>-latest.json
 * (smoke runs: <part>-smoke-..., so they never replace a real run's "latest").
 * Returns the path of the timestamped file, relative to the repository.
 * @param {string} part
 * @param {{ smoke: boolean, seconds: number } & Record<string, unknown>} data
 */
function saveResults(part, data) {
  fs.mkdirSync(RESULTS_DIR, { recursive: true });
  const body = JSON.stringify({ part, date: new Date().toISOString(), environment: environment(), ...data }, null, 2);
  const name = data.smoke ? `${part}-smoke` : part;
  const file = path.join(RESULTS_DIR, `${name}-${stamp()}.json`);
  fs.writeFileSync(file, `${body}\n`);
  fs.writeFileSync(path.join(RESULTS_DIR, `${name}-latest.json`), `${body}\n`);
  return path.relative(ROOT, file);
}

/**
 * Reads a results file saved by saveResults (path relative to the repository, or absolute).
 * @param {string} file
 * @returns {any}
 */
function loadResults(file) {
  return readJson(path.resolve(ROOT, file));
}

module.exports = {
  ROOT,
  DIST,
  RESULTS_DIR,
  TARGET_HEADERS,
  childMain,
  devNull,
  ensureBuilt,
  environment,
  fmt,
  loadResults,
  mapLimit,
  median,
  pct,
  pinoIdle,
  progress,
  ratio,
  readJson,
  runChild,
  saveResults,
  sendResult,
  stamp,
  summarize,
  table,
  targetRow,
  targetTable,
  until,
  untilImmediate,
  verdict,
};
