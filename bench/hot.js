'use strict';
// Part 1, hot path: ns per debug call, each logger alone in a forked process,
// several processes (interleaved) x several rounds; medians with min/max.
const path = require('node:path');
const { TARGET_HEADERS, fmt, progress, ratio, runChild, saveResults, summarize, table, targetRow } = require('./common');

const CHILD = path.join(__dirname, 'hot.child.js');
const CHECK = path.join(__dirname, 'check.child.js');

/** [id, label, modes]. Order = run order inside one pass. */
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

const CONFIG = {
  full: { processes: 3, rounds: 5, roundMs: 60, warmupMs: 150, burstSize: 30 },
  smoke: { processes: 1, rounds: 2, roundMs: 5, warmupMs: 10, burstSize: 30 },
};

async function runHot({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const samples = {}; // samples[id][mode] = [ns per call, one per round, over all processes]
  const started = Date.now();
  for (let p = 0; p < config.processes; p++) {
    for (const [id, , modes, diagnostic] of SUBJECTS) {
      progress(`hot: process ${p + 1}/${config.processes} ${id}`);
      samples[id] ??= {};
      let result;
      try {
        result = await runChild(CHILD, [id, modes, config.rounds, config.roundMs, config.warmupMs, config.burstSize], {
          execArgv: ['--expose-gc'],
        });
      } catch (error) {
        if (!diagnostic) throw error;
        progress(`hot: diagnostic ${id} failed, reported as n/a: ${String(error.message).split('\n')[0]}`);
        continue;
      }
      for (const [mode, { nsPerCall }] of Object.entries(result.modes)) {
        (samples[id][mode] ??= []).push(...nsPerCall);
      }
    }
  }
  progress('hot: formatting check');
  const check = await runChild(CHECK);

  const stats = {};
  for (const [id] of SUBJECTS) {
    stats[id] = {};
    for (const [mode, values] of Object.entries(samples[id])) stats[id][mode] = summarize(values);
  }
  const med = (id, mode = 'burst') => stats[id][mode]?.median;
  const ours = med('incident-request');

  const cell = (id, mode) => (stats[id][mode] ? [fmt(stats[id][mode].median), `${fmt(stats[id][mode].min)}-${fmt(stats[id][mode].max)}`] : ['', '']);
  const rows = SUBJECTS.map(([id, label]) => [
    label,
    ...cell(id, 'burst'),
    ...cell(id, 'sustained'),
    id.startsWith('ref-') ? '' : ratio(med(id) / ours),
  ]);
  const resultTable = table(
    [
      'ns per debug call',
      `burst of ${config.burstSize}: median`,
      'min-max',
      'sustained: median',
      'min-max',
      'vs this module (burst)',
    ],
    rows,
  );

  const floorRatio = ours / med('nest-disabled');
  const floorRatioGlobal = med('incident-global') / med('nest-disabled');
  const pinoRatio = med('pino-async') / ours;
  const pinoRatioGlobal = med('pino-async') / med('incident-global');
  const consoleRatio = med('nest-console') / ours;
  const consoleRatioGlobal = med('nest-console') / med('incident-global');
  const directFloor = med('incident-direct') / med('nest-disabled-direct');
  const directPino = med('pino-async') / med('incident-direct');
  const directConsole = med('nest-console') / med('incident-direct');
  const targets = [
    targetRow('hot', 'buffered debug via Logger facade vs disabled Nest call (floor)', `${ratio(floorRatio)} (global scope ${ratio(floorRatioGlobal)})`, '<= 3x', Math.max(floorRatio, floorRatioGlobal) <= 3),
    targetRow('hot', 'cheaper than pino (async, bursts)', `${ratio(pinoRatio)} (global ${ratio(pinoRatioGlobal)}; vs nestjs-pino ${ratio(med('nestjs-pino') / ours)})`, '>= 10x', Math.min(pinoRatio, pinoRatioGlobal) >= 10),
    targetRow('hot', 'cheaper than ConsoleLogger at debug (bursts)', `${ratio(consoleRatio)} (global ${ratio(consoleRatioGlobal)})`, '>= 50x', Math.min(consoleRatio, consoleRatioGlobal) >= 50),
    targetRow('hot', 'no formatting / stringify / date formatting on the hot path', `${check.total} calls in ${check.calls.toLocaleString('en-US')} debug calls`, '0', check.total === 0),
    targetRow('hot', '(info) without the facade: direct call vs direct disabled ConsoleLogger#debug', ratio(directFloor), '<= 3x', undefined),
    targetRow('hot', '(info) without the facade: cheaper than pino / than ConsoleLogger', `${ratio(directPino)} / ${ratio(directConsole)}`, '>= 10x / >= 50x', undefined),
  ];
  const targetTable = table(TARGET_HEADERS, targets);
  const file = saveResults('hot', {
    smoke,
    config,
    seconds: (Date.now() - started) / 1000,
    subjects: Object.fromEntries(SUBJECTS.map(([id, label]) => [id, { label, ...stats[id], samples: samples[id] }])),
    formattingCheck: check,
    ratios: { floorRatio, floorRatioGlobal, pinoRatio, pinoRatioGlobal, consoleRatio, consoleRatioGlobal, directFloor, directPino, directConsole },
    targets: targets.map((row) => Object.fromEntries(TARGET_HEADERS.map((h, i) => [h, row[i]]))),
  });
  return {
    part: 'hot',
    title: `Hot path: ns per call (${config.processes} processes x ${config.rounds} rounds per logger; bursts of ${config.burstSize} then the event loop turns; sustained includes the drain)`,
    resultTable,
    targets,
    file,
  };
}

module.exports = { runHot };
