'use strict';
// Part 2, memory: bytes per buffered record and per scope, and the heap with
// thousands of concurrent scopes. Several processes; medians with min/max.
const path = require('node:path');
const { TARGET_HEADERS, fmt, progress, runChild, saveResults, summarize, table, targetRow } = require('./common');

const CHILD = path.join(__dirname, 'memory.child.js');
const CONFIG = {
  full: { processes: 3, scopes: 10_000 },
  smoke: { processes: 1, scopes: 500 },
};

async function runMemory({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  const runs = [];
  for (let p = 0; p < config.processes; p++) {
    progress(`memory: process ${p + 1}/${config.processes} (${config.scopes} scopes)`);
    runs.push(await runChild(CHILD, [config.scopes], { execArgv: ['--expose-gc'] }));
  }
  const metric = (fn) => summarize(runs.map(fn));
  const scope = (k) => metric((r) => r.perScope[k].total);
  const perRecord = metric((r) => (r.perScope[30].total - r.perScope[5].total) / 25);
  const empty = scope(0);
  const ringAndFirst = metric((r) => r.perScope[1].total - r.perScope[0].total);
  const ring = metric((r) => r.perScope[1].total - r.perScope[0].total - (r.perScope[30].total - r.perScope[5].total) / 25);
  const fixed = metric((r) => r.perScope[1].total - (r.perScope[30].total - r.perScope[5].total) / 25);
  const offHeap = metric((r) => r.perScope[1].arrayBuffers);
  const five = scope(5);
  const full = scope(30);
  const wrapped = scope(60);
  const mb = (k) => metric((r) => r.concurrent[k].added.total / 2 ** 20);
  const lazy = runs.map((r) => r.lazyRing);

  const bytes = (s) => [fmt(s.median, 0), `${fmt(s.min, 0)}-${fmt(s.max, 0)}`];
  const rows = [
    ['one buffered record (LogRecord + boxed timestamp)', ...bytes(perRecord)],
    ['request scope that logs nothing (scope, request info, id)', ...bytes(empty)],
    ['ring allocated on the first record (30 slots)', ...bytes(ring)],
    ['  of which off-heap (ArrayBuffer memory)', ...bytes(offHeap)],
    ['scope fixed cost once it logs (scope + ring, records excluded)', ...bytes(fixed)],
    ['scope with 5 records', ...bytes(five)],
    ['scope with 30 records (full, bufferSize 30)', ...bytes(full)],
    ['scope after 60 records (ring wrapped)', ...bytes(wrapped)],
  ];
  const n = config.scopes.toLocaleString('en-US');
  for (const k of [0, 5, 30]) {
    const s = mb(k);
    rows.push([`${n} concurrent in-flight run() scopes, ${k} records each (MB, vs same harness without the module)`, fmt(s.median, 1), `${fmt(s.min, 1)}-${fmt(s.max, 1)}`]);
  }
  const resultTable = table(['memory (bytes, heapUsed + arrayBuffers)', 'median', 'min-max'], rows);

  const lazyMet = lazy.every((v) => v === true) || (lazy.every((v) => v === 'unknown') && ring.median > 100);
  const targets = [
    targetRow('memory', 'bytes per buffered record (payload excluded)', `${fmt(perRecord.median, 0)} B`, '<= 100 B', perRecord.median <= 100),
    targetRow('memory', 'a request that logs nothing allocates no buffer', `ring allocated on first record: ${lazy.join('/')}; empty scope ${fmt(empty.median, 0)} B, +${fmt(ringAndFirst.median, 0)} B at the first record`, 'no ring', lazyMet),
    targetRow('memory', 'per-scope cost of a request that logs (bufferSize 30, records excluded)', `${fmt(fixed.median, 0)} B (with 5 records ${fmt(five.median, 0)} B, full ${fmt(full.median, 0)} B)`, '<= 1024 B', fixed.median <= 1024),
    targetRow('memory', 'a full ring does not grow (60 vs 30 records)', `${fmt(wrapped.median - full.median, 0)} B`, '~0', Math.abs(wrapped.median - full.median) < 32),
  ];
  const file = saveResults('memory', {
    smoke,
    config,
    seconds: (Date.now() - started) / 1000,
    summary: { perRecord, empty, ringAndFirst, ring, fixed, offHeap, five, full, wrapped, concurrentMB: { 0: mb(0), 5: mb(5), 30: mb(30) }, lazyRing: lazy },
    runs,
    targets: targets.map((row) => Object.fromEntries(TARGET_HEADERS.map((h, i) => [h, row[i]]))),
  });
  return {
    part: 'memory',
    title: `Memory (${config.processes} processes, ${n} scopes each; node --expose-gc, heap deltas after gc)`,
    resultTable,
    targets,
    file,
  };
}

module.exports = { runMemory };
