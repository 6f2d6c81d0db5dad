// @ts-check
'use strict';
// Part 1, hot path, in instructions: the key rows counted under valgrind's
// callgrind, which is stable to a fraction of a percent where timings on a
// busy 2-core VM move by several. Self-contained (the HTTP part has its own
// callgrind helper). Each subject runs once, in its own program:
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=<COUNTED_BUILTIN>
//     node --single-threaded --predictable --expose-gc bench/hot.child.js <subject> count <warm> <calls> <burstSize>
// The child warms up, collects garbage, then makes the counted calls from a
// builtin nothing else uses, so callgrind counts exactly those calls and what
// they cause (allocation, the collections they trigger: --single-threaded keeps
// V8's compiler and collector on the counted thread, --predictable keeps the
// clock out of their decisions), not the boot.
// Opt-in, as it takes a few minutes:  node bench/run.js hot --instructions
//
// On its own, to compare builds (no timed rows, a few minutes):
//   node bench/hot.instructions.js [--smoke] [--build <label>=<dist dir> ...] [--subjects a,b]
// counts the rows below for this build and this module's rows (incident-*) for
// each other build too (named `<row>@<label>`, e.g. --build
// before=bench/results/builds/ce8dd15, a copy of an older commit's dist/ inside
// the repository), prints their instructions per call, each against its floor
// and against this build, and saves bench/results/hot-instructions-<time>.json.
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, fmt, mapLimit, pct, progress, ratio, saveResults, table } = require('./common');
const { COUNTED_BUILTIN } = require('./hot.child');
const { parseBuilds } = require('./library');

/** @typedef {{ warm: number, calls: number, burstSize: number }} InstructionsConfig */
/**
 * perCall: instructions per call by row; a row of another build is `<row>@<label>` (builds: label -> dist directory);
 * nodeArgs: the counted program's flags (absent in results saved before they were recorded: --single-threaded --expose-gc).
 * @typedef {{ config: InstructionsConfig, valgrind: string, nodeArgs?: string[], perCall: Record<string, number>, builds?: Record<string, string> }} InstructionsResult
 */

const CHILD = path.join(__dirname, 'hot.child.js');

/** The rows behind the goals (sync loggers only: an async write would land outside the count). */
const COUNTED = [
  'ref-message',
  'nest-disabled',
  'incident-request',
  'incident-global',
  'incident-request-constant',
  'nest-disabled-direct',
  'incident-direct',
  'pino-sync',
  'incident-object',
  'pino-object-sync',
];

/** What each of this module's rows is compared with: the floor its goal is stated against (bench/hot.js). */
const FLOOR = {
  'incident-request': 'nest-disabled',
  'incident-global': 'nest-disabled',
  'incident-request-constant': 'nest-disabled',
  'incident-direct': 'nest-disabled-direct',
  'incident-object': 'pino-object-sync',
};

/** Rows that load this module, so differ from one build to another. @param {string} subject */
const isLibraryRow = (subject) => subject.startsWith('incident-');

/**
 * The counted program's flags. --predictable: V8's heuristics otherwise read the clock (when to start
 * marking, how far to grow the heap), so one program of a row counted 4,126 instructions per call and the
 * next 4,711 (measured); with it, the same count to the instruction from one program to the next.
 */
const NODE_ARGS = ['--single-threaded', '--predictable', '--expose-gc'];

/** @type {{ full: InstructionsConfig, smoke: InstructionsConfig }} */
const CONFIG = {
  full: { warm: 20_000, calls: 9000, burstSize: 30 },
  smoke: { warm: 300, calls: 300, burstSize: 30 },
};

