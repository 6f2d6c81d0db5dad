// @ts-check
'use strict';
// The one place the benchmark loads nestjs-incident-logger, through its public
// entry only, and boots it the way a user does outside HTTP.
//
// Which build: BENCH_DIST=<dir> measures another build (A/B a change: a copy of
// dist/ inside the repository, so that it resolves the same node_modules);
// otherwise the package itself, by name (Node's self-reference, once
// package.json has an "exports" map), or its "main" file dist/index.js before
// that. The type checker maps the package name to dist/index.d.ts
// (bench/tsconfig.json), so the bench compiles against the built typings.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** @typedef {typeof import('nestjs-incident-logger')} Library */
/** @typedef {import('nestjs-incident-logger').IncidentLoggerModuleOptions} ModuleOptions */
/** @typedef {import('nestjs-incident-logger').IncidentTarget} IncidentTarget */

/** What `require()` is given: a path to a build, or the package's own name. */
function libraryEntry() {
  if (process.env.BENCH_DIST) return path.resolve(process.env.BENCH_DIST);
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  if (pkg.exports) return String(pkg.name);
  return path.join(ROOT, String(pkg.main || 'dist/index.js'));
}

/** @type {Library | undefined} */
let library;

/** The package's public exports. @returns {Library} */
function loadLibrary() {
  library ??= /** @type {Library} */ (require(libraryEntry()));
  return library;
}

/**
 * A target that discards: isolates the cost of buffering (and of building incidents).
 * @type {IncidentTarget}
 */
const discardTarget = { write() {} };

/**
 * The module as a user boots it outside HTTP: an application context with
 * IncidentLoggerModule.forRoot(), bufferLogs, useLogger(app.get(IncidentLogger)).
 * Loggers are then `new Logger(context)` from @nestjs/common, as in an app.
 * @param {ModuleOptions} [options]  on top of { bufferSize: 30, targets: [discardTarget] }
 */
async function createIncidentContext(options = {}) {
  require('reflect-metadata');
  const { Module, Logger } = require('@nestjs/common');
  const { NestFactory } = require('@nestjs/core');
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

module.exports = { createIncidentContext, discardTarget, libraryEntry, loadLibrary };
