// @ts-check
'use strict';
// Part 1, hot path: ns per debug call, each logger alone in a forked process,
// several processes (interleaved) x several rounds; medians with min/max.
const path = require('node:path');
const { fmt, progress, ratio, runChild, saveResults, summarize, table, targetRow } = require('./common');

/** @typedef {import('./common').Summary} Summary */
/** @typedef {import('./common').PartReport} PartReport */
/** @typedef {import('./hot.child').HotChildResult} HotChildResult */
/** @typedef {import('./check.child').CheckResult} CheckResult */
/** @typedef {'burst' | 'sustained'} Mode */
/** @typedef {{ processes: number, rounds: number, roundMs: number, warmupMs: number, burstSize: number }} HotConfig */
/**
 * @typedef {object} HotSubject
 * @property {string} label
 * @property {boolean} diagnostic  a failure is reported as n/a instead of failing the run
 * @property {Partial<Record<Mode, Summary>>} stats
 * @property {Partial<Record<Mode, number[]>>} samples  ns per call, one per round, all processes
 */
/**
 * @typedef {import('./common').SavedBase & {
 *   config: HotConfig,
 *   subjects: Record<string, HotSubject>,
 *   formattingCheck: CheckResult,
 *   ratios: ReturnType<typeof hotRatios>,
 * }} HotSaved
 */

const CHILD = path.join(__dirname, 'hot.child.js');
const CHECK = path.join(__dirname, 'check.child.js');

/** @type {Array<[id: string, label: string, modes: string, diagnostic?: boolean]>} Order = run order inside one pass. */
const SUBJECTS = [
  ['ref-empty-call', 'reference: empty function call', 'burst'],
  ['ref-als-getstore', 'reference: AsyncLocalStorage#getStore()', 'burst'],
  ['ref-date-now', 'reference: Date.now()', 'burst'],
  ['nest-logger-false', 'Nest Logger facade, `logger: false`', 'burst,sustained'],
  ['nest-disabled', 'Nest Logger -> ConsoleLogger, debug disabled (floor)', 'burst,sustained'],
  ['nest-disabled-direct', 'ConsoleLogger#debug called directly, debug disabled', 'burst,sustained'],
  ['incident-request', 'this module via Nest Logger, request scope', 'burst,sustained'],
  ['incident-global', 'this module via Nest Logger, global scope', 'burst,sustained'],
  ['incident-direct', 'this module, IncidentLogger#debug directly, request scope', 'burst,sustained'],
  ['incident-request-noredact', '(diagnostic) this module via Nest Logger, request scope, `redact: false`', 'burst,sustained', true],
  ['pino-async', 'pino debug -> /dev/null (async)', 'burst,sustained'],
  ['pino-sync', 'pino debug -> /dev/null (sync)', 'burst,sustained'],
  ['nestjs-pino', 'nestjs-pino via Nest Logger -> /dev/null (async)', 'burst,sustained'],
  ['nest-console', 'Nest Logger -> ConsoleLogger at debug -> /dev/null', 'burst,sustained'],
  ['winston', 'winston debug (timestamp+json) -> /dev/null', 'burst,sustained'],
];

/** @type {{ full: HotConfig, smoke: HotConfig }} */
const CONFIG = {
  full: { processes: 3, rounds: 5, roundMs: 60, warmupMs: 150, burstSize: 30 },
  smoke: { processes: 1, rounds: 2, roundMs: 5, warmupMs: 10, burstSize: 30 },
};

