#!/usr/bin/env node
// @ts-check
'use strict';
// Writes docs/performance.md from the results of a full run (every part, not
// smoke): at the end of `npm run bench`, or alone with `npm run bench:doc`
// (the latest saved full run, nothing measured).
//
//   node bench/doc.js [bench/results/full-<time>.json]
const fs = require('node:fs');
const path = require('node:path');
const { RESULTS_DIR, ROOT, fmt, loadResults, table, verdict } = require('./common');
const { PARTS } = require('./parts');

/** @typedef {import('./common').PartReport} PartReport */
/** @typedef {import('./common').Environment} Environment */
/**
 * What bench/run.js saves for a run of every part.
 * @typedef {{
 *   part: string, date: string, environment: Environment, smoke: boolean, seconds: number, wallSeconds?: number,
 *   parts: Array<{ part: string, title: string, file: string }>,
 * }} FullRun
 */

const DOC = path.join(ROOT, 'docs', 'performance.md');
const LATEST = path.join(RESULTS_DIR, 'full-latest.json');

/** @param {number} seconds */
function duration(seconds) {
  const s = Math.round(seconds);
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}

/** @param {string} iso */
function utc(iso) {
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC`;
}

/**
 * The page, from a full run's summary and the part files it lists.
 * @param {FullRun} run
 * @param {string} runFile  where `run` was read from (named on the page)
 * @param {{ allowSmoke?: boolean }} [options]  allowSmoke: the smoke test checks the page's structure from a smoke run
 */
function buildDoc(run, runFile, { allowSmoke = false } = {}) {
  if (run.smoke && !allowSmoke) throw new Error(`${runFile} is a smoke run: its numbers mean nothing`);
  const missing = Object.keys(PARTS).filter((name) => !run.parts.some((p) => p.part === name));
  if (missing.length > 0) throw new Error(`${runFile} is not a full run (missing: ${missing.join(', ')})`);
  /** @type {Array<{ name: string, saved: { environment: Environment } }>} */
  const parts = Object.keys(PARTS).map((name) => {
    const entry = run.parts.find((p) => p.part === name);
    if (!entry) throw new Error(`no ${name} results in ${runFile}`);
    return { name, saved: loadResults(entry.file) };
  });
  /** @type {PartReport[]} */
  const reports = parts.map(({ name, saved }) => PARTS[name]().render(saved));
  const env = run.environment;
  const load = parts.map(({ name, saved }) => `${name} ${fmt(saved.environment.loadAvg1, 2)}`).join(', ');
  const v = env.versions;
  // The benchmark keeps about one core busy itself: a load above the core count means other work shared them.
  const busy = parts.filter(({ saved }) => (saved.environment.loadAvg1 ?? 0) > env.cpus);
  const busyNote = busy.length
    ? `**Busy machine.** The 1-minute load average was above the ${env.cpus} CPU cores as ${busy.map(({ name }) => name).join(', ')} ` +
      'ended: other work shared the cores, so the timed figures (ns per call, CPU per request, records/s, loop delay) and ' +
      'the verdicts taken from them carry that noise. Instruction counts (callgrind) do not depend on the load: where a ' +
      'row or a goal gives both, the instruction figure is the one to read.'
    : '';
  const goals = reports.flatMap((r) => r.targets).filter((t) => t.met !== undefined);
  const met = goals.filter((t) => t.met).length;

  const machine = table(
    ['', ''],
    [
      ['date', utc(run.date)],
      ['machine', `${env.cpuModel}, ${env.cpus} CPU cores, ${fmt(env.totalMemMB / 1024, 1)} GiB RAM, ${env.platform}`],
      ['Node.js', `${env.node} (V8 ${env.v8})`],
      [
        'measured',
        `${env.library.name} ${env.library.version} (commit ${env.library.commit}), built, loaded through \`${env.library.entry}\``,
      ],
      ['Nest', `@nestjs/core ${v['@nestjs/core']}, @nestjs/platform-express ${v['@nestjs/platform-express']}`],
      [
        'peers',
        `pino ${v.pino}, nestjs-pino ${v['nestjs-pino']} (pino-http ${v['pino-http']}), winston ${v.winston}, Nest's ConsoleLogger`,
      ],
      ['load generator', `autocannon ${v.autocannon}, 127.0.0.1 only`],
      ['duration', `${duration(run.wallSeconds ?? run.seconds)} for the whole run`],
      ['machine load', `1-minute load average as each part ended: ${load} (the benchmark itself keeps about 1 core busy)`],
    ],
  );

  const goalTable = table(
    ['part', 'goal', 'measured', 'result'],
    goals.map((t) => [t.part, `${t.target}: ${t.goal}`, t.measured, verdict(t.met)]),
  );

  // Per part: the results table, then what was measured besides the goals (the "(info)" rows) and computed notes.
  const sections = reports.map((r) => {
    const info = r.targets
      .filter((t) => t.met === undefined)
      .map((t) => `- ${t.target.replace(/^\(info\) /, '')}: ${t.measured}${t.goal ? ` (compare: ${t.goal})` : ''}`);
    const notes = r.notes ?? [];
    return [
      `### ${r.heading}`,
      '',
      r.caption,
      '',
      r.resultTable,
      '',
      ...(info.length ? [...info, ''] : []),
      ...notes.flatMap((n) => [n, '']),
    ].join('\n');
  });

  const lines = [
    '# Performance',
    '',
    '<!-- Generated by bench/doc.js from the results of a full `npm run bench`. Do not edit by hand. -->',
    '',
    '> **Generated, do not edit by hand.** `npm run bench` measures again and rewrites this page; ' +
      '`npm run bench:doc` regenerates it from the latest saved full run (`bench/results/`) without measuring.',
    '',
    'The promise is "log everything at debug, pay almost nothing until something goes wrong". `bench/` measures ' +
      "it against the loggers Nest applications run today (pino, nestjs-pino, Nest's ConsoleLogger, winston), in " +
      "the same run on the same machine, and reports ratios. The figures below are this machine's: re-run on yours.",
    '',
    '## Run',
    '',
    machine,
    '',
    ...(busyNote ? [busyNote, ''] : []),
    '## Goals',
    '',
    `${met} of ${goals.length} goals met. Computed from the results below; "measured" is the median, with the range of the ` +
      'per-process ratios in parentheses where a goal is a ratio of two loggers measured in the same pass.',
    '',
    goalTable,
    '',
    '## How it is measured',
    '',
    '- **Method**: every measurement runs in forked child processes, each logger alone in its process (no JIT ' +
      'cross-talk between loggers; a fresh server process per HTTP run), over several processes and rounds with ' +
      'the loggers interleaved, so that a slow moment of the machine is spread over all of them. Figures are ' +
      "medians with their spread (quartiles or min and max, as each table says); ratios compare loggers measured in the same run. Children's " +
      'stdout is `/dev/null`, so loggers write as fast as the kernel takes it and nothing reaches a terminal.',
    '- **The library** is the built package (`npm run build`), loaded through its public entry only and booted as ' +
      'an application does: `IncidentLoggerModule.forRoot()`, `bufferLogs: true`, `app.useLogger(app.get(IncidentLogger))`, ' +
      "and `new Logger('Context')` from `@nestjs/common` in the code that logs; request scopes come from HTTP " +
      'requests or `IncidentBuffer.run()`. Default options unless a row says otherwise (`bufferSize` 30).',
    '- **Inputs** are what an application logs: messages built per call with an id interpolated (`cache miss for ' +
      'user:${id}, loading the profile from the database`; one constant message only in a diagnostic row), objects built ' +
      'per call (`{ userId, orderId, items: [3 order lines], flags }`), ids interpolated per request on the HTTP route, a ' +
      'payment workflow ending in an error for incidents. Every peer logs the same lines at debug, and the cost of async ' +
      'loggers includes their writes.',
    ...reports.map((r) => `- **${r.heading}**: ${r.method}`),
    '',
    '## Results',
    '',
    ...sections,
    '## Reproduce',
    '',
    '```bash',
    'npm ci',
    'npm run bench            # every part (a few minutes, 127.0.0.1 only), then rewrites this page',
    'npm run bench -- hot     # one part: hot | memory | http | flush (this page is left alone)',
    'npm run bench:smoke      # tiny rounds of every part, numbers meaningless (what CI runs)',
    'npm run bench:doc        # this page from the latest saved full run, without measuring',
    '```',
    '',
    'Tables go to stdout, progress to stderr; every part saves `bench/results/<part>-<time>.json` with the raw ' +
      'samples (the `full-<time>.json` of a whole run lists them). `BENCH_DIST=<dir>` measures another build of the ' +
      'library (a copy of `dist/` inside the repository). Run on a quiet machine: the HTTP and storm figures move ' +
      'by several percent when something else uses the CPUs.',
    '',
  ];
  return lines.join('\n');
}

/**
 * Writes docs/performance.md from a full run (default: the latest saved one).
 * Returns the page's path relative to the repository.
 * @param {string} [runFile]
 */
function writeDoc(runFile = LATEST) {
  if (!fs.existsSync(path.resolve(ROOT, runFile))) {
    throw new Error(`no full results at ${path.relative(ROOT, path.resolve(ROOT, runFile))}: run \`npm run bench\` (every part) first`);
  }
  /** @type {FullRun} */
  const run = loadResults(runFile);
  const page = buildDoc(run, path.relative(ROOT, path.resolve(ROOT, runFile)));
  fs.mkdirSync(path.dirname(DOC), { recursive: true });
  fs.writeFileSync(DOC, page);
  return path.relative(ROOT, DOC);
}

if (require.main === module) {
  try {
    const file = writeDoc(process.argv[2]);
    process.stdout.write(`wrote ${file}\n`);
  } catch (error) {
    process.stderr.write(`[bench:doc] ${error instanceof Error ? error.message : error}\n`);
    process.exit(1);
  }
}

module.exports = { buildDoc, writeDoc };
