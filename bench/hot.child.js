// @ts-check
'use strict';
// One subject of the hot-path benchmark, alone in its process (no JIT
// cross-talk between loggers). Usage (forked by bench/hot.js):
//   node --expose-gc bench/hot.child.js <subject> <burst,sustained> <rounds> <roundMs> <warmupMs> <burstSize>
// Sends { subject, modes: { burst: { nsPerCall: [...one value per round] }, sustained: ... } } over IPC.
// Instruction counts (bench/hot.instructions.js runs it under callgrind):
//   node bench/hot.child.js <subject> count <warmCalls> <calls> <burstSize>
// makes <warmCalls> then <calls> calls in bursts (each in its scope), synchronously, and exits: no IPC, nothing timed.
// Every call builds its message (or object) as application code does: an id interpolated per call.
const fs = require('node:fs');
const { AsyncLocalStorage } = require('node:async_hooks');
const { childMain, median, pinoIdle, sendResult, untilImmediate } = require('./common');

/**
 * What this child sends: per mode, ns per call of each round.
 * @typedef {{
 *   subject: string,
 *   modes: Record<string, { nsPerCall: number[], callsPerRound: number }>,
 *   burstSize: number,
 *   timerOverheadNs: number,
 *   sink: number,
 * }} HotChildResult
 */
/**
 * A logger under test. `call` is one log call; `scoped` wraps a burst (a
 * request-like scope); `written` resolves once an async logger has written
 * everything it queued (its writes are part of its cost, timed).
 * @typedef {{ call: () => void, scoped?: (fn: () => number) => number, written?: () => Promise<unknown> }} Subject
 */

const CONSTANT_MESSAGE = 'cache miss for user:42, loading the profile from the database';
/** The message as application code builds it: an id interpolated per call (61-63 characters, a fresh non-flat string each time). */
const message = (/** @type {number} */ id) => `cache miss for user:${id}, loading the profile from the database`;
/**
 * The object argument Nest services log, built per call: ids that change, three order lines, flags.
 * @param {number} n
 */
const orderObject = (n) => ({
  userId: `u-${n}`,
  orderId: n,
  items: [
    { sku: `SKU-${n}`, qty: 2, price: 19.99 },
    { sku: `SKU-${n + 1}`, qty: 1, price: 5.5 },
    { sku: `SKU-${n + 2}`, qty: 3, price: 120 },
  ],
  flags: { express: true, giftWrap: false },
});
const CONTEXT = 'UsersService';
/** @type {import('@nestjs/common').LogLevel[]} */
const ALL_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];
/** A common production set-up: Nest's logger with debug and verbose filtered out. */
/** @type {import('@nestjs/common').LogLevel[]} */
const NO_DEBUG = ['log', 'warn', 'error', 'fatal'];

const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Resolves once a pino destination (sonic-boom, async) has handed to the kernel
 * every byte it was given. Not `flush(cb)`: with the default minLength 0 it
 * calls back at once, before anything is written. Sonic-boom emits 'drain'
 * from its write callback when its buffer is empty and no write is in flight
 * (pinoIdle reads the same two fields), so the wait is idle, not a polling
 * loop competing with the write for the CPU.
 * @param {import('pino').DestinationStream} dest
 */
const sonicWritten = (dest) =>
  new Promise((resolve) => {
    if (pinoIdle(dest)) return resolve(undefined);
    /** @type {import('node:events').EventEmitter} */ (/** @type {unknown} */ (dest)).once('drain', resolve);
  });

/** An async pino destination on /dev/null, open. */
async function devNullDestination(/** @type {boolean} */ sync) {
  const pino = require('pino');
  const dest = pino.destination({ dest: '/dev/null', sync });
  if (!sync) await new Promise((resolve) => dest.once('ready', resolve));
  return dest;
}

/** Nest's Logger facade in front of `overrideWith` (Logger.overrideLogger, as app.useLogger does). */
function nestLogger(/** @type {import('@nestjs/common').LoggerService | import('@nestjs/common').LogLevel[] | boolean} */ overrideWith) {
  const { Logger } = require('@nestjs/common');
  Logger.overrideLogger(overrideWith);
  const log = new Logger(CONTEXT);
  return log;
}

