// Scenario "identity": argv <express|fastify>. One app cannot hold two copies of the library or of
// Nest: checks what an ESM app can reach both ways, `import` and `require()` (createRequire), then
// boots an app and logs through it. Prints { checks, incidents }.
//
// The library is imported FIRST, before any @nestjs module is evaluated: its CommonJS code then
// require()s @nestjs/common while the ESM loader holds it linked but not yet evaluated. Node
// 20.19.0-20.19.4 and 22.12.0-22.14.0 throw ERR_REQUIRE_CYCLE_MODULE there, 22.15-22.16 and 24.0 a
// ReferenceError from inside Nest (docs/compatibility.md): what `engines` in package.json excludes.
// Keep this import first.
import { IncidentLogger, IncidentLoggerModule } from 'nestjs-incident-logger';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Logger } from '@nestjs/common';
import { bootstrap, fail, report } from './app.mjs';

const require = createRequire(import.meta.url);

async function main() {
  const [platform] = process.argv.slice(2);
  const required = require('nestjs-incident-logger');
  // What the library's own `require('@nestjs/common')` returns: resolved from its entry point, as its
  // files do, and answered from the same cache.
  const requireAsLibrary = createRequire(require.resolve('nestjs-incident-logger'));
  const commonOfLibrary = requireAsLibrary('@nestjs/common');
  const commonOfApp = await import('@nestjs/common');
  const imported = await import('nestjs-incident-logger');
  const deepImport = await import('nestjs-incident-logger/dist/index.js').then(
    () => 'imported',
    (error) => error.code,
  );

  const incidents = [];
  const { app } = await bootstrap(platform, {
    incidentOptions: { targets: [{ write: (incident) => incidents.push(incident) }] },
  });
  const checks = {
    // One file behind both conditions: `import` and `require` resolve the package to the same entry.
    sameEntry: import.meta.resolve('nestjs-incident-logger') === pathToFileURL(require.resolve('nestjs-incident-logger')).href,
    // One copy of the library: the classes (and so Nest's DI tokens) are the same either way.
    sameIncidentLogger: required.IncidentLogger === IncidentLogger,
    sameModule: required.IncidentLoggerModule === IncidentLoggerModule,
    // Every export of the CommonJS build is a named ESM export (Node's static detection of `exports.x`).
    requiredNames: Object.keys(required),
    notNamedInEsm: Object.keys(required).filter((name) => !(name in imported)),
    // The exports map lets an ESM app reach the entry point only, as it does for require().
    deepImport,
    // One copy of Nest: the library's require('@nestjs/common') is the app's ESM module.
    sameCommonNamespace: commonOfLibrary === commonOfApp,
    sameLogger: commonOfLibrary.Logger === Logger && commonOfApp.Logger === Logger,
    // Nest's DI answers both classes with the instance the app installed as its logger.
    diByImport: app.get(IncidentLogger) instanceof IncidentLogger,
    diByRequire: app.get(required.IncidentLogger) === app.get(IncidentLogger),
    libraryPath: require.resolve('nestjs-incident-logger'),
  };
  // The app's Logger delegates to the installed IncidentLogger: a warning is an incident.
  new Logger('Identity').warn('one logger for the app and the library');
  await app.close();
  report({ checks, incidents });
}
main().catch(fail);
