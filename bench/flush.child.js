// @ts-check
'use strict';
// Part 4, flush: one writer alone in its process. Usage (forked by bench/flush.js):
//   node bench/flush.child.js <subject> <incidents> <records> <rounds> <stormMs> <stormRate> <dir>
// subject: rotating-json | rotating-text | pino-file | discard
// An "incident" is one request-like scope that logs (records - 1) debug lines
// and one error; with this module the error writes the window (records lines
// plus a header) to the target; pino writes the same records as they come.
// Throughput: incidents produced 20 per event-loop turn, timed until written.
// Storm: incidents at a fixed rate from a 1 ms interval for stormMs, with
// perf_hooks.monitorEventLoopDelay running.
const fs = require('node:fs');
const path = require('node:path');
const { monitorEventLoopDelay } = require('node:perf_hooks');
const { childMain, pinoIdle, sendResult, until } = require('./common');

/** @typedef {{ written: number, dropped: number, bytes: number, rotations?: number }} WriterStats */
/**
 * A writer under test: `incident(i)` produces one incident; `settle()` resolves
 * when everything is written, `drain()` when it is also synced.
 * @typedef {{ incident: (i: number) => void, settle: () => Promise<unknown>, drain: () => Promise<unknown>, stats: () => WriterStats }} Writer
 */
/** @typedef {{ p50: number, p99: number, max: number, mean: number }} Delays */
/** @typedef {{ seconds: number, written: number, dropped: number, bytes: number }} ThroughputRound */
/**
 * @typedef {{ produced: number, written: number, dropped: number, rotations: number | undefined, longestProducerTurnMs: number, delayMs: Delays }} StormResult
 */
/**
 * What this child sends.
 * @typedef {{ kind: string, records: number, rounds: ThroughputRound[], idle: Delays, storm: StormResult, diskBytes: number }} FlushChildResult
 */

const PER_TURN = 20;
const MESSAGES = [
  'POST /orders: validating the payload',
  'loading customer 8812 from the cache',
  'cache miss, querying customers by id',
  'applying 2 discounts to the cart',
  'reserving stock for 3 lines',
  'stock reserved in warehouse eu-west-1',
  'calling the payment provider',
  'payment provider answered 502, retrying',
  'retry 1/1: payment provider answered 502',
];
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves once a pino destination has written everything it was given (polled every millisecond). */
const sonicDrained = (/** @type {import('pino').DestinationStream} */ dest) => until(() => pinoIdle(dest));

/** @param {string} dir */
function dirBytes(dir) {
  return fs.readdirSync(dir).reduce((sum, name) => sum + fs.statSync(path.join(dir, name)).size, 0);
}

/**
 * This module: RotatingFileTarget (json or text), or a discarding target.
 * @param {string} kind
 * @param {number} records
 * @param {string} dir
 * @returns {Promise<Writer>}
 */
async function moduleSubject(kind, records, dir) {
  const { createIncidentContext, discardTarget, loadLibrary } = require('./library');
  const { RotatingFileTarget } = loadLibrary();
  const file =
    kind === 'discard'
      ? undefined
      : new RotatingFileTarget({
          filename: path.join(dir, 'incidents.log'),
          maxBytes: 4 * 1024 * 1024,
          backupCount: 3,
          format: kind === 'rotating-text' ? 'text' : 'json',
        });
  // Storm control off: the same failure 6,000 times would otherwise be written once and then as repeat lines
  // or not at all (the default, what a real storm should get); this part measures writing incidents in full.
  const { buffer, Logger } = await createIncidentContext({ bufferSize: 30, targets: [file ?? discardTarget], storm: false });
  const log = new Logger('OrdersService');
  let produced = 0;
  return {
    incident(i) {
      buffer.run(() => {
        for (let j = 0; j < records - 1; j++) log.debug(MESSAGES[j % MESSAGES.length]);
        log.error(`order ${i}: payment failed after retries`);
      });
      produced++;
    },
    /** Everything written (no fsync). */
    settle() {
      return file ? until(() => file.stats.pendingIncidents === 0) : Promise.resolve();
    },
    /** Written and synced: flush() as on shutdown. */
    async drain() {
      if (file) await file.flush();
    },
    stats() {
      if (!file) return { written: produced, dropped: 0, bytes: 0 };
      const s = file.stats;
      return { written: s.written, dropped: s.dropped, bytes: s.writtenBytes, rotations: s.rotations };
    },
  };
}

/**
 * pino writing the same records to a file, as they come.
 * @param {number} records
 * @param {string} dir
 * @returns {Promise<Writer>}
 */