/** nestjs-pino booted as a Nest app does (LoggerModule.forRoot, app.useLogger), to an async /dev/null destination. */
async function nestjsPino() {
  require('reflect-metadata');
  const { Module, Logger } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
  const { LoggerModule, Logger: PinoNestLogger } = require('nestjs-pino');
  const dest = await devNullDestination(false);
  class PinoBenchModule {}
  Module({ imports: [LoggerModule.forRoot({ pinoHttp: [{ level: 'debug' }, dest] })] })(PinoBenchModule);
  const app = await NestFactory.createApplicationContext(PinoBenchModule, { bufferLogs: true });
  app.useLogger(app.get(PinoNestLogger));
  app.flushLogs();
  return { log: new Logger(CONTEXT), dest };
}

let sink = 0;
let n = 0;

/** @type {Record<string, () => Promise<Subject>>} `call` is one log call, its message or object built in it. */
const SUBJECTS = {
  // Reference points (same harness): an empty call, the clock, the ALS lookup, building the message or object alone.
  'ref-empty-call': async () => {
    const noop = (/** @type {string} */ m) => {
      sink ^= m.length;
    };
    return { call: () => noop(CONSTANT_MESSAGE) };
  },
  'ref-date-now': async () => ({ call: () => (sink ^= Date.now()) }),
  'ref-als-getstore': async () => {
    const als = new AsyncLocalStorage();
    const store = { n: 1 };
    return { call: () => (sink ^= als.getStore().n), scoped: (fn) => als.run(store, fn) };
  },
  'ref-message': async () => ({ call: () => (sink ^= message(++n).length) }),
  'ref-json-object': async () => ({ call: () => (sink ^= JSON.stringify(orderObject(++n)).length) }),

  // The floor: ConsoleLogger with debug filtered out, through Nest's Logger facade (NestFactory.create(..., { logger: levels })).
  'nest-disabled': async () => {
    const log = nestLogger(NO_DEBUG);
    return { call: () => log.debug(message(++n)) };
  },
  // The facade with no logger at all (NestFactory.create(..., { logger: false })).
  'nest-logger-false': async () => {
    const log = nestLogger(false);
    return { call: () => log.debug(message(++n)) };
  },
  // Nest's ConsoleLogger at debug; stdout of this process is /dev/null (sync file writes).
  'nest-console': async () => {
    const { ConsoleLogger } = require('@nestjs/common');
    const log = nestLogger(new ConsoleLogger({ logLevels: ALL_LEVELS }));
    return { call: () => log.debug(message(++n)) };
  },

  // This module, through the facade, after app.useLogger(app.get(IncidentLogger)).
  'incident-request': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    // A fresh request-like scope per burst (IncidentBuffer.run): the first record allocates the ring.
    return { call: () => log.debug(message(++n)), scoped: (fn) => buffer.run(fn) };
  },
  // Diagnostic: the same with one constant, already flat message (what the bench measured before).
  'incident-request-constant': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(CONSTANT_MESSAGE), scoped: (fn) => buffer.run(fn) };
  },
  // Diagnostic: the same with redaction off (what redaction costs on the way in).
  'incident-request-noredact': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext({ redact: false });
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(message(++n)), scoped: (fn) => buffer.run(fn) };
  },
  'incident-global': async () => {
    const { createIncidentContext } = require('./library');
    const { Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(message(++n)) };
  },

  // Without the facade: the logger's own cost (what the module controls).
  'incident-direct': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, logger } = await createIncidentContext();
    return { call: () => logger.debug(message(++n), CONTEXT), scoped: (fn) => buffer.run(fn) };
  },
  'nest-disabled-direct': async () => {
    const { ConsoleLogger } = require('@nestjs/common');
    const log = new ConsoleLogger(CONTEXT, { logLevels: NO_DEBUG });
    return { call: () => log.debug(message(++n)) };
  },

  // nestjs-pino through the facade (what a Nest app with pino runs), to /dev/null.
  'nestjs-pino': async () => {
    const { log, dest } = await nestjsPino();
    return { call: () => log.debug(message(++n)), written: () => sonicWritten(dest) };
  },

  // pino, enabled at debug, to /dev/null.
  'pino-async': async () => {
    const pino = require('pino');
    const dest = await devNullDestination(false);
    const log = pino({ level: 'debug' }, dest);
    return { call: () => log.debug(message(++n)), written: () => sonicWritten(dest) };
  },
  'pino-sync': async () => {
    const pino = require('pino');
    const log = pino({ level: 'debug' }, await devNullDestination(true));
    return { call: () => log.debug(message(++n)) };
  },

  // winston at debug, timestamp + json, to a /dev/null file stream.
  winston: async () => {
    const winston = require('winston');
    const stream = fs.createWriteStream('/dev/null');
    await new Promise((resolve) => stream.once('open', resolve));
    const transport = new winston.transports.Stream({ stream });
    const log = winston.createLogger({
      level: 'debug',
      format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
      transports: [transport],
    });
    const idle = () =>
      log.writableLength === 0 && log.readableLength === 0 && transport.writableLength === 0 && stream.writableLength === 0;
    // Polled each loop turn: winston's streams have no "all written" event short of ending them.
    return { call: () => log.debug(message(++n)), written: () => untilImmediate(idle) };
  },

  // An object argument built per call: this module through the facade in a request scope, pino and nestjs-pino writing it.
  'incident-object': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(orderObject(++n)), scoped: (fn) => buffer.run(fn) };
  },
  'pino-object-async': async () => {
    const pino = require('pino');
    const dest = await devNullDestination(false);
    const log = pino({ level: 'debug' }, dest);
    return { call: () => log.debug(orderObject(++n)), written: () => sonicWritten(dest) };
  },
  'pino-object-sync': async () => {
    const pino = require('pino');
    const log = pino({ level: 'debug' }, await devNullDestination(true));
    return { call: () => log.debug(orderObject(++n)) };
  },
  'nestjs-pino-object': async () => {
    const { log, dest } = await nestjsPino();
    return { call: () => log.debug(orderObject(++n)), written: () => sonicWritten(dest) };
  },
};