/** valgrind's version, or undefined when it is not installed. */
function valgrindVersion() {
  const result = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/**
 * Instructions callgrind counted in one subject's program.
 * @param {string} subject @param {InstructionsConfig} config
 * @param {string} [dist]  another build of the library (BENCH_DIST)
 * @returns {Promise<number>}
 */
function countProgram(subject, { warm, calls, burstSize }, dist) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-callgrind-'));
  const out = path.join(dir, 'callgrind.out');
  const args = [
    '--tool=callgrind',
    '--collect-atstart=no',
    `--toggle-collect=${COUNTED_BUILTIN}`,
    `--callgrind-out-file=${out}`,
    process.execPath,
    ...NODE_ARGS,
    CHILD,
    subject,
    'count',
    String(warm),
    String(calls),
    String(burstSize),
  ];
  return new Promise((resolve, reject) => {
    const env = dist === undefined ? process.env : { ...process.env, BENCH_DIST: dist };
    const child = spawn('valgrind', args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
    child.on('error', reject);
    child.on('exit', (code) => {
      try {
        if (code !== 0) throw new Error(`callgrind ${subject} exited with ${code}\n${stderr}`);
        const totals = /^(?:totals|summary): (\d+)/m.exec(fs.readFileSync(out, 'utf8'));
        if (!totals || Number(totals[1]) === 0)
          throw new Error(`callgrind counted nothing for ${subject} (is ${COUNTED_BUILTIN} a symbol of this node?)`);
        resolve(Number(totals[1]));
      } catch (error) {
        reject(error);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}

/**
 * Instructions per call of each counted subject (and of this module's rows on each other build).
 * Counts do not depend on the machine's load, so two programs run at a time.
 * @param {{ smoke: boolean, builds?: Record<string, string>, subjects?: string[] }} options
 * @returns {Promise<InstructionsResult>}
 */
async function countInstructions({ smoke, builds = {}, subjects: only }) {
  const valgrind = valgrindVersion();
  if (!valgrind) throw new Error('--instructions needs valgrind (Debian: apt-get install -y valgrind)');
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const subjects = only ?? (smoke ? COUNTED.slice(0, 3) : COUNTED);
  /** @type {Array<{ row: string, subject: string, dist?: string }>} */
  const jobs = subjects.map((subject) => ({ row: subject, subject }));
  for (const [label, dist] of Object.entries(builds)) {
    for (const subject of subjects.filter(isLibraryRow)) jobs.push({ row: `${subject}@${label}`, subject, dist });
  }
  const totals = await mapLimit(jobs, 2, ({ row, subject, dist }) => {
    progress(`hot: callgrind ${row}`);
    return countProgram(subject, config, dist);
  });
  /** @type {Record<string, number>} */
  const perCall = {};
  jobs.forEach(({ row }, i) => (perCall[row] = totals[i] / config.calls));
  return { config, valgrind, nodeArgs: NODE_ARGS, perCall, ...(Object.keys(builds).length > 0 ? { builds } : {}) };
}

/**
 * This module's rows, this build beside each other build: instructions per call, against the row's floor, and the change.
 * @param {InstructionsResult} result
 */
function renderComparison({ perCall, builds = {} }) {
  const labels = Object.keys(builds);
  const rows = Object.keys(perCall)
    .filter((row) => !row.includes('@'))
    .map((row) => {
      const floor = isLibraryRow(row) ? FLOOR[/** @type {keyof typeof FLOOR} */ (row)] : undefined;
      /** @param {number} value */
      const vsFloor = (value) => (floor && perCall[floor] !== undefined ? ratio(value / perCall[floor]) : '');
      const cells = [row, fmt(perCall[row], 0), vsFloor(perCall[row])];
      for (const label of labels) {
        const other = perCall[`${row}@${label}`];
        cells.push(...(other === undefined ? ['', '', ''] : [fmt(other, 0), vsFloor(other), pct(perCall[row] / other - 1)]));
      }
      return [...cells, floor ?? ''];
    });
  return table(
    [
      'row',
      'this build: instructions/call',
      'vs floor',
      ...labels.flatMap((label) => [`${label}: instructions/call`, 'vs floor', `this build vs ${label}`]),
      'floor',
    ],
    rows,
  );
}

/** @param {string[]} argv */
async function main(argv) {
  /** @type {string[]} */
  const buildArgs = [];
  /** @type {string[] | undefined} */
  let subjects;
  let smoke = false;
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--smoke') smoke = true;
    else if (argv[i] === '--build') buildArgs.push(argv[++i] ?? '');
    else if (argv[i] === '--subjects') subjects = (argv[++i] ?? '').split(',');
    else
      throw new Error(
        `unknown argument ${argv[i]}\nusage: node bench/hot.instructions.js [--smoke] [--build <label>=<dist dir> ...] [--subjects a,b]`,
      );
  }
  for (const subject of subjects ?? [])
    if (!COUNTED.includes(subject)) throw new Error(`unknown row ${subject} (one of ${COUNTED.join(', ')})`);
  const builds = parseBuilds(buildArgs);
  const { ensureBuilt, environment } = require('./common');
  if (!process.env.BENCH_DIST) ensureBuilt();
  const started = Date.now();
  const result = await countInstructions({ smoke, builds, subjects });
  const env = environment();
  process.stdout.write(
    `# Hot path, instructions per call (callgrind${smoke ? ', SMOKE' : ''}): Node ${env.node}; this build: ` +
      `${process.env.BENCH_DIST ? env.library.entry : `${env.library.entry} (${env.library.commit})`}${Object.entries(builds)
        .map(([label, dir]) => `; ${label}: ${path.relative(ROOT, dir)}`)
        .join('')}\n\n` +
      `${fmt(result.config.calls, 0)} calls in bursts of ${result.config.burstSize}, each burst in a fresh scope, after ` +
      `${fmt(result.config.warm, 0)} of warm-up; ${result.valgrind}\n\n${renderComparison(result)}\n\n`,
  );
  const file = saveResults('hot-instructions', { smoke, seconds: (Date.now() - started) / 1000, ...result });
  process.stdout.write(`(saved ${file})\n`);
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error) => {
    process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
    process.exit(1);
  });
}

module.exports = { countInstructions, renderComparison, COUNTED };
