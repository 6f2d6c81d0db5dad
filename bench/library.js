// @ts-check
'use strict';
// The one place the benchmark loads nestjs-incident-logger, through its public
// entry only, and boots it the way a user does outside HTTP.
//
// Which build: BENCH_DIST=<dir> measures another build (A/B a change: a copy of
// dist/ inside the repository, so that it resolves the same node_modules: a
// build outside it would load a second copy of Nest, which Nest's injector
// rejects); otherwise the package itself, by name (Node's self-reference, once
// package.json has an "exports" map), or its "main" file dist/index.js before
// that. The type checker maps the package name to dist/index.d.ts
// (bench/tsconfig.json), so the bench compiles against the built typings.
const fs = require('node:fs');
const path = require('node:path');

const ROOT = path.resolve(__dirname, '..');

/** @typedef {typeof import('nestjs-incident-logger')} Library */
/** @typedef {import('nestjs-incident-logger').IncidentLoggerModuleOptions} ModuleOptions */
/** @typedef {import('nestjs-incident-logger').IncidentTarget} IncidentTarget */

/**
 * Another build to measure, checked: a directory inside the repository holding an index.js.
 * @param {string} dir  absolute, or relative to the working directory
 * @param {string} [what]  how the caller named it, for the error
 */
function checkedBuild(dir, what = `BENCH_DIST=${dir}`) {
  const full = path.resolve(dir);
  const inside = path.relative(ROOT, full);
  if (inside.startsWith('..') || path.isAbsolute(inside)) {
    throw new Error(
      `${what}: a build outside the repository loads its own copy of Nest; copy it inside, e.g. ` +
        `cp -r ${dir} bench/results/builds/${path.basename(path.dirname(full)) || 'other'}`,
    );
  }
  if (!fs.existsSync(path.join(full, 'index.js'))) throw new Error(`${what}: no index.js in ${full} (a dist/ directory is expected)`);
  return full;
}

/**
 * `--build <label>=<dir>` values of the instruction-count commands: other builds measured in the same run,
 * each row of theirs named `<row>@<label>` (e.g. `--build before=bench/results/builds/ce8dd15`).
 * @param {string[]} values
 * @returns {Record<string, string>}  label -> absolute dist directory
 */
function parseBuilds(values) {
  /** @type {Record<string, string>} */
  const builds = {};
  for (const value of values) {
    const match = /^([\w.-]+)=(.+)$/.exec(value);
    if (!match) throw new Error(`--build wants <label>=<dist dir>; got "${value}"`);
    builds[match[1]] = checkedBuild(match[2], `--build ${value}`);
  }
  return builds;
}

/** What `require()` is given: a path to a build, or the package's own name. */
function libraryEntry() {
  if (process.env.BENCH_DIST) return checkedBuild(process.env.BENCH_DIST);
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

/**
 * Internals of the built package, for the diagnostic set-ups that take the request scope apart
 * (bench/http.modes.js, bench/http.pieces.child.js); not part of its API, so they follow the
 * current build only.
 */
function loadInternals() {
  loadLibrary();
  const dist = path.dirname(require.resolve(libraryEntry()));
  /** @type {typeof import('../lib/scope/incident-scope').IncidentScope} */
  const IncidentScope = require(`${dist}/scope/incident-scope`).IncidentScope;
  /** @type {typeof import('../lib/scope/scope-registry').ScopeRegistry} */
  const ScopeRegistry = require(`${dist}/scope/scope-registry`).ScopeRegistry;
  /** @type {typeof import('../lib/scope/drop-tally').DropCounters} */
  const DropCounters = require(`${dist}/scope/drop-tally`).DropCounters;
  /** The engine's per-scope settings at the defaults (bufferSize 30, maxBufferBytes 256 KiB, 5 reserved warnings). */
  /** @type {import('../lib/scope/incident-scope').ScopeConfig} */
  const config = { capacity: 30, maxBytes: 256 * 1024, reserved: 5, counters: new DropCounters(), onEnd: (scope) => scope.end() };
  return {
    ScopeRegistry,
    /**
     * A request scope as the middleware opens one; in `registry` (the memory budget) when given.
     * @param {import('../lib/scope/incident-scope').ScopeRequest} request
     * @param {import('../lib/scope/scope-registry').ScopeRegistry<import('../lib/scope/incident-scope').IncidentScope>} [registry]
     */
    newScope: (request, registry) => new IncidentScope('request', config, request, registry),
  };
}

module.exports = { createIncidentContext, discardTarget, libraryEntry, loadInternals, loadLibrary, parseBuilds };