/** ns for n calls. @param {() => void} call @param {number} n */
function timedLoop(call, n) {
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) call();
  return Number(process.hrtime.bigint() - t0);
}

function timerOverheadNs() {
  const samples = [];
  for (let i = 0; i < 2000; i++) {
    const t0 = process.hrtime.bigint();
    samples.push(Number(process.hrtime.bigint() - t0));
  }
  return median(samples);
}

/**
 * ns per call over `bursts` bursts of `burstSize` calls, the event loop turning between them (untimed).
 * A burst of an async logger is timed until its writes are done (wall time: it includes the thread pool's
 * latency, which a busy server would spend on other work; the sync rows are the same writes made inline).
 * @param {Subject} subject @param {number} bursts @param {number} burstSize @param {number} overhead
 */
async function runBursts(subject, bursts, burstSize, overhead) {
  const { call, scoped, written } = subject;
  const loop = () => timedLoop(call, burstSize);
  let ns = 0;
  for (let b = 0; b < bursts; b++) {
    if (written) {
      const t0 = process.hrtime.bigint();
      loop();
      await written();
      ns += Math.max(0, Number(process.hrtime.bigint() - t0) - overhead);
    } else {
      ns += Math.max(0, (scoped ? scoped(loop) : loop()) - overhead);
    }
    // Between requests: the event loop turns (untimed).
    await yieldLoop();
  }
  return ns / (bursts * burstSize);
}

/** ns per call over one long batch, until an async logger has written it. @param {Subject} subject @param {number} calls */
async function runSustained(subject, calls) {
  const { call, scoped, written } = subject;
  const t0 = process.hrtime.bigint();
  if (scoped) scoped(() => timedLoop(call, calls));
  else timedLoop(call, calls);
  if (written) await written(); // the cost of an async logger includes writing what it queued
  return Number(process.hrtime.bigint() - t0) / calls;
}

/**
 * @param {Subject} subject
 * @param {string} mode  burst | sustained
 * @param {{ rounds: number, roundMs: number, warmupMs: number, burstSize: number }} options
 * @param {number} overhead  ns the timer itself costs
 */
