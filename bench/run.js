#!/usr/bin/env node
'use strict';
// Benchmark of nestjs-incident-logger against the loggers Nest users run today.
//
//   node bench/run.js [all|hot|memory|http|flush ...] [--smoke] [--no-build]
//   npm run bench               # everything (a few minutes, loopback only)
//   npm run bench -- hot        # one part
//   npm run bench:smoke         # tiny rounds of every part (< 60 s), for CI
//
// Measures the built dist/ (built first when missing or older than lib/).
// Tables (markdown) go to stdout; progress goes to stderr; results are saved
// as JSON under bench/results/.
const { TARGET_HEADERS, ensureBuilt, environment, progress, saveResults, table } = require('./common');

const PARTS = {
  hot: () => require('./hot').runHot,
  memory: () => require('./memory').runMemory,
  http: () => require('./http').runHttp,
  flush: () => require('./flush').runFlush,
};

function usage() {
  return 'usage: node bench/run.js [all|hot|memory|http|flush ...] [--smoke] [--no-build] [--build]';
}

async function main(argv) {
  const flags = new Set(argv.filter((a) => a.startsWith('--')));
  const names = argv.filter((a) => !a.startsWith('--'));
  for (const flag of flags) {
    if (!['--smoke', '--no-build', '--build', '--help'].includes(flag)) throw new Error(`unknown option ${flag}\n${usage()}`);
  }
  if (flags.has('--help')) {
    process.stdout.write(`${usage()}\n`);
    return;
  }
  const selected = names.length === 0 || names.includes('all') ? Object.keys(PARTS) : names;
  for (const name of selected) if (!PARTS[name]) throw new Error(`unknown part "${name}"\n${usage()}`);
  const smoke = flags.has('--smoke');
  if (!flags.has('--no-build')) ensureBuilt({ force: flags.has('--build') });

  const env = environment();
  const started = Date.now();
  process.stdout.write(
    `# nestjs-incident-logger benchmark${smoke ? ' (SMOKE: tiny rounds, numbers are not meaningful)' : ''}\n\n` +
      `Node ${env.node}, ${env.cpus} CPUs (${env.cpuModel}), ${env.platform}; ` +
      `@nestjs/core ${env.versions['@nestjs/core']}, pino ${env.versions.pino}, winston ${env.versions.winston}, nestjs-pino ${env.versions['nestjs-pino']}\n\n`,
  );
  const reports = [];
  for (const name of selected) {
    const run = PARTS[name]();
    const report = await run({ smoke });
    reports.push(report);
    process.stdout.write(`## ${report.title}\n\n${report.resultTable}\n\n${table(TARGET_HEADERS, report.targets)}\n\n(saved ${report.file})\n\n`);
  }
  const seconds = (Date.now() - started) / 1000;
  if (reports.length > 1) {
    const all = reports.flatMap((r) => r.targets);
    process.stdout.write(`## Targets (all parts)\n\n${table(TARGET_HEADERS, all)}\n\n`);
    const file = saveResults('summary', {
      smoke,
      seconds,
      parts: reports.map((r) => ({ part: r.part, title: r.title, file: r.file })),
      targets: all.map((row) => Object.fromEntries(TARGET_HEADERS.map((h, i) => [h, row[i]]))),
    });
    process.stdout.write(`(saved ${file})\n`);
  }
  progress(`done in ${seconds.toFixed(1)} s`);
}

main(process.argv.slice(2)).catch((error) => {
  process.stderr.write(`[bench] failed: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
