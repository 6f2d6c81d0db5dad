// @ts-check
'use strict';
// Part 1, hot path, in instructions: the key rows counted under valgrind's
// callgrind, which is stable to a fraction of a percent where timings on a
// busy 2-core VM move by several. Self-contained (the HTTP part has its own
// callgrind helper). Each subject runs once, in its own program:
//   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=<COUNTED_BUILTIN>
//     node --single-threaded --expose-gc bench/hot.child.js <subject> count <warm> <calls> <burstSize>
// The child warms up, collects garbage, then makes the counted calls from a
// builtin nothing else uses, so callgrind counts exactly those calls and what
// they cause (allocation, the collections they trigger: --single-threaded keeps
// V8's compiler and collector on the counted thread), not the boot.
// Opt-in, as it takes a few minutes:  node bench/run.js hot --instructions
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { ROOT, mapLimit, progress } = require('./common');
const { COUNTED_BUILTIN } = require('./hot.child');

/** @typedef {{ warm: number, calls: number, burstSize: number }} InstructionsConfig */
/** @typedef {{ config: InstructionsConfig, valgrind: string, perCall: Record<string, number> }} InstructionsResult */

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
 * @returns {Promise<number>}
 */
function countProgram(subject, { warm, calls, burstSize }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-callgrind-'));
  const out = path.join(dir, 'callgrind.out');
  const args = [
    '--tool=callgrind',
    '--collect-atstart=no',
    `--toggle-collect=${COUNTED_BUILTIN}`,
    `--callgrind-out-file=${out}`,
    process.execPath,
    '--single-threaded',
    '--expose-gc',
    CHILD,
    subject,
    'count',
    String(warm),
    String(calls),
    String(burstSize),
  ];
  return new Promise((resolve, reject) => {
    const child = spawn('valgrind', args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
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
 * Instructions per call of each counted subject. Counts do not depend on the machine's load,
 * so two programs run at a time.
 * @param {{ smoke: boolean }} options
 * @returns {Promise<InstructionsResult>}
 */
async function countInstructions({ smoke }) {
  const valgrind = valgrindVersion();
  if (!valgrind) throw new Error('--instructions needs valgrind (Debian: apt-get install -y valgrind)');
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const subjects = smoke ? COUNTED.slice(0, 3) : COUNTED;
  const totals = await mapLimit(subjects, 2, (subject) => {
    progress(`hot: callgrind ${subject}`);
    return countProgram(subject, config);
  });
  /** @type {Record<string, number>} */
  const perCall = {};
  subjects.forEach((subject, i) => (perCall[subject] = totals[i] / config.calls));
  return { config, valgrind, perCall };
}

module.exports = { countInstructions, COUNTED };