async function measure(subject, mode, { rounds, roundMs, warmupMs, burstSize }, overhead) {
  const gc = global.gc || (() => {});
  // Warm-up (JIT) and an estimate of the cost, to size the rounds by time.
  /** @type {number} */
  let estimate;
  const warmEnd = Date.now() + warmupMs;
  let bursts = 8;
  do {
    const t0 = Date.now();
    estimate = mode === 'burst' ? await runBursts(subject, bursts, burstSize, overhead) : await runSustained(subject, bursts * burstSize);
    if ((Date.now() - t0) * 4 < warmupMs) bursts *= 2; // grow the step until it is a quarter of the warm-up
  } while (Date.now() < warmEnd);
  estimate = Math.max(estimate, 1);
  const nsPerCall = [];
  const callsPerRound = Math.max(burstSize * 4, Math.round((roundMs * 1e6) / estimate / burstSize) * burstSize);
  for (let r = 0; r < rounds; r++) {
    gc();
    await yieldLoop();
    nsPerCall.push(
      mode === 'burst'
        ? await runBursts(subject, callsPerRound / burstSize, burstSize, overhead)
        : await runSustained(subject, callsPerRound),
    );
  }
  return { nsPerCall, callsPerRound };
}

/** The builtin the counted calls run under: callgrind collects inside it only (--toggle-collect); nothing else calls it. */
const COUNTED_BUILTIN = 'Builtins_TypedArrayPrototypeReduceRight';

/**
 * `warm` calls, then `calls` calls under COUNTED_BUILTIN, in bursts of `burstSize`, each burst in its scope,
 * with no event-loop turn between them: under callgrind with --toggle-collect, the instructions counted are
 * those of the calls (and of the collections they cause), nothing of the boot or warm-up. Sync subjects only.
 * @param {Subject} subject @param {number} warm @param {number} calls @param {number} burstSize
 */
function countOnly(subject, warm, calls, burstSize) {
  if (subject.written) throw new Error('instruction counts are for loggers that write synchronously');
  const { call, scoped } = subject;
  const burst = () => {
    for (let i = 0; i < burstSize; i++) call();
    return 0;
  };
  const oneBurst = (/** @type {number} */ acc) => (scoped ? scoped(burst) : burst()) + acc;
  for (let done = 0; done < warm; done += burstSize) oneBurst(0);
  if (scoped) {
    // What runs once per scope (opening and ending it) runs 30 times less often than a log call: without
    // `warm` scopes of their own, V8 was still compiling it during the count (seen with --trace-opt).
    const one = () => {
      call();
      return 0;
    };
    for (let i = 0; i < warm; i++) scoped(one);
  }
  global.gc?.(); // a collection first: the collections inside the count are the calls' own, the same in every run
  // The collection drops optimised code that V8 then recompiled during the count (--trace-opt): warm again.
  for (let done = 0; done < warm; done += burstSize) oneBurst(0);
  // Check that nothing is compiled in the count: BENCH_TRACE_COUNT=1 node --single-threaded --predictable
  // --expose-gc --trace-opt --trace-deopt bench/hot.child.js <subject> count ...: nothing after this line.
  if (process.env.BENCH_TRACE_COUNT) process.stderr.write('--- count starts\n');
  sink ^= new Uint8Array(Math.ceil(calls / burstSize)).reduceRight(oneBurst, 0);
}

async function main() {
  const [name, modesArg, roundsArg, roundMsArg, warmupMsArg, burstArg] = process.argv.slice(2);
  if (modesArg === 'count') {
    if (!SUBJECTS[name]) throw new Error(`unknown subject ${name}`);
    countOnly(await SUBJECTS[name](), Number(roundsArg), Number(roundMsArg), Number(warmupMsArg));
    process.stderr.write(`sink ${sink & 1}\n`);
    return;
  }
  const options = { rounds: Number(roundsArg), roundMs: Number(roundMsArg), warmupMs: Number(warmupMsArg), burstSize: Number(burstArg) };
  if (!SUBJECTS[name]) throw new Error(`unknown subject ${name}`);
  const subject = await SUBJECTS[name]();
  const overhead = timerOverheadNs();
  /** @type {HotChildResult['modes']} */
  const modes = {};
  // Bursts first (request-like: a few calls, then the event loop turns), then sustained.
  for (const mode of modesArg.split(',')) modes[mode] = await measure(subject, mode, options, overhead);
  /** @type {HotChildResult} */
  const result = { subject: name, modes, burstSize: options.burstSize, timerOverheadNs: overhead, sink: sink & 1 };
  await sendResult(result);
}

if (require.main === module) childMain(main);

module.exports = { COUNTED_BUILTIN };
