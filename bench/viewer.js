// @ts-check
'use strict';
// The viewer on a large rotated set (issue 13 part 4: "works on a file of 1 GB
// without loading it whole, measure it"). Writes ~1 GiB of incidents per format
// through the real RotatingFileTarget (base + 3 backups of 256 MiB; backupCount 4 so none is deleted),
// then times the built CLI with /usr/bin/time -v: elapsed time and peak RSS.
//
//   npm run build && node bench/viewer.js [--mib 1024] [--format json|text|both] [--keep]
//
// The files go to bench/results/viewer/ (git-ignored) and are deleted at the
// end unless --keep; the numbers go to bench/results/viewer.json and stdout.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');
const CLI = path.join(ROOT, 'dist', 'viewer', 'cli.js');
const OUT = path.join(ROOT, 'bench', 'results', 'viewer');
const BASE_TIME = Date.UTC(2026, 2, 4, 0, 0, 0, 0);
const NEEDLE = 'needle-7f3a9c';
const LAST_ID = 'ffffffff-8d1b-4c3e-9a7f-000000000000';

/** @typedef {typeof import('nestjs-incident-logger')} Library */
/** @typedef {import('nestjs-incident-logger').Incident} Incident */
/** @typedef {import('nestjs-incident-logger').IncidentRecord} IncidentRecord */

/** @param {string} name @param {string} fallback */
function option(name, fallback) {
  const index = process.argv.indexOf(name);
  return index === -1 ? fallback : process.argv[index + 1];
}

/** @param {number} n @returns {string} */
function idOf(n) {
  return `5f0c6a2e-8d1b-4c3e-9a7f-${n.toString(16).padStart(12, '0')}`;
}

/**
 * A 20-record request incident, ~2.5 KB in either format.
 * @param {number} n @param {string} [extra] @returns {Incident}
 */
function incident(n, extra = '') {
  const time = BASE_TIME + n * 50;
  /** @type {IncidentRecord[]} */
  const records = [];
  for (let seq = 1; seq <= 20; seq++) {
    records.push({
      level: seq === 20 ? 'error' : 'debug',
      timestamp: time + seq,
      context: seq === 20 ? 'PaymentsClient' : 'OrdersService',
      message: seq === 20 ? `payment gateway down for order ${n}${extra}` : `step ${seq} of order ${n}: loaded ${seq * 3} items`,
      ...(seq === 20
        ? { stack: `BadGatewayException: payment gateway down\n    at PaymentsClient.charge (/app/dist/payments.client.js:41:13)` }
        : {}),
    });
  }
  return {
    id: idOf(n),
    reason: 'level',
    scope: 'request',
    records,
    trigger: records[19],
    dropped: 0,
    request: { id: `req-${n}`, kind: 'http', method: 'POST', url: `/orders/${n}/pay` },
  };
}

/**
 * Writes incidents until the set holds `bytes`; returns the count.
 * @param {Library} library @param {string} filename @param {'json' | 'text'} format @param {number} bytes
 */
async function writeSet(library, filename, format, bytes) {
  const target = new library.RotatingFileTarget({ filename, format, maxBytes: 256 * 1024 * 1024, backupCount: 4, fsync: false });
  let n = 0;
  while (target.stats.writtenBytes < bytes) {
    // A few MiB per batch, under maxPendingBytes (8 MiB), then wait for the disk.
    for (let i = 0; i < 1000; i++) {
      n++;
      target.write(incident(n, n % 100_000 === 77_777 ? ` ${NEEDLE}` : ''));
    }
    await target.flush();
  }
  // The newest incident, with an id no other starts like, for `show <prefix>`.
  target.write({ ...incident(n + 1), id: LAST_ID });
  await target.close();
  return n;
}

/**
 * Runs the CLI under /usr/bin/time -v, stdout to /dev/null (or counted).
 * @param {string[]} args
 */
function measure(args) {
  const child = spawnSync('/usr/bin/time', ['-v', process.execPath, CLI, ...args], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const stderr = child.stderr;
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(stderr);
  const elapsed = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)/.exec(stderr);
  const seconds = elapsed ? elapsed[1].split(':').reduce((total, part) => total * 60 + Number(part), 0) : Number.NaN;
  return {
    command: `nestjs-incident-logger ${args.join(' ')}`,
    exit: child.status,
    seconds,
    peakRssMiB: rss ? Math.round(Number(rss[1]) / 1024) : Number.NaN,
    stdoutLines: child.stdout.split('\n').length - 1,
  };
}

async function main() {
  if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build first`);
  /** @type {Library} */
  const library = require(path.join(ROOT, 'dist'));
  const mib = Number(option('--mib', '1024'));
  const which = option('--format', 'both');
  /** @type {Array<'json' | 'text'>} */
  const formats = which === 'both' ? ['json', 'text'] : [/** @type {'json' | 'text'} */ (which)];
  const results = [];
  for (const format of formats) {
    const dir = path.join(OUT, format);
    fs.rmSync(dir, { recursive: true, force: true });
    const base = path.join(dir, 'incidents.log');
    const started = Date.now();
    const count = await writeSet(library, base, format, mib * 1024 * 1024);
    const files = fs.readdirSync(dir).map((name) => fs.statSync(path.join(dir, name)).size);
    const total = files.reduce((sum, size) => sum + size, 0);
    process.stdout.write(
      `${format}: ${count} incidents, ${files.length} files, ${(total / 1024 / 1024).toFixed(0)} MiB written in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
    );
    // The oldest incident still in the set: the first one of the oldest backup.
    const backups = fs
      .readdirSync(dir)
      .filter((name) => /\.\d+$/.test(name))
      .sort();
    const oldest = fs
      .readFileSync(path.join(dir, backups.length > 0 ? backups[backups.length - 1] : 'incidents.log'), 'utf8')
      .slice(0, 300);
    const firstId = /"incident":"([^"]+)"|=== INCIDENT (\S+)/.exec(oldest);
    const first = firstId ? (firstId[1] ?? firstId[2]) : idOf(1);
    const runs = [
      measure(['list', base]),
      measure(['list', base, '--grep', NEEDLE]),
      measure(['list', base, '--json', '--since', new Date(BASE_TIME + (count - 1000) * 50).toISOString()]),
      measure(['show', LAST_ID, base]),
      measure(['show', first, base]),
      measure(['show', LAST_ID.slice(0, 8), base, '--json']),
    ];
    for (const run of runs) {
      process.stdout.write(
        `  ${run.command.replace(base, `${format}/incidents.log`)}: ${run.seconds.toFixed(2)} s, peak RSS ${run.peakRssMiB} MiB, ${run.stdoutLines} lines, exit ${run.exit}\n`,
      );
    }
    results.push({ format, incidents: count, files: files.length, bytes: total, runs });
    if (!process.argv.includes('--keep')) fs.rmSync(dir, { recursive: true, force: true });
  }
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, 'bench', 'results', 'viewer.json'),
    `${JSON.stringify({ node: process.version, date: new Date().toISOString(), results }, null, 2)}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`${error.stack ?? error}\n`);
  process.exitCode = 1;
});
