#!/usr/bin/env node
// @ts-check
'use strict';
// Benchmark of nestjs-incident-logger against the loggers Nest users run today.
//
//   node bench/run.js [all|hot|memory|http|flush ...] [--smoke] [--no-build] [--build] [--instructions]
//   npm run bench               # everything (a few minutes, loopback only), then writes docs/performance.md
//   npm run bench -- hot        # one part (the page is left alone)
//   npm run bench:smoke         # tiny rounds of every part (< 60 s), for CI (the page is left alone)
//   npm run bench:doc           # docs/performance.md from the latest saved full run, without measuring
//   --instructions              # also instruction counts under valgrind's callgrind (hot part: its key rows; a few minutes)
//
// Measures the built package (built first when dist/ is missing or older than
// lib/), loaded through its public entry (bench/library.js). Tables (markdown)
// go to stdout; progress goes to stderr; results are saved as JSON under
// bench/results/ (git-ignored).
const { ensureBuilt, environment, loadResults, progress, saveResults, targetTable, verdict } = require('./common');

const { PARTS } = require('./parts');

/** @typedef {import('./common').PartReport} PartReport */

function usage() {
  return 'usage: node bench/run.js [all|hot|memory|http|flush ...] [--smoke] [--no-build] [--build] [--instructions]';
}

/** @param {string[]} argv */
async function main(argv) {
  const startedAt = Date.now();
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const names = argv.filter((a) => !a.startsWith('--'));
  for (const flag of flags) {
    if (!['--smoke', '--no-build', '--build', '--instructions', '--help'].includes(flag))
      throw new Error(`unknown option ${flag}\n${usage()}`);
  }
  if (flags.has('--help')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const selected = names.length === 0 || names.includes('all') ? Object.keys(PARTS) : [...new Set(names)];
  for (const name of selected) if (!PARTS[name]) throw new Error(`unknown part "${name}"\n${usage()}`);
  const complete = Object.keys(PARTS).every((name) => selected.includes(name));
  const smoke = flags.has('--smoke');
  if (!flags.has('--no-build')) ensureBuilt({ force: flags.has('--build') });

  const env = environment();
  if (!smoke && (env.loadAvg1 ?? 0) > env.cpus / 2) {
    progress(`the machine is busy (load average ${env.loadAvg1} on ${env.cpus} CPUs): figures will be noisy, the page records the load`);
  }
  const started = Date.now();
  process.stdout.write(
    `# nestjs-incident-logger benchmark${smoke ? ' (SMOKE: tiny rounds, numbers are not meaningful)' : ''}\n\n` +
      `Node ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), ${env.platform}; ` +
      `@nestjs/core ${env.versions['@nestjs/core']}, pino ${env.versions.pino}, winston ${env.versions.winston}, nestjs-pino ${env.versions['nestjs-pino']}; ` +
      `${env.library.name} ${env.library.version} (${env.library.commit}) from ${env.library.entry}\n\n`,
  );
  /** @type {Array<{ report: PartReport, file: string }>} */
  const done = [];
  for (const name of selected) {
    const part = PARTS[name]();
    const file = await part.run({ smoke, instructions: flags.has('--instructions') });
    const report = part.render(loadResults(file));
    done.push({ report, file });
    process.stdout.write(`## ${report.title}\n\n${report.resultTable}\n\n${targetTable(report.targets)}\n\n(saved ${file})\n\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  if (done.length > 1) {
    const all = done.flatMap(({ report }) => report.targets);
    process.stdout.write(`## Targets (all parts)\n\n${targetTable(all)}\n\n`);
    // A run of every part is a "full" run (or "full-smoke"): the performance page is made from the latest one.
    const file = saveResults(complete ? 'full' : 'summary', {
      smoke,
      seconds,
      wallSeconds: (Date.now() - startedAt) / 1000,
      parts: done.map(({ report, file: partFile }) => ({ part: report.part, title: report.title, file: partFile })),
      targets: all.map((t) => ({ ...t, result: verdict(t.met) })),
    });
    process.stdout.write(`(saved ${file})\n`);
    if (complete && !smoke) {
      const { writeDoc } = require('./doc');
      process.stdout.write(`(wrote ${writeDoc(file)})\n`);
    }
  }
  progress(`done in ${seconds.toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
