'use strict';
// Part 4, flush: incidents written to RotatingFileTarget vs pino writing the
// same records to a file, and the event-loop delay during an incident storm.
const os = require('node:os');
const path = require('node:path');
const { TARGET_HEADERS, fmt, progress, ratio, runChild, saveResults, summarize, table, targetRow } = require('./common');

const CHILD = path.join(__dirname, 'flush.child.js');
const SUBJECTS = [
  ['rotating-json', 'RotatingFileTarget, json (4 MiB x 3 backups)'],
  ['rotating-text', 'RotatingFileTarget, text (4 MiB x 3 backups)'],
  ['pino-file', 'pino -> file (async destination), same records'],
  ['discard', 'this module, discarding target (cost of building incidents)'],
];
const CONFIG = {
  full: { processes: 3, incidents: 6000, records: 10, rounds: 3, stormMs: 1500, stormRate: 10_000 },
  smoke: { processes: 1, incidents: 300, records: 10, rounds: 1, stormMs: 200, stormRate: 2000 },
};

async function runFlush({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  const runs = {};
  for (let p = 0; p < config.processes; p++) {
    for (const [kind] of SUBJECTS) {
      progress(`flush: process ${p + 1}/${config.processes} ${kind}`);
      const result = await runChild(
        CHILD,
        [kind, config.incidents, config.records, config.rounds, config.stormMs, config.stormRate, os.tmpdir()],
        { execArgv: ['--expose-gc'], timeoutMs: 120_000 },
      );
      (runs[kind] ??= []).push(result);
    }
  }
  const stats = {};
  for (const [kind] of SUBJECTS) {
    const rounds = runs[kind].flatMap((r) => r.rounds);
    const storms = runs[kind].map((r) => r.storm);
    stats[kind] = {
      incidentsPerSecond: summarize(rounds.map((r) => r.written / r.seconds)),
      recordsPerSecond: summarize(rounds.map((r) => (r.written * config.records) / r.seconds)),
      mbPerSecond: summarize(rounds.map((r) => r.bytes / 2 ** 20 / r.seconds)),
      dropped: rounds.reduce((sum, r) => sum + r.dropped, 0) + storms.reduce((sum, s) => sum + s.dropped, 0),
      stormP99: summarize(storms.map((s) => s.delayMs.p99)),
      stormMax: summarize(storms.map((s) => s.delayMs.max)),
      idleMax: summarize(runs[kind].map((r) => r.idle.max)),
      rotations: summarize(storms.map((s) => s.rotations ?? 0)),
    };
  }
  const rows = SUBJECTS.map(([kind, label]) => {
    const s = stats[kind];
    return [
      label,
      fmt(s.incidentsPerSecond.median, 0),
      `${fmt(s.incidentsPerSecond.min, 0)}-${fmt(s.incidentsPerSecond.max, 0)}`,
      fmt(s.recordsPerSecond.median, 0),
      kind === 'discard' ? '' : fmt(s.mbPerSecond.median, 1),
      String(s.dropped),
      fmt(s.stormP99.median, 2),
      `${fmt(s.stormMax.median, 2)} (${fmt(s.stormMax.min, 2)}-${fmt(s.stormMax.max, 2)})`,
      fmt(s.idleMax.median, 2),
    ];
  });
  const resultTable = table(
    [
      `writer (incident = ${config.records} records)`,
      'incidents/s median',
      'min-max',
      'records/s',
      'MB/s',
      'dropped',
      `storm ${fmt(config.stormRate, 0)}/s: loop delay p99 ms`,
      'max ms (min-max)',
      'idle max ms',
    ],
    rows,
  );
  const json = stats['rotating-json'];
  const pinoStats = stats['pino-file'];
  const vsPino = json.recordsPerSecond.median / pinoStats.recordsPerSecond.median;
  const vsPinoText = stats['rotating-text'].recordsPerSecond.median / pinoStats.recordsPerSecond.median;
  const worstMax = Math.max(json.stormMax.median, stats['rotating-text'].stormMax.median);
  const targets = [
    targetRow('flush', 'rotating file sustains >= pino records/s to a file', `json ${ratio(vsPino)}, text ${ratio(vsPinoText)} of pino`, '>= 1x', Math.min(vsPino, vsPinoText) >= 1),
    targetRow('flush', 'event loop not blocked more than a few ms during a storm', `max ${fmt(worstMax, 2)} ms, p99 ${fmt(json.stormP99.median, 2)} ms (idle max ${fmt(json.idleMax.median, 2)} ms; pino max ${fmt(pinoStats.stormMax.median, 2)} ms)`, 'max <= 5 ms', worstMax <= 5),
    targetRow('flush', 'no incident dropped (throughput runs + storm)', `${json.dropped + stats['rotating-text'].dropped} dropped`, '0', json.dropped + stats['rotating-text'].dropped === 0),
  ];
  const file = saveResults('flush', {
    smoke,
    config,
    seconds: (Date.now() - started) / 1000,
    summary: stats,
    runs,
    targets: targets.map((row) => Object.fromEntries(TARGET_HEADERS.map((h, i) => [h, row[i]]))),
  });
  return {
    part: 'flush',
    title: `Flush: ${config.incidents.toLocaleString('en-US')} incidents x ${config.rounds} rounds x ${config.processes} processes per writer, produced 20 per event-loop turn and timed until written (fsync at the end); storm: ${fmt(config.stormRate, 0)} incidents/s for ${config.stormMs / 1000} s, delay from perf_hooks.monitorEventLoopDelay (1 ms resolution subtracted)`,
    resultTable,
    targets,
    file,
  };
}

module.exports = { runFlush };
