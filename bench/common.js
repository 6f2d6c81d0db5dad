'use strict';
// Shared helpers of the benchmark: statistics, markdown tables, child processes,
// results files and the build check. Plain CommonJS, no compilation needed.
const { fork, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const RESULTS_DIR = path.join(__dirname, 'results');

/** Everything the table prints goes to stdout; progress and child stderr go to stderr. */
function progress(...parts) {
  process.stderr.write(`[bench] ${parts.join(' ')}\n`);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median, min and max of the finite values (a failed diagnostic run is NaN and left out). */
function summarize(values) {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { median: NaN, min: NaN, max: NaN, n: 0 };
  return { median: median(finite), min: Math.min(...finite), max: Math.max(...finite), n: finite.length };
}

function fmt(value, digits) {
  if (value === undefined || value === null || Number.isNaN(value)) return 'n/a';
  if (!Number.isFinite(value)) return String(value);
  const d = digits ?? (Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2);
  return value.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d });
}

function ratio(value, digits = 2) {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${fmt(value, value >= 100 ? 0 : value >= 10 ? 1 : digits)}x`;
}

function pct(value) {
  if (value === undefined || !Number.isFinite(value)) return 'n/a';
  return `${value >= 0 ? '+' : ''}${fmt(value * 100, 1)}%`;
}

/** A GitHub-flavoured markdown table (pasted as is into the README). */
function table(headers, rows) {
  const cells = [headers, ...rows].map((row) => row.map((cell) => String(cell)));
  const widths = headers.map((_, i) => Math.max(3, ...cells.map((row) => row[i].length)));
  const line = (row) => `| ${row.map((cell, i) => cell.padEnd(widths[i])).join(' | ')} |`;
  const rule = `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** Header of the targets table; every part prints rows of it (the smoke test looks for them). */
const TARGET_HEADERS = ['part', 'target', 'measured', 'goal', 'result'];

function targetRow(part, target, measured, goal, met) {
  return [part, target, measured, goal, met === undefined ? 'n/a' : met ? 'met' : 'MISSED'];
}

let devNullFd;
function devNull() {
  if (devNullFd === undefined) devNullFd = fs.openSync('/dev/null', 'w');
  return devNullFd;
}

/**
 * Runs a script in a child process with stdout on /dev/null (so a peer logging
 * to stdout cannot pollute the table) and returns the messages it sends over IPC.
 * The child must send { type: 'result', data } and exit 0.
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
    const results = [];
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-8000);
    });
    child.on('message', (message) => {
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
      if (code === 0 && results.length > 0) return resolve(results.length === 1 ? results[0] : results);
      reject(new Error(`${path.basename(script)} ${args.join(' ')} exited with ${code ?? signal}\n${stderr}`));
    });
  });
}

/** Sends the result from a child and lets it exit. */
function sendResult(data) {
  return new Promise((resolve) => process.send({ type: 'result', data }, resolve));
}

/** Runs the main of a child script; any failure becomes exit code 1 with the stack on stderr. */
function childMain(main) {
  main()
    .then(() => process.exit(0))
    .catch((error) => {
      process.stderr.write(`${error && error.stack ? error.stack : error}\n`);
      process.exit(1);
    });
}

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
 * Builds dist/ (npm run build) when it is missing or older than lib/, so that
 * `npm run bench` works from a fresh clone. The benchmark always measures dist/.
 */
function ensureBuilt({ force = false } = {}) {
  const entry = path.join(DIST, 'index.js');
  const stale = !fs.existsSync(entry) || fs.statSync(entry).mtimeMs < newestMtime(path.join(ROOT, 'lib'));
  if (!force && !stale) return false;
  progress(`building dist/ (${force ? 'forced' : fs.existsSync(entry) ? 'older than lib/' : 'missing'}): npm run build`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 2, 2] });
  if (result.status !== 0) throw new Error(`npm run build failed (exit ${result.status})`);
  return true;
}

function environment() {
  return {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${os.release()}`,
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0] && os.cpus()[0].model,
    totalMemMB: Math.round(os.totalmem() / 2 ** 20),
    versions: versionsOf(['@nestjs/core', 'pino', 'winston', 'nestjs-pino', 'pino-http', 'autocannon']),
  };
}

function versionsOf(names) {
  const out = {};
  for (const name of names) {
    try {
      out[name] = require(path.join(ROOT, 'node_modules', name, 'package.json')).version;
    } catch {
      out[name] = 'missing';
    }
  }
  return out;
}

function stamp() {
  return new Date().toISOString().replace(/[:.]/g, '-');
}

/**
 * Saves bench/results/<part>-<timestamp>.json and bench/results/<part>-latest.json
 * (smoke runs: <part>-smoke-..., so they never replace a real run's "latest").
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
  median,
  pct,
  progress,
  ratio,
  runChild,
  saveResults,
  sendResult,
  stamp,
  summarize,
  table,
  targetRow,
};
