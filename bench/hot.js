// @ts-check
'use strict';
// Part 1, hot path: ns per debug call, each logger alone in a forked process,
// several processes (interleaved) x several rounds; medians with quartiles,
// goal ratios paired per process.
const path = require('node:path');
const { fmt, mapLimit, median, progress, ratio, runChild, saveResults, summarize, table, targetRow } = require('./common');

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
 * @property {Partial<Record<Mode, number[]>>} perProcess  median ns per call of each process (index = pass)
 */
/**
 * @typedef {import('./common').SavedBase & {
 *   config: HotConfig,
 *   subjects: Record<string, HotSubject>,
 *   formattingCheck: CheckResult,
 *   ratios: ReturnType<typeof hotRatios>,
 *   instructions?: import('./hot.instructions').InstructionsResult,
 * }} HotSaved
 */

const CHILD = path.join(__dirname, 'hot.child.js');
const CHECK = path.join(__dirname, 'check.child.js');
const { countInstructions } = require('./hot.instructions');

/** @type {Array<[id: string, label: string, modes: string, diagnostic?: boolean]>} Order = run order inside one pass. */
const SUBJECTS = [
  ['ref-empty-call', 'reference: empty function call', 'burst'],
  ['ref-als-getstore', 'reference: AsyncLocalStorage#getStore()', 'burst'],
  ['ref-date-now', 'reference: Date.now()', 'burst'],
  ['ref-message', 'reference: building the message alone', 'burst'],
  ['ref-json-object', 'reference: building the object + JSON.stringify', 'burst'],
  ['nest-logger-false', 'Nest Logger facade, `logger: false`', 'burst,sustained'],
  ['nest-disabled', 'Nest Logger -> ConsoleLogger, debug filtered out (the disabled-facade floor)', 'burst,sustained'],
  ['nest-disabled-direct', 'ConsoleLogger#debug called directly, debug filtered out', 'burst,sustained'],
  ['incident-request', 'this module via Nest Logger, request scope', 'burst,sustained'],
  ['incident-global', 'this module via Nest Logger, global scope', 'burst,sustained'],
  ['incident-direct', 'this module, IncidentLogger#debug directly, request scope', 'burst,sustained'],
  ['incident-request-constant', '(diagnostic) this module via Nest Logger, request scope, one constant message', 'burst,sustained', true],
  ['incident-request-noredact', '(diagnostic) this module via Nest Logger, request scope, `redact: false`', 'burst,sustained', true],
  ['pino-async', 'pino debug -> /dev/null (async, writes timed)', 'burst,sustained'],
  ['pino-sync', 'pino debug -> /dev/null (sync)', 'burst,sustained'],
  ['nestjs-pino', 'nestjs-pino via Nest Logger -> /dev/null (async, writes timed)', 'burst,sustained'],
  ['nest-console', 'Nest Logger -> ConsoleLogger at debug -> /dev/null', 'burst,sustained'],
  ['winston', 'winston debug (timestamp+json) -> /dev/null (writes timed)', 'burst,sustained'],
  ['incident-object', 'object argument: this module via Nest Logger, request scope', 'burst,sustained'],
  ['pino-object-async', 'object argument: pino debug -> /dev/null (async, writes timed)', 'burst,sustained'],
  ['pino-object-sync', 'object argument: pino debug -> /dev/null (sync)', 'burst,sustained'],
  ['nestjs-pino-object', 'object argument: nestjs-pino via Nest Logger -> /dev/null (async, writes timed)', 'burst,sustained'],
];

/**
 * Full: 6 processes x 7 rounds = 42 rounds per logger and mode (about 5 minutes here, each child
 * boots in ~1 s): enough for the median to hold within a few percent on a busy 2-core VM, and 6
 * paired ratios per goal.
 * @type {{ full: HotConfig, smoke: HotConfig }}
 */
const CONFIG = {
  full: { processes: 6, rounds: 7, roundMs: 50, warmupMs: 150, burstSize: 30 },
  smoke: { processes: 1, rounds: 2, roundMs: 5, warmupMs: 10, burstSize: 30 },
};