async function pinoSubject(records, dir) {
  const pino = require('pino');
  const file = path.join(dir, 'pino.log');
  const dest = pino.destination({ dest: file, sync: false });
  await new Promise((resolve) => dest.once('ready', resolve));
  const fd = /** @type {{ fd?: unknown }} */ (/** @type {unknown} */ (dest)).fd;
  if (typeof fd !== 'number') throw new Error('pino destination without a file descriptor');
  const log = pino({ level: 'debug' }, dest).child({ context: 'OrdersService' });
  let produced = 0;
  let drainedAt = 0;
  return {
    incident(i) {
      for (let j = 0; j < records - 1; j++) log.debug(MESSAGES[j % MESSAGES.length]);
      log.error(`order ${i}: payment failed after retries`);
      produced++;
    },
    settle() {
      return sonicDrained(dest);
    },
    async drain() {
      await sonicDrained(dest);
      fs.fsyncSync(fd); // like the rotating file's flush() (fsync: true by default)
      drainedAt = produced;
    },
    stats() {
      return { written: drainedAt, dropped: 0, bytes: fs.statSync(file).size };
    },
  };
}

/**
 * Incidents produced PER_TURN per event-loop turn, timed until written and synced.
 * @param {Writer} subject
 * @param {number} incidents
 * @returns {Promise<ThroughputRound>}
 */
async function throughput(subject, incidents) {
  const before = subject.stats();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < incidents;) {
    for (let k = 0; k < PER_TURN && i < incidents; k++) subject.incident(i++);
    await nextTurn();
  }
  await subject.drain();
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const after = subject.stats();
  const written = after.written - before.written;
  const dropped = after.dropped - before.dropped;
  // Every incident is accounted for, or the round measured something else (storm control once wrote none of them).
  if (written + dropped !== incidents) throw new Error(`${incidents} incidents produced, ${written} written and ${dropped} dropped`);
  return { seconds, written, dropped, bytes: after.bytes - before.bytes };
}

const RESOLUTION_MS = 1;
/** monitorEventLoopDelay records the interval between its 1 ms timer's runs: minus 1 ms = the delay. */
/** @param {import('node:perf_hooks').IntervalHistogram} histogram @returns {Delays} */
function delays(histogram) {
  const ms = (/** @type {number} */ ns) => Math.max(0, ns / 1e6 - RESOLUTION_MS);
  return { p50: ms(histogram.percentile(50)), p99: ms(histogram.percentile(99)), max: ms(histogram.max), mean: ms(histogram.mean) };
}

/** @param {number} ms */
async function idleDelay(ms) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  histogram.enable();
  await new Promise((resolve) => setTimeout(resolve, ms));
  histogram.disable();
  return delays(histogram);
}

/**
 * @param {Writer} subject
 * @param {number} stormMs
 * @param {number} rate  incidents per second
 * @returns {Promise<StormResult>}
 */
async function storm(subject, stormMs, rate) {
  const histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  const before = subject.stats();
  let produced = 0;
  let longestTurnMs = 0;
  histogram.enable();
  const start = process.hrtime.bigint();
  await new Promise((/** @type {(value?: unknown) => void} */ resolve) => {
    const timer = setInterval(() => {
      const t0 = process.hrtime.bigint();
      const elapsedMs = Number(t0 - start) / 1e6;
      const due = Math.floor((rate * Math.min(elapsedMs, stormMs)) / 1000);
      while (produced < due) subject.incident(produced++);
      longestTurnMs = Math.max(longestTurnMs, Number(process.hrtime.bigint() - t0) / 1e6);
      if (elapsedMs >= stormMs) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  // Keep measuring while the writes queued by the storm complete (the final fsync is not part of it).
  await subject.settle();
  histogram.disable();
  await subject.drain();
  const after = subject.stats();
  return {
    produced,
    written: after.written - before.written,
    dropped: after.dropped - before.dropped,
    rotations: after.rotations,
    longestProducerTurnMs: longestTurnMs,
    delayMs: delays(histogram),
  };
}

async function main() {
  const [kind, incidentsArg, recordsArg, roundsArg, stormMsArg, rateArg, dirArg] = process.argv.slice(2);
  const incidents = Number(incidentsArg);
  const records = Number(recordsArg);
  const dir = fs.mkdtempSync(path.join(dirArg, `${kind}-`));
  try {
    const subject = kind === 'pino-file' ? await pinoSubject(records, dir) : await moduleSubject(kind, records, dir);
    await throughput(subject, Math.min(incidents, 200)); // warm-up
    const rounds = [];
    for (let r = 0; r < Number(roundsArg); r++) {
      global.gc?.();
      rounds.push(await throughput(subject, incidents));
    }
    global.gc?.();
    const idle = await idleDelay(Math.min(500, Number(stormMsArg)));
    const stormResult = await storm(subject, Number(stormMsArg), Number(rateArg));
    /** @type {FlushChildResult} */
    const result = { kind, records, rounds, idle, storm: stormResult, diskBytes: dirBytes(dir) };
    await sendResult(result);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) childMain(main);

module.exports = {};
