// @ts-check
'use strict';
// One subject of the hot-path benchmark, alone in its process (no JIT
// cross-talk between loggers). Usage (forked by bench/hot.js):
//   node --expose-gc bench/hot.child.js <subject> <burst,sustained> <rounds> <roundMs> <warmupMs> <burstSize>
// Sends { subject, modes: { burst: { nsPerCall: [...one value per round] }, sustained: ... } } over IPC.
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
 * request-like scope); `drain` resolves once an async logger has written everything.
 * @typedef {{ call: () => void, scoped?: (fn: () => number) => number, drain?: () => Promise<unknown> }} Subject
 */

const MESSAGE = 'cache miss for user:42, loading the profile from the database';
const CONTEXT = 'UsersService';
/** @type {import('@nestjs/common').LogLevel[]} */
const ALL_LEVELS = ['verbose', 'debug', 'log', 'warn', 'error', 'fatal'];

const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

/** Resolves once a pino destination has written everything it was given. */
const sonicDrained = (/** @type {import('pino').DestinationStream} */ dest) => untilImmediate(() => pinoIdle(dest));

/** Nest's Logger facade in front of `overrideWith` (Logger.overrideLogger, as app.useLogger does). */
function nestLogger(/** @type {import('@nestjs/common').LoggerService | import('@nestjs/common').LogLevel[] | boolean} */ overrideWith) {
  const { Logger } = require('@nestjs/common');
  Logger.overrideLogger(overrideWith);
  const log = new Logger(CONTEXT);
  return log;
}

let sink = 0;

/** @type {Record<string, () => Promise<Subject>>} `call` is what one log call costs. */
const SUBJECTS = {
  // Reference points (same harness): an empty call, the clock, the ALS lookup.
  'ref-empty-call': async () => {
    const noop = (/** @type {string} */ m) => {
      sink ^= m.length;
    };
    return { call: () => noop(MESSAGE) };
  },
  'ref-date-now': async () => ({ call: () => (sink ^= Date.now()) }),
  'ref-als-getstore': async () => {
    const als = new AsyncLocalStorage();
    const store = { n: 1 };
    return { call: () => (sink ^= als.getStore().n), scoped: (fn) => als.run(store, fn) };
  },

  // The floor: a debug call through Nest's Logger facade with debug disabled (Nest's default logger).
  'nest-disabled': async () => {
    const log = nestLogger(['log', 'warn', 'error', 'fatal']);
    return { call: () => log.debug(MESSAGE) };
  },
  // The facade with no logger at all (NestFactory.create(..., { logger: false })).
  'nest-logger-false': async () => {
    const log = nestLogger(false);
    return { call: () => log.debug(MESSAGE) };
  },
  // Nest's ConsoleLogger at debug; stdout of this process is /dev/null (sync file writes).
  'nest-console': async () => {
    const { ConsoleLogger } = require('@nestjs/common');
    const log = nestLogger(new ConsoleLogger({ logLevels: ALL_LEVELS }));
    return { call: () => log.debug(MESSAGE) };
  },

  // This module, through the facade, after app.useLogger(app.get(IncidentLogger)).
  'incident-request': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    // A fresh request-like scope per burst (IncidentBuffer.run): the first record allocates the ring.
    return { call: () => log.debug(MESSAGE), scoped: (fn) => buffer.run(fn) };
  },
  // Diagnostic: the same with redaction off (what deferring redaction to flush time would give).
  'incident-request-noredact': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, Logger } = await createIncidentContext({ redact: false });
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(MESSAGE), scoped: (fn) => buffer.run(fn) };
  },
  'incident-global': async () => {
    const { createIncidentContext } = require('./library');
    const { Logger } = await createIncidentContext();
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(MESSAGE) };
  },

  // Without the facade: the logger's own cost (what the module controls).
  'incident-direct': async () => {
    const { createIncidentContext } = require('./library');
    const { buffer, logger } = await createIncidentContext();
    return { call: () => logger.debug(MESSAGE, CONTEXT), scoped: (fn) => buffer.run(fn) };
  },
  'nest-disabled-direct': async () => {
    const { ConsoleLogger } = require('@nestjs/common');
    const log = new ConsoleLogger(CONTEXT, { logLevels: ['log', 'warn', 'error', 'fatal'] });
    return { call: () => log.debug(MESSAGE) };
  },

  // nestjs-pino through the facade (what a Nest app with pino runs), to /dev/null.
  'nestjs-pino': async () => {
    require('reflect-metadata');
    const pino = require('pino');
    const { Module, Logger } = require('@nestjs/common');
    const { NestFactory } = require('@nestjs/core');
    const { LoggerModule, Logger: PinoNestLogger } = require('nestjs-pino');
    const dest = pino.destination({ dest: '/dev/null', sync: false });
    await new Promise((resolve) => dest.once('ready', resolve));
    class PinoBenchModule {}
    Module({ imports: [LoggerModule.forRoot({ pinoHttp: [{ level: 'debug' }, dest] })] })(PinoBenchModule);
    const app = await NestFactory.createApplicationContext(PinoBenchModule, { bufferLogs: true });
    app.useLogger(app.get(PinoNestLogger));
    app.flushLogs();
    const log = new Logger(CONTEXT);
    return { call: () => log.debug(MESSAGE), drain: () => sonicDrained(dest) };
  },

  // pino, enabled at debug, to /dev/null.
  'pino-async': async () => {
    const pino = require('pino');
    const dest = pino.destination({ dest: '/dev/null', sync: false });
    await new Promise((resolve) => dest.once('ready', resolve));
    const log = pino({ level: 'debug' }, dest);
    return { call: () => log.debug(MESSAGE), drain: () => sonicDrained(dest) };
  },
  'pino-sync': async () => {
    const pino = require('pino');
    const dest = pino.destination({ dest: '/dev/null', sync: true });
    const log = pino({ level: 'debug' }, dest);
    return { call: () => log.debug(MESSAGE), drain: () => sonicDrained(dest) };
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
    return { call: () => log.debug(MESSAGE), drain: () => untilImmediate(idle) };
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

/** ns per call over `bursts` bursts of `burstSize` calls, the event loop turning between them (untimed). @param {Subject} subject @param {number} bursts @param {number} burstSize @param {number} overhead */
async function runBursts(subject, bursts, burstSize, overhead) {
  const { call, scoped, drain } = subject;
  const loop = () => timedLoop(call, burstSize);
  let ns = 0;
  for (let b = 0; b < bursts; b++) {
    ns += Math.max(0, (scoped ? scoped(loop) : loop()) - overhead);
    // Between requests: the event loop turns, an async logger drains (untimed).
    await (drain ? drain() : yieldLoop());
  }
  return ns / (bursts * burstSize);
}

/** ns per call over one long batch, until an async logger has written it. @param {Subject} subject @param {number} calls */
async function runSustained(subject, calls) {
  const { call, scoped, drain } = subject;
  const t0 = process.hrtime.bigint();
  if (scoped) scoped(() => timedLoop(call, calls));
  else timedLoop(call, calls);
  if (drain) await drain(); // the cost of an async logger includes writing what it queued
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

async function main() {
  const [name, modesArg, roundsArg, roundMsArg, warmupMsArg, burstArg] = process.argv.slice(2);
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

module.exports = {};