/** @returns {Promise<string>} the results file */
async function runHot({ smoke = false, instructions = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  /** @type {Record<string, HotSubject>} */
  const subjects = {};
  for (const [id, label, , diagnostic = false] of SUBJECTS) subjects[id] = { label, diagnostic, stats: {}, samples: {}, perProcess: {} };
  const started = Date.now();
  for (let p = 0; p < config.processes; p++) {
    // Every other pass runs the loggers in reverse order, so that a drift of the machine's load favours none.
    const order = p % 2 ? [...SUBJECTS].reverse() : SUBJECTS;
    await mapLimit(order, smoke ? 2 : 1, async ([id, , modes, diagnostic]) => {
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
        return;
      }
      for (const [mode, { nsPerCall }] of Object.entries(result.modes)) {
        const m = /** @type {Mode} */ (mode);
        (subjects[id].samples[m] ??= []).push(...nsPerCall);
        (subjects[id].perProcess[m] ??= [])[p] = median(nsPerCall);
      }
    });
  }
  progress('hot: formatting check');
  /** @type {CheckResult} */
  const formattingCheck = await runChild(CHECK);

  for (const subject of Object.values(subjects)) {
    for (const [mode, values] of Object.entries(subject.samples)) subject.stats[/** @type {Mode} */ (mode)] = summarize(values);
  }
  const counted = instructions ? await countInstructions({ smoke }) : undefined;
  const data = { smoke, config, seconds: (Date.now() - started) / 1000, subjects, formattingCheck, instructions: counted };
  return saveResults('hot', { ...data, ratios: hotRatios(data) });
}

/**
 * A ratio of two subjects' burst costs, paired per process: both ran in the same pass, minutes apart
 * at most, so a slow phase of the machine weighs on both. Median and range of the per-process ratios.
 * @param {Record<string, HotSubject>} subjects
 * @param {string | string[]} a  numerator; several: the cheapest of them in each process
 * @param {string | string[]} b  denominator; several: the cheapest of them in each process
 * @returns {Summary}
 */
function paired(subjects, a, b) {
  const cheapest = (/** @type {string | string[]} */ ids, /** @type {number} */ p) =>
    Math.min(...(Array.isArray(ids) ? ids : [ids]).map((id) => subjects[id]?.perProcess?.burst?.[p] ?? NaN));
  const passes = Math.max(0, ...Object.values(subjects).map((s) => s.perProcess?.burst?.length ?? 0));
  return summarize(Array.from({ length: passes }, (_, p) => cheapest(a, p) / cheapest(b, p)));
}

/** The cheaper of pino's two ways to /dev/null (async with its writes timed, or sync): the stricter comparison. */
const PINO = ['pino-async', 'pino-sync'];
const PINO_OBJECT = ['pino-object-async', 'pino-object-sync'];

/**
 * Paired burst ratios behind the goals (see `paired`).
 * @param {{ subjects: Record<string, HotSubject> }} saved
 */
function hotRatios({ subjects }) {
  return {
    /** ns per buffered debug call through the facade, request scope (bursts) */
    oursNs: subjects['incident-request']?.stats.burst?.median ?? NaN,
    floor: paired(subjects, 'incident-request', 'nest-disabled'),
    floorGlobal: paired(subjects, 'incident-global', 'nest-disabled'),
    floorConstant: paired(subjects, 'incident-request-constant', 'nest-disabled'),
    directFloor: paired(subjects, 'incident-direct', 'nest-disabled-direct'),
    object: paired(subjects, 'incident-object', PINO_OBJECT),
    objectNestjsPino: paired(subjects, 'incident-object', 'nestjs-pino-object'),
    pino: paired(subjects, PINO, 'incident-request'),
    pinoGlobal: paired(subjects, PINO, 'incident-global'),
    nestjsPino: paired(subjects, 'nestjs-pino', 'incident-request'),
    console: paired(subjects, 'nest-console', 'incident-request'),
    consoleGlobal: paired(subjects, 'nest-console', 'incident-global'),
    directPino: paired(subjects, PINO, 'incident-direct'),
    directConsole: paired(subjects, 'nest-console', 'incident-direct'),
  };
}

