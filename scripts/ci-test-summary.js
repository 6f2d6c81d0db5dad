// @ts-check
'use strict';
// The test summary of .ci/run, computed from Jest's JSON results of each Node
// lane: one line per lane, then the line CI reads, always last:
//
//   node 20.20.2: 838 passed, 0 failed (201 s)
//   node 24.22.3: 838 passed, 0 failed (152 s)
//   tests: 1676 passed, 0 failed
//
//   node scripts/ci-test-summary.js <lanes file>
//
// The lanes file has one line per lane, tab-separated: label, wall seconds,
// Jest's exit status, results file (--json --outputFile), and optionally a note
// that replaces the reason given for a lane without results (for instance that
// its Node could not be installed). A suite that fails
// to load has no test results and counts as one failure. A lane whose results
// are missing or empty, or whose Jest exited non-zero with no failure in its
// results, counts as one failure too, so the `tests:` line says 0 failed
// exactly when every lane passed. Exits 1 when any lane failed, 2 on bad usage.
const fs = require('node:fs');

/**
 * @typedef {{ label: string, seconds: number, status: number, file: string, note: string }} Lane
 * @typedef {{ passed: number, failed: number, skipped: number, note: string }} LaneCount
 */

/** @param {string} text  @returns {Lane[]} */
function parseLanes(text) {
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [label, seconds, status, file, note = ''] = line.split('\t');
      if (!label || file === undefined) throw new Error(`bad lane line: ${JSON.stringify(line)}`);
      return { label, seconds: Number(seconds), status: Number(status), file, note };
    });
}

/** @param {Lane} lane  @returns {LaneCount} */
function countLane(lane) {
  /** @type {any} */
  let results;
  try {
    results = JSON.parse(fs.readFileSync(lane.file, 'utf8'));
  } catch (error) {
    const why = /** @type {NodeJS.ErrnoException} */ (error).code === 'ENOENT' ? 'no results' : 'unreadable results';
    return { passed: 0, failed: 1, skipped: 0, note: lane.note || `${why}, jest exited ${lane.status}` };
  }
  const brokenSuites = results.testResults.filter(
    (/** @type {any} */ suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
  const count = {
    passed: results.numPassedTests,
    failed: results.numFailedTests + brokenSuites,
    skipped: results.numPendingTests + results.numTodoTests,
    note: '',
  };
  if (count.failed === 0 && results.numTotalTests === 0) return { ...count, failed: 1, note: 'no tests ran' };
  if (count.failed === 0 && lane.status !== 0) return { ...count, failed: 1, note: `jest exited ${lane.status}` };
  return count;
}

/** @param {{ passed: number, failed: number, skipped: number }} count */
function counts({ passed, failed, skipped }) {
  return `${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`;
}

function main() {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: node scripts/ci-test-summary.js <lanes file>');
    process.exit(2);
  }
  const lanes = parseLanes(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '');
  const total = { passed: 0, failed: 0, skipped: 0 };
  for (const lane of lanes) {
    const count = countLane(lane);
    total.passed += count.passed;
    total.failed += count.failed;
    total.skipped += count.skipped;
    console.log(`${lane.label}: ${counts(count)} (${Math.round(lane.seconds)} s)${count.note ? `; ${count.note}` : ''}`);
  }
  if (lanes.length === 0) total.failed = 1; // no lane ran at all
  console.log(`tests: ${counts(total)}`);
  process.exit(total.failed > 0 ? 1 : 0);
}

main();