/** @returns {Promise<string>} the results file */
async function runHot({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  /** @type {Record<string, HotSubject>} */
  const subjects = {};
  for (const [id, label, , diagnostic = false] of SUBJECTS) subjects[id] = { label, diagnostic, stats: {}, samples: {} };
  const started = Date.now();
  for (let p = 0; p < config.processes; p++) {
    for (const [id, , modes, diagnostic] of SUBJECTS) {
      progress(`hot: process ${p + 1}/${config.processes} ${id}`);
      /** @type {HotChildResult} */
      let result;
      try {
        result = await runChild(CHILD, [id, modes, config.rounds, config.roundMs, config.warmupMs, config.burstSize], {
          execArgv: ['--expose-gc'],
        });
      } catch (error) {
        if (!diagnostic) throw error;
        progress(`hot: diagnostic ${id} failed, reported as n/a: ${String(error instanceof Error ? error.message : error).split('\n')[0]}`);
        continue;
      }
      for (const [mode, { nsPerCall }] of Object.entries(result.modes)) {
        (subjects[id].samples[/** @type {Mode} */ (mode)] ??= []).push(...nsPerCall);
      }
    }
  }
  progress('hot: formatting check');
  /** @type {CheckResult} */
  const formattingCheck = await runChild(CHECK);

  for (const subject of Object.values(subjects)) {
    for (const [mode, values] of Object.entries(subject.samples)) subject.stats[/** @type {Mode} */ (mode)] = summarize(values);
  }
  const data = { smoke, config, seconds: (Date.now() - started) / 1000, subjects, formattingCheck };
  return saveResults('hot', { ...data, ratios: hotRatios(data) });
}

/**
 * Burst medians of the subjects that matter for the goals, and their ratios.
 * @param {{ subjects: Record<string, HotSubject> }} saved
 */
function hotRatios({ subjects }) {
  const med = (/** @type {string} */ id) => subjects[id]?.stats.burst?.median ?? NaN;
  const ours = med('incident-request');
  const global = med('incident-global');
  const direct = med('incident-direct');
  return {
    /** ns per buffered debug call through the facade, request scope (bursts) */
    oursNs: ours,
    floorRatio: ours / med('nest-disabled'),
    floorRatioGlobal: global / med('nest-disabled'),
    pinoRatio: med('pino-async') / ours,
    pinoRatioGlobal: med('pino-async') / global,
    nestjsPinoRatio: med('nestjs-pino') / ours,
    consoleRatio: med('nest-console') / ours,
    consoleRatioGlobal: med('nest-console') / global,
    winstonRatio: med('winston') / ours,
    directFloor: direct / med('nest-disabled-direct'),
    directPino: med('pino-async') / direct,
    directConsole: med('nest-console') / direct,
  };
}

/**
 * Tables and method text from a saved hot-path result (at the end of a run, or later for the docs).
 * @param {HotSaved} saved
 * @returns {PartReport}
 */
function renderHot(saved) {
  const { config, subjects, formattingCheck: check } = saved;
  const r = hotRatios(saved);
  const ours = r.oursNs;
  /** @param {Summary | undefined} s */
  const cell = (s) => (s ? [fmt(s.median), `${fmt(s.min)}-${fmt(s.max)}`] : ['', '']);
  const rows = Object.entries(subjects).map(([id, s]) => [
    s.label,
    ...cell(s.stats.burst),
    ...cell(s.stats.sustained),
    id.startsWith('ref-') ? '' : ratio((s.stats.burst?.median ?? NaN) / ours),
  ]);
  const resultTable = table(
    ['ns per debug call', `burst of ${config.burstSize}: median`, 'min-max', 'sustained: median', 'min-max', 'vs this module (burst)'],
    rows,
  );
  const targets = [
    targetRow(
      'hot',
      'buffered debug via Logger facade vs disabled Nest call (floor)',
      `${ratio(r.floorRatio)} (global scope ${ratio(r.floorRatioGlobal)})`,
      '<= 3x',
      Math.max(r.floorRatio, r.floorRatioGlobal) <= 3,
    ),
    targetRow(
      'hot',
      'cheaper than pino (async, bursts)',
      `${ratio(r.pinoRatio)} (global ${ratio(r.pinoRatioGlobal)}; vs nestjs-pino ${ratio(r.nestjsPinoRatio)})`,
      '>= 10x',
      Math.min(r.pinoRatio, r.pinoRatioGlobal) >= 10,
    ),
    targetRow(
      'hot',
      'cheaper than ConsoleLogger at debug (bursts)',
      `${ratio(r.consoleRatio)} (global ${ratio(r.consoleRatioGlobal)})`,
      '>= 50x',
      Math.min(r.consoleRatio, r.consoleRatioGlobal) >= 50,
    ),
    targetRow(
      'hot',
      'no formatting / stringify / date formatting on the hot path',
      `${check.total} calls in ${check.calls.toLocaleString('en-US')} debug calls`,
      '0',
      check.total === 0,
    ),
    targetRow(
      'hot',
      '(info) without the facade: direct call vs direct disabled ConsoleLogger#debug',
      ratio(r.directFloor),
      '<= 3x',
      undefined,
    ),
    targetRow(
      'hot',
      '(info) without the facade: cheaper than pino / than ConsoleLogger',
      `${ratio(r.directPino)} / ${ratio(r.directConsole)}`,
      '>= 10x / >= 50x',
      undefined,
    ),
  ];
  const rounds = config.processes * config.rounds;
  return {
    part: 'hot',
    title: `Hot path: ns per call (${config.processes} processes x ${config.rounds} rounds per logger; bursts of ${config.burstSize} then the event loop turns; sustained includes the drain)`,
    heading: 'Hot path',
    method:
      "`new Logger('UsersService').debug(message)` with a 61-character message, as application code logs; " +
      `${config.processes} processes x ${config.rounds} rounds per logger, i.e. median, min and max of ${rounds} rounds, in ns per ` +
      "call (`process.hrtime.bigint()` around batches, the timer's own cost subtracted; " +
      `${config.warmupMs} ms of warm-up, rounds of about ${config.roundMs} ms). *Burst*: ${config.burstSize} calls, then the event ` +
      'loop turns and async loggers drain, untimed: what one request does. For this module every burst runs in a fresh ' +
      '`IncidentBuffer.run()` scope, so the ring allocated on the first record is included. *Sustained*: one long batch, ' +
      "timed until async loggers have written everything. The *floor* is the same call with debug disabled in Nest's " +
      'default logger. A separate process counts calls to `JSON.stringify`, `Date#toISOString`, `Intl.DateTimeFormat` ' +
      `and \`util.format\`/\`inspect\` during ${check.calls.toLocaleString('en-US')} buffered calls.`,
    caption:
      'ns per debug call; "vs this module" = how many times the row costs more than a buffered call through the facade in ' +
      'a request scope (below 1x: cheaper). Reference rows put the harness in scale.',
    resultTable,
    targets,
    notes: hotNotes(saved),
  };
}

/**
 * What the facade alone allows: Nest's Logger costs something per call before
 * any logger sees it, which bounds every ratio measured through it.
 * @param {HotSaved} saved
 */
function hotNotes({ subjects }) {
  const med = (/** @type {string} */ id) => subjects[id]?.stats.burst?.median ?? NaN;
  const facade = med('nest-logger-false');
  const r = hotRatios({ subjects });
  if (!Number.isFinite(facade)) return [];
  return [
    `Nest's \`Logger\` facade alone costs ${fmt(facade)} ns per call here (\`logger: false\`, no logger behind it), ` +
      `${fmt(med('nest-disabled'))} ns with debug disabled. A logger costing nothing behind the facade would be ` +
      `${ratio(med('pino-async') / facade)} cheaper than pino in bursts and ${ratio(med('nest-console') / facade)} cheaper ` +
      `than ConsoleLogger at debug: ratios measured through the facade cannot exceed those. This module's own share is the ` +
      `direct row, ${fmt(med('incident-direct'))} ns (${ratio(r.directPino)} cheaper than pino, ${ratio(r.directConsole)} ` +
      `than ConsoleLogger); \`Date.now()\` alone is ${fmt(med('ref-date-now'))} ns of it.`,
  ];
}

module.exports = { runHot, renderHot, hotRatios };
