// @ts-check
'use strict';
// Part 2, memory: bytes per buffered record and per scope, and the heap with
// thousands of concurrent scopes. Several processes; medians with min/max.
const path = require('node:path');
const { fmt, progress, runChild, saveResults, summarize, table, targetRow } = require('./common');

/** @typedef {import('./common').Summary} Summary */
/** @typedef {import('./common').PartReport} PartReport */
/** @typedef {import('./memory.child').MemoryChildResult} MemoryChildResult */
/** @typedef {{ processes: number, scopes: number }} MemoryConfig */
/**
 * @typedef {import('./common').SavedBase & {
 *   config: MemoryConfig,
 *   summary: ReturnType<typeof memorySummary>,
 *   runs: MemoryChildResult[],
 * }} MemorySaved
 */

const CHILD = path.join(__dirname, 'memory.child.js');
/** @type {{ full: MemoryConfig, smoke: MemoryConfig }} */
const CONFIG = {
  full: { processes: 3, scopes: 10_000 },
  smoke: { processes: 1, scopes: 500 },
};
/** Slots of the ring (bufferSize 30) with compressed pointers: what an eagerly allocated ring would add to an empty scope. */
const RING_SLOTS_BYTES = 30 * 4;

/** @returns {Promise<string>} the results file */
async function runMemory({ smoke = false } = {}) {
  const config = CONFIG[smoke ? 'smoke' : 'full'];
  const started = Date.now();
  /** @type {MemoryChildResult[]} */
  const runs = [];
  for (let p = 0; p < config.processes; p++) {
    progress(`memory: process ${p + 1}/${config.processes} (${config.scopes} scopes)`);
    runs.push(await runChild(CHILD, [config.scopes], { execArgv: ['--expose-gc'] }));
  }
  return saveResults('memory', { smoke, config, seconds: (Date.now() - started) / 1000, summary: memorySummary(runs), runs });
}

/** @param {MemoryChildResult[]} runs */
function memorySummary(runs) {
  const metric = (/** @type {(run: MemoryChildResult) => number} */ fn) => summarize(runs.map(fn));
  const at = (/** @type {MemoryChildResult} */ r, /** @type {number} */ k) => r.perScope[k].total;
  const record = (/** @type {MemoryChildResult} */ r) => (at(r, 30) - at(r, 5)) / 25;
  const mb = (/** @type {number} */ k) => metric((r) => r.concurrent[k].added.total / 2 ** 20);
  return {
    perRecord: metric(record),
    empty: metric((r) => at(r, 0)),
    firstRecord: metric((r) => at(r, 1) - at(r, 0)),
    ring: metric((r) => at(r, 1) - at(r, 0) - record(r)),
    offHeap: metric((r) => r.perScope[1].arrayBuffers),
    fixed: metric((r) => at(r, 1) - record(r)),
    five: metric((r) => at(r, 5)),
    full: metric((r) => at(r, 30)),
    wrapped: metric((r) => at(r, 60)),
    growth: metric((r) => at(r, 60) - at(r, 30)),
    concurrentMB: { 0: mb(0), 5: mb(5), 30: mb(30) },
  };
}

/**
 * @param {MemorySaved} saved
 * @returns {PartReport}
 */
function renderMemory(saved) {
  const { config, summary: s } = saved;
  const bytes = (/** @type {Summary} */ v) => [fmt(v.median, 0), `${fmt(v.min, 0)}-${fmt(v.max, 0)}`];
  const rows = [
    ['one buffered record (payload excluded)', ...bytes(s.perRecord)],
    ['live scope that logs nothing (scope, request info, id, live-scope entry)', ...bytes(s.empty)],
    ['ring allocated on the first record (30 slots)', ...bytes(s.ring)],
    ['  of which off-heap (ArrayBuffer memory)', ...bytes(s.offHeap)],
    ['scope fixed cost once it logs (scope + ring, records excluded)', ...bytes(s.fixed)],
    ['scope with 5 records', ...bytes(s.five)],
    ['scope with 30 records (full, bufferSize 30)', ...bytes(s.full)],
    ['scope after 60 records (ring wrapped)', ...bytes(s.wrapped)],
  ];
  const n = config.scopes.toLocaleString('en-US');
  for (const k of /** @type {const} */ ([0, 5, 30])) {
    const v = s.concurrentMB[k];
    rows.push([
      `${n} concurrent in-flight run() scopes, ${k} records each (MB, vs same harness without the module)`,
      fmt(v.median, 1),
      `${fmt(v.min, 1)}-${fmt(v.max, 1)}`,
    ]);
  }
  const resultTable = table(['memory (bytes, heapUsed + arrayBuffers)', 'median', 'min-max'], rows);
  const targets = [
    targetRow(
      'memory',
      'bytes per buffered record (payload excluded)',
      `${fmt(s.perRecord.median, 0)} B`,
      '<= 100 B',
      s.perRecord.median <= 100,
    ),
    targetRow(
      'memory',
      'a request that logs nothing allocates no buffer',
      `empty scope ${fmt(s.empty.median, 0)} B; the first record adds ${fmt(s.firstRecord.median, 0)} B (its ring: ${fmt(s.ring.median, 0)} B)`,
      `ring appears at the first record (> ${RING_SLOTS_BYTES} B)`,
      s.ring.median > RING_SLOTS_BYTES,
    ),
    targetRow(
      'memory',
      'per-scope cost of a request that logs (bufferSize 30, records excluded)',
      `${fmt(s.fixed.median, 0)} B (with 5 records ${fmt(s.five.median, 0)} B, full ${fmt(s.full.median, 0)} B)`,
      '<= 1024 B',
      s.fixed.median <= 1024,
    ),
    targetRow(
      'memory',
      'a full ring does not grow (60 vs 30 records)',
      `${fmt(s.growth.median, 0)} B`,
      '~0 (< 32 B)',
      Math.abs(s.growth.median) < 32,
    ),
  ];
  return {
    part: 'memory',
    title: `Memory (${config.processes} processes, ${n} scopes each; node --expose-gc, heap deltas after gc)`,
    heading: 'Memory',
    method:
      `\`node --expose-gc\`, heapUsed + arrayBuffers after full collections, ${config.processes} processes; medians with min and max. ` +
      `*Per scope*: ${n} scopes opened with \`IncidentBuffer.run()\`, each logging k debug lines through \`new Logger('UsersService')\` ` +
      'and returning a pending promise, which keeps the scope alive (checked with `IncidentBuffer#stats().liveScopes`); minus the ' +
      'same loop without the module, where each unit of work is the same pending promise with a `.finally()` callback closing ' +
      'over one object (what `run()` keeps besides the scope itself). The message is one constant string, so its payload is excluded; the per-record ' +
      'cost is the slope between 5 and 30 records, the ring is what the first record adds beyond one record. ' +
      `*In flight*: ${n} concurrent \`run(async ...)\` scopes parked on a promise after logging k lines, minus the same harness ` +
      'without the module. The buffer budget (`maxTotalBufferBytes`) is raised out of the way: no record is evicted.',
    caption: 'Bytes per scope or per record (bufferSize 30); the last rows are whole-heap MB.',
    resultTable,
    targets,
  };
}

module.exports = { runMemory, renderMemory };
