// @ts-check
'use strict';
// Instruction counts with valgrind's callgrind, for a process the benchmark
// starts: the process runs uninstrumented (fast) until `on()`, counters are
// zeroed right before the measured work and dumped right after, and the total
// of the dump (every thread: the main one, V8's compiler and GC threads) is the
// figure. Instruction counts do not move with the machine's load, so a change
// of 1% shows where CPU time on a shared 2-core machine only resolves ~5%.
// valgrind comes from Debian's packages: scripts/ensure-valgrind.sh installs it.
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

/** @returns {{ ok: true, version: string } | { ok: false, reason: string }} */
function callgrindAvailable() {
  const valgrind = spawnSync('valgrind', ['--version'], { encoding: 'utf8' });
  if (valgrind.error || valgrind.status !== 0)
    return { ok: false, reason: 'valgrind is not installed (scripts/ensure-valgrind.sh installs it from Debian packages)' };
  const control = spawnSync('callgrind_control', ['--version'], { encoding: 'utf8' });
  if (control.error) return { ok: false, reason: 'callgrind_control is missing (it ships with valgrind)' };
  return { ok: true, version: valgrind.stdout.trim() };
}

/**
 * Where one thread's dump spent instructions that do not belong to one request: V8's compilers (the
 * inclusive cost of its runtime entries `Runtime_Compile*` and `Runtime_Optimize*`: lazy compilation,
 * Maglev, Turbofan, OSR, all on the main thread with --single-threaded) and garbage collection (the
 * inclusive cost of `Heap::CollectGarbage`: the scavenges; no major GC falls in a count with the servers'
 * flags), from valgrind's callgrind_annotate. A compilation is done once and lands in whichever window
 * reached the function's tiering budget (on Node 24, 90% of a count of 200 messages after 9,000 of
 * warm-up); a scavenge (~20M instructions on Node 20) lands in one window of 200 requests in two or
 * three. Both NaN when callgrind_annotate is missing.
 * @param {string} file
 * @returns {{ compile: number, gc: number }}
 */
function breakdown(file) {
  const result = spawnSync('callgrind_annotate', ['--inclusive=yes', '--threshold=100', file], {
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  if (result.error || result.status !== 0) return { compile: NaN, gc: NaN };
  const sum = (/** @type {RegExp} */ pattern) => {
    let total = 0;
    for (const match of result.stdout.matchAll(pattern)) total += Number(match[1].replace(/,/g, ''));
    return total;
  };
  return {
    compile: sum(/^\s*([\d,]+) .*?[:\s]v8::internal::Runtime_(?:Compile|Optimize)\w*\(/gm),
    gc: sum(/^\s*([\d,]+) .*?[:\s]v8::internal::Heap::CollectGarbage\(/gm),
  };
}

/**
 * A callgrind session: `wrapper` goes in front of the command; the process
 * starts with instrumentation off.
 * @param {string} name  a label for the output files
 */
function callgrindSession(name) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `callgrind-${name.replace(/[^\w.-]/g, '_')}-`));
  const outFile = path.join(dir, 'callgrind.out');
  /** @param {number} pid @param {string[]} args */
  const control = (pid, args) => {
    const result = spawnSync('callgrind_control', [...args, String(pid)], { encoding: 'utf8', timeout: 120_000 });
    if (result.status !== 0 || /Error|not detected/.test(result.stdout + result.stderr))
      throw new Error(`callgrind_control ${args.join(' ')} ${pid} failed: ${result.stdout}${result.stderr}`);
  };
  let dumps = 0;
  return {
    // One file per thread: the main thread's count apart from the total (V8's compiler and GC threads).
    wrapper: ['valgrind', '--tool=callgrind', '--instr-atstart=no', '--separate-threads=yes', `--callgrind-out-file=${outFile}`],
    /** Instrumentation on (translations are redone: slower from now on, counts not yet kept). @param {number} pid */
    on: (pid) => control(pid, ['--instr=on']),
    /** Counters to zero: the measured work starts. @param {number} pid */
    zero: (pid) => control(pid, ['--zero']),
    /**
     * Dumps the counters; returns the instructions executed since the last zero,
     * by the main (JavaScript) thread and by all threads, and those of the main
     * thread that went to V8's compilers and to garbage collection (see breakdown).
     * @param {number} pid
     * @returns {{ main: number, total: number, compile: number, gc: number }}
     */
    dump(pid) {
      control(pid, ['--dump']);
      dumps++;
      const prefix = `callgrind.out.${dumps}-`;
      let main = NaN;
      let total = 0;
      let parts = { compile: NaN, gc: NaN };
      for (const name of fs.readdirSync(dir).filter((n) => n.startsWith(prefix))) {
        const file = path.join(dir, name);
        const text = fs.readFileSync(file, 'utf8');
        if (name.endsWith('-01')) parts = breakdown(file);
        if (!process.env.CALLGRIND_KEEP) fs.rmSync(file);
        const match = /^(?:totals|summary): (\d+)/m.exec(text);
        if (!match) throw new Error(`no totals in ${file}`);
        total += Number(match[1]);
        if (name.endsWith('-01')) main = Number(match[1]);
      }
      if (!Number.isFinite(main)) throw new Error(`no dump of the main thread in ${dir}`);
      return { main, total, ...parts };
    },
    // CALLGRIND_KEEP=1 keeps the dumps (callgrind_annotate <file>: where a window's instructions went).
    cleanup: () =>
      process.env.CALLGRIND_KEEP
        ? process.stderr.write(`[bench] callgrind dumps kept in ${dir}\n`)
        : fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** @typedef {{ main: number, total: number, compile: number, gc: number }} Dump */
/** @typedef {ReturnType<typeof callgrindSession>} CallgrindSession */

/**
 * The counted part of one route or handler, the same for HTTP requests and microservice messages: `settle`
 * units of work instrumented but not counted (V8 still compiles a little after the warm-up), then `windows`
 * counts of `requests` each, and their mean per unit. Without a session (uninstrumented) the same work is done
 * and every figure is NaN.
 * @param {CallgrindSession | undefined} session
 * @param {number} pid  the server's
 * @param {{ settle: number, windows: number, requests: number }} config
 * @param {(n: number) => Promise<unknown>} send  sends n requests or messages, one after the other's answer
 * @returns {Promise<Pick<import('./callgrind.tables').CallgrindRun, 'requests' | 'mainPerRequest' | 'totalPerRequest' | 'windows' | 'compile' | 'gc'>>}
 */
async function countWindows(session, pid, config, send) {
  await send(config.settle);
  /** @type {Dump[]} */
  const counts = [];
  for (let w = 0; w < config.windows; w++) {
    session?.zero(pid);
    await send(config.requests);
    counts.push(session ? session.dump(pid) : { main: NaN, total: NaN, compile: NaN, gc: NaN });
  }
  const mean = (/** @type {keyof Dump} */ key) => counts.reduce((sum, c) => sum + c[key], 0) / counts.length;
  const perRequest = (/** @type {keyof Dump} */ key) => counts.map((c) => c[key] / config.requests);
  return {
    requests: config.requests,
    mainPerRequest: mean('main') / config.requests,
    totalPerRequest: mean('total') / config.requests,
    windows: perRequest('main'),
    compile: perRequest('compile'),
    gc: perRequest('gc'),
  };
}

module.exports = { callgrindAvailable, callgrindSession, countWindows };