/** `2.1x (1.9x .. 2.4x)`: the median ratio and its range over the processes. @param {Summary} s */
function spread(s) {
  return s.n > 1 ? `${ratio(s.median)} (${ratio(s.min)} .. ${ratio(s.max)})` : ratio(s.median);
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
  const objectOurs = subjects['incident-object']?.stats.burst?.median ?? NaN;
  /** @param {Summary | undefined} s */
  const cell = (s) => (s ? [fmt(s.median), s.p25 === undefined ? '' : `${fmt(s.p25)}-${fmt(s.p75)}`] : ['', '']);
  const counted = saved.instructions?.perCall;
  const rows = Object.entries(subjects).map(([id, s]) => {
    const base = id.includes('object') ? objectOurs : ours;
    const row = [
      s.label,
      ...cell(s.stats.burst),
      ...cell(s.stats.sustained),
      id.startsWith('ref-') ? '' : ratio((s.stats.burst?.median ?? NaN) / base),
    ];
    return counted ? [...row, counted[id] === undefined ? '' : fmt(counted[id], 0)] : row;
  });
  const resultTable = table(
    [
      'ns per call',
      `burst of ${config.burstSize}: median`,
      'p25-p75',
      'sustained: median',
      'p25-p75',
      'vs this module (burst)',
      ...(counted ? ['instructions per call (callgrind)'] : []),
    ],
    rows,
  );
  /**
   * The same goal ratio in instructions, when they were counted: ` (in instructions 2.1x)`, or nothing.
   * @param {string} a @param {string} b @param {string} [label]
   */
  const inInstructions = (a, b, label = 'in instructions') =>
    counted && counted[a] !== undefined && counted[b] !== undefined ? `; ${label} ${ratio(counted[a] / counted[b])}` : '';
  const min = (/** @type {Summary[]} */ ...xs) => Math.min(...xs.map((x) => x.median));
  const max = (/** @type {Summary[]} */ ...xs) => Math.max(...xs.map((x) => x.median));
  const targets = [
    targetRow(
      'hot',
      'buffered debug via the Logger facade, message built per call, vs the disabled-facade floor (ConsoleLogger, debug filtered out)',
      `${spread(r.floor)} (global scope ${spread(r.floorGlobal)}${inInstructions('incident-request', 'nest-disabled')})`,
      'at most 1.5x',
      max(r.floor, r.floorGlobal) <= 1.5,
    ),
    targetRow(
      'hot',
      'direct IncidentLogger#debug in a request scope vs a direct disabled ConsoleLogger#debug',
      `${spread(r.directFloor)}${inInstructions('incident-direct', 'nest-disabled-direct')}`,
      'at most 4x',
      r.directFloor.median <= 4,
    ),
    targetRow(
      'hot',
      "an object argument vs pino's cost for the same object (the cheaper of async with writes timed and sync)",
      `${spread(r.object)} (vs nestjs-pino ${spread(r.objectNestjsPino)}${inInstructions('incident-object', 'pino-object-sync', 'in instructions vs pino sync')})`,
      'at most 2x',
      r.object.median <= 2,
    ),
    targetRow(
      'hot',
      'cheaper than pino in request-sized bursts (the cheaper of async with writes timed and sync)',
      `${spread(r.pino)} (global scope ${spread(r.pinoGlobal)}; nestjs-pino ${spread(r.nestjsPino)})`,
      '>= 10x',
      min(r.pino, r.pinoGlobal) >= 10,
    ),
    targetRow(
      'hot',
      'cheaper than ConsoleLogger at debug (bursts)',
      `${spread(r.console)} (global scope ${spread(r.consoleGlobal)})`,
      '>= 50x',
      min(r.console, r.consoleGlobal) >= 50,
    ),
    targetRow(
      'hot',
      'nothing formatted, stringified or date-formatted on the hot path',
      `${check.total} calls in ${check.calls.toLocaleString('en-US')} debug calls`,
      '0',
      check.total === 0,
    ),
    targetRow(
      'hot',
      '(info) a constant, already flat message instead of one built per call, vs the floor',
      `${spread(r.floorConstant)}${inInstructions('incident-request-constant', 'nest-disabled')}`,
      'the per-call message row above',
      undefined,
    ),
    targetRow(
      'hot',
      '(info) without the facade: cheaper than pino / than ConsoleLogger at debug',
      `${spread(r.directPino)} / ${spread(r.directConsole)}`,
      '>= 10x / >= 50x',
      undefined,
    ),
  ];
  const rounds = config.processes * config.rounds;
  return {
    part: 'hot',
    title: `Hot path: ns per call (${config.processes} processes x ${config.rounds} rounds per logger; bursts of ${config.burstSize} then the event loop turns, async loggers timed until written; sustained includes the drain)`,
    heading: 'Hot path',
    method:
      "`new Logger('UsersService').debug(`cache miss for user:${id}, loading the profile from the database`)`, the id " +
      'changing on every call, as application code logs; the object row logs `{ userId, orderId, items: [3 order lines], ' +
      'flags }` built per call. ' +
      `${config.processes} processes x ${config.rounds} rounds per logger (every other pass in reverse order), i.e. median ` +
      `and quartiles of ${rounds} rounds, in ns per call (\`process.hrtime.bigint()\` around batches, the timer's own cost ` +
      `subtracted; ${config.warmupMs} ms of warm-up, rounds of about ${config.roundMs} ms). *Burst*: ${config.burstSize} calls, ` +
      "then the event loop turns: what one request does. Async loggers' bursts are timed until their writes are done (pino and " +
      "nestjs-pino: until sonic-boom's write callback reports an empty buffer and no write in flight, its `drain` event, not " +
      '`flush(cb)`, which calls back before anything is written; winston: until its streams are empty); that wall time ' +
      "includes the thread pool's latency, so comparisons with pino take the cheaper of pino async and pino sync (writes " +
      'inline). For this module every burst runs in a fresh `IncidentBuffer.run()` scope, so the ring allocated on the first ' +
      'record is included. *Sustained*: one long batch, timed until async loggers have written everything. The *floor* is the ' +
      "same call through Nest's `Logger` facade with debug filtered out of ConsoleLogger (`logger: ['log', 'warn', 'error', " +
      "'fatal']`, a common production set-up). Goal ratios are paired per process (both loggers ran in the same pass): median " +
      `and range of the ${config.processes} per-process ratios. A separate process counts calls to \`JSON.stringify\`, ` +
      `\`Date#toISOString\`, \`Intl.DateTimeFormat\` and \`util.format\`/\`inspect\` during ${check.calls.toLocaleString('en-US')} ` +
      'buffered calls.' +
      (saved.instructions
        ? ` *Instructions* (\`--instructions\`, ${saved.instructions.valgrind}): the sync rows counted under callgrind, each in ` +
          `its own \`node ${(saved.instructions.nodeArgs ?? ['--single-threaded']).filter((a) => a !== '--expose-gc').join(' ')}\` ` +
          `program, ${fmt(saved.instructions.config.calls, 0)} calls after ` +
          `${fmt(saved.instructions.config.warm, 0)} of warm-up and a collection, counted from the entry of a builtin nothing ` +
          'else calls (`--toggle-collect`), so boot and warm-up are left out and collections caused by the calls are in; ' +
          (saved.instructions.nodeArgs?.includes('--predictable')
            ? "the same count from one program to the next whatever the load (`--predictable` keeps the clock out of V8's " +
              'collector and heap-growing decisions).'
            : 'stable to a fraction of a percent whatever the load.')
        : ''),
    caption:
      'ns per call; "vs this module" = how many times the row costs more than a buffered call through the facade in a request ' +
      'scope (object rows: than the object row of this module; below 1x: cheaper). Reference rows put the harness in scale.',
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
  const pino = Math.min(med('pino-async'), med('pino-sync'));
  return [
    `Nest's \`Logger\` facade alone costs ${fmt(facade)} ns per call here (\`logger: false\`, no logger behind it, message ` +
      `built per call: ${fmt(med('ref-message'))} ns of it), ${fmt(med('nest-disabled'))} ns with debug filtered out. A logger ` +
      `costing nothing behind the facade would be ${ratio(pino / facade)} cheaper than pino in bursts and ` +
      `${ratio(med('nest-console') / facade)} cheaper than ConsoleLogger at debug: ratios measured through the facade cannot ` +
      `exceed those. This module's own share is the direct row, ${fmt(med('incident-direct'))} ns (${ratio(r.directPino.median)} ` +
      `cheaper than pino, ${ratio(r.directConsole.median)} than ConsoleLogger); \`Date.now()\` alone is ` +
      `${fmt(med('ref-date-now'))} ns of it. Building the object and \`JSON.stringify\` alone cost ${fmt(med('ref-json-object'))} ns.`,
  ];
}

module.exports = { runHot, renderHot, hotRatios };
