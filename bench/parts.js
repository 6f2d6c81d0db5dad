// @ts-check
'use strict';
// The four parts of the benchmark, in run order. Each is loaded on demand.

/** @typedef {import('./common').PartReport} PartReport */
/**
 * A part: `run` measures and returns the results file it saved; `render` turns
 * a saved results file into tables and text (bench/run.js at the end of a run,
 * bench/doc.js later, without measuring).
 * `instructions`: also count instructions under valgrind's callgrind where the part can (`--instructions`).
 * @typedef {{ run: (options: { smoke: boolean, instructions?: boolean }) => Promise<string>, render: (saved: any) => PartReport }} Part
 */

/** @type {Record<string, () => Part>} */
const PARTS = {
  hot: () => {
    const { runHot, renderHot } = require('./hot');
    return { run: runHot, render: renderHot };
  },
  memory: () => {
    const { runMemory, renderMemory } = require('./memory');
    return { run: runMemory, render: renderMemory };
  },
  http: () => {
    const { runHttp, renderHttp } = require('./http');
    return { run: runHttp, render: renderHttp };
  },
  flush: () => {
    const { runFlush, renderFlush } = require('./flush');
    return { run: runFlush, render: renderFlush };
  },
};

module.exports = { PARTS };
