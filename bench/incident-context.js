'use strict';
// The module the way a user boots it, outside HTTP: a Nest application context
// with IncidentLoggerModule, bufferLogs, useLogger(app.get(IncidentLogger)).
require('reflect-metadata');
const path = require('node:path');
const { Module, Logger } = require('@nestjs/common');
const { NestFactory } = require('@nestjs/core');

// BENCH_DIST=<dir> measures another build (A/B a change: a copy of dist/ inside the repo, so that
// it resolves the same node_modules); by default the dist/ that `npm run build` produces.
const DIST = process.env.BENCH_DIST ? path.resolve(process.env.BENCH_DIST) : path.resolve(__dirname, '..', 'dist');

function loadLibrary() {
  return require(DIST);
}

/** A target that discards: isolates the cost of buffering (and of building incidents). */
const discardTarget = { write() {} };

async function createIncidentContext(options = {}) {
  const { IncidentLoggerModule, IncidentLogger, IncidentBuffer } = loadLibrary();
  class BenchModule {}
  Module({
    imports: [IncidentLoggerModule.forRoot({ bufferSize: 30, targets: [discardTarget], ...options })],
  })(BenchModule);
  const app = await NestFactory.createApplicationContext(BenchModule, { bufferLogs: true });
  const logger = app.get(IncidentLogger);
  app.useLogger(logger);
  app.flushLogs();
  const buffer = app.get(IncidentBuffer);
  return { app, logger, buffer, Logger };
}

module.exports = { createIncidentContext, discardTarget, loadLibrary };
