import { spawnSync, SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Incident } from '../../lib';
import { minVersion, satisfies } from 'semver';

const { prepareCompat } = require('./prepare-compat.js') as { prepareCompat(name: string): string };

/** The one line the module writes on stderr at startup; anything else there (a "not installed" warning) fails. */
const STARTUP_NOTICE = /^\[nestjs-incident-logger\] active: keeps the last 30 verbose\/debug\/log records of each request, [^\n]*\n$/;

/** A JSON line of the rotating file target (format: 'json'). */
interface FileLine {
  incident: string;
  type: 'incident' | 'record';
  reason?: string;
  scope?: string;
  url?: string;
  requestId?: string;
  level?: string;
  context?: string;
  message?: string;
  stack?: string;
}

/** Runs test/compat/nest12/<scenario>.mjs with this Node (the CI matrix's), as a real ESM app. */
function runScenario(dir: string, scenario: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [path.join(dir, `${scenario}.mjs`), ...args], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1' },
    timeout: 60_000,
  });
}

/** The scenario's JSON line, after checking that it ran cleanly: exit 0, the startup notice alone on stderr. */
function resultOf<T>(child: SpawnSyncReturns<string>): T {
  expect(child.stderr).toMatch(STARTUP_NOTICE);
  expect(child.status).toBe(0);
  return JSON.parse(child.stdout) as T;
}

const ROOT = path.resolve(__dirname, '../..');
const lockedVersion = (lockFile: string, name: string) =>
  (JSON.parse(fs.readFileSync(path.join(ROOT, lockFile), 'utf8')) as { packages: Record<string, { version?: string }> }).packages[
    `node_modules/${name}`
  ]?.version;

/**
 * package.json claims what the suites install and run, and no more: every Nest major of the peer
 * ranges is one a suite installs (10: test/compat/nest10, 11: the main suite, 12: test/compat/nest12),
 * at a version inside the range; and `engines` accepts the Node running this file, which is every
 * Node of the CI matrix. The Node floors of `engines` come from the runs in docs/compatibility.md.
 */
describe('package.json: peer ranges and engines say what is tested', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    engines: { node: string };
    peerDependencies: Record<string, string>;
    peerDependenciesMeta: Record<string, { optional: boolean }>;
  };
  const suites = { 'test/compat/nest10/package-lock.json': 10, 'package-lock.json': 11, 'test/compat/nest12/package-lock.json': 12 };

  it('the Nest majors of the peer ranges are exactly the tested ones, each at a version the range accepts', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual([
      '@nestjs/common',
      '@nestjs/core',
      '@opentelemetry/api',
      '@opentelemetry/api-logs',
      'reflect-metadata',
      'rxjs',
    ]);
    for (const name of ['@nestjs/common', '@nestjs/core']) {
      const majors = pkg.peerDependencies[name].split('||').map((alternative) => Number.parseInt(alternative.trim().slice(1), 10));
      expect(majors).toEqual(Object.values(suites));
      for (const [lock, major] of Object.entries(suites)) {
        const version = lockedVersion(lock, name);
        expect([lock, name, version?.split('.')[0]]).toEqual([lock, name, String(major)]);
        expect([lock, name, version, satisfies(version!, pkg.peerDependencies[name])]).toEqual([lock, name, version, true]);
      }
    }
    for (const lock of Object.keys(suites)) {
      for (const name of ['rxjs', 'reflect-metadata']) {
        const version = lockedVersion(lock, name);
        expect([lock, name, version, satisfies(version!, pkg.peerDependencies[name])]).toEqual([lock, name, version, true]);
      }
    }
  });

  it('the OpenTelemetry peers are optional, and the versions the main suite runs are in their ranges (the lower bounds)', () => {
    expect(pkg.peerDependenciesMeta).toEqual({ '@opentelemetry/api': { optional: true }, '@opentelemetry/api-logs': { optional: true } });
    for (const name of ['@opentelemetry/api', '@opentelemetry/api-logs']) {
      const version = lockedVersion('package-lock.json', name);
      expect([name, version, satisfies(version!, pkg.peerDependencies[name])]).toEqual([name, version, true]);
      expect([name, minVersion(pkg.peerDependencies[name])?.version]).toEqual([name, version]);
    }
  });

  it(`engines accepts this Node (${process.version})`, () => {
    expect(satisfies(process.version, pkg.engines.node)).toBe(true);
    // The floors, as measured: the first patch of each line where every Nest 12 scenario passes.
    for (const [version, accepted] of [
      ['20.19.4', false],
      ['20.19.5', true],
      ['22.16.0', false],
      ['22.17.0', true],
      ['24.0.2', false],
      ['24.1.0', true],
      ['26.0.0', true],
    ] as const) {
      expect([version, satisfies(version, pkg.engines.node)]).toEqual([version, accepted]);
    }
  });
});

const summary = (incident: Incident) => incident.records.map((r) => [r.level, r.context, r.message]);

/**
 * Nest 12 is ESM only. The packed library (npm pack of a fresh build, CommonJS) is installed next to it
 * in test/compat/nest12, whose app is plain ESM JavaScript that imports the library by name; each
 * scenario runs in a child process of this very Node, so the CI matrix runs Nest 12 as real Node ESM on
 * every Node it covers. Jest 29 cannot load Nest 12 in-process on any Node (docs/compatibility.md).
 */
describe('Nest 12 compatibility (ESM app, packed package)', () => {
  let dir: string;
  beforeAll(() => {
    dir = prepareCompat('nest12');
  }, 240_000);

  it('TypeScript: a Nest 12 ESM app (module nodenext, strict, no skipLibCheck) type-checks against the packed typings', () => {
    const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(dir, 'tsconfig.json')], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  }, 120_000);

  describe('a TCP microservice, no interceptor registered (Nest 12 pre-request hook)', () => {
    type Result = { nest: string; replies: unknown[]; incidents: Incident[] };
    const replies = [{ ok: { charged: 1 } }, { error: 'card declined' }, { error: 'Internal server error' }];

    it('each message gets its scope before its guard: an RpcException writes rejected, an Error Nest logs writes level', () => {
      const result = resultOf<Result>(runScenario(dir, 'microservice', ['on']));
      expect(result.nest).toMatch(/^12\./);
      expect(result.replies).toEqual(replies);
      const [declined, unreachable, global, ...rest] = result.incidents;
      expect(rest).toEqual([]);
      expect(declined.reason).toBe('rejected');
      expect(declined.request).toMatchObject({ kind: 'rpc', method: 'RPC', url: 'payments.charge' });
      expect(summary(declined)).toEqual([
        ['debug', 'AuditGuard', 'checking {"order":7}'],
        ['debug', 'PaymentsController', 'charging order 7'],
        ['error', 'IncidentOutcome', expect.stringMatching(/^RPC payments\.charge rejected after \d+ ms: RpcException: card declined$/)],
      ]);
      // Nest's RpcExceptionsHandler logs an Error inside the message's scope: one incident, not two.
      expect(unreachable.reason).toBe('level');
      expect(unreachable.request?.id).not.toBe(declined.request?.id);
      expect(summary(unreachable)).toEqual([
        ['debug', 'AuditGuard', 'checking {"order":13}'],
        ['debug', 'PaymentsController', 'charging order 13'],
        ['error', 'RpcExceptionsHandler', 'ledger unreachable'],
      ]);
      // No message line in the global window: message 1 ended well, its lines left with its scope.
      expect(global.scope).toBe('global');
      expect(summary(global).filter(([, context]) => context === 'AuditGuard' || context === 'PaymentsController')).toEqual([]);
    });

    it('scopeMessages: false: no hook, the messages log into the global scope', () => {
      const result = resultOf<Result>(runScenario(dir, 'microservice', ['off']));
      expect(result.replies).toEqual(replies);
      const [global] = result.incidents;
      expect(result.incidents.every((incident) => incident.scope === 'global')).toBe(true);
      expect(summary(global)).toEqual(
        expect.arrayContaining([
          ['debug', 'AuditGuard', 'checking {"order":1}'],
          ['debug', 'PaymentsController', 'order 1 charged'],
          ['error', 'RpcExceptionsHandler', 'ledger unreachable'],
        ]),
      );
    });
  });

  describe.each(['express', 'fastify'])('%s', (platform) => {
    it('a request incident holds its own lines only; an unhandled exception; a warning outside requests writes the boot window', () => {
      const result = resultOf<{ nest: string; statuses: number[]; incidents: Incident[] }>(runScenario(dir, 'http', [platform]));
      expect(result.nest).toMatch(/^12\./);
      expect(result.statuses).toEqual([200, 200, 500]);
      const [order7, invoice, global, ...rest] = result.incidents;
      expect(rest).toEqual([]);

      // GET /orders/7 logged, waited while GET /orders/1 logged and ended, then failed: its window,
      // oldest first, then the trigger; none of order 1's lines, which wrote no incident.
      expect(order7.request).toMatchObject({ method: 'GET', url: '/orders/7' });
      expect(order7.reason).toBe('level');
      expect(summary(order7)).toEqual([
        ['debug', 'OrdersService', 'loading order 7'],
        ['debug', 'OrdersService', 'order 7 is not cached, querying the database'],
        ['error', 'OrdersService', 'order 7: connection pool exhausted'],
      ]);

      // An Error thrown by a route: Nest 12's ExceptionsHandler logs it (the Error itself) in the request's scope.
      expect(invoice.request).toMatchObject({ method: 'GET', url: '/orders/1/invoice' });
      expect(summary(invoice)).toEqual([
        ['debug', 'OrdersController', 'rendering the invoice of order 1'],
        ['error', 'ExceptionsHandler', 'invoice template missing'],
      ]);
      expect(invoice.trigger?.stack).toMatch(/^Error: invoice template missing\n\s+at OrdersController.invoice /);

      // Outside any request: the global window, Nest's boot lines replayed by bufferLogs first.
      expect(global.scope).toBe('global');
      expect(global.request).toBeUndefined();
      const lines = summary(global);
      expect(lines[0]).toEqual(['log', 'NestFactory', 'Starting Nest application...']);
      expect(lines).toContainEqual(['log', 'InstanceLoader', 'IncidentLoggerModule dependencies initialized']);
      expect(lines).toContainEqual(['log', 'RouterExplorer', 'Mapped {/orders/:id/invoice, GET} route']);
      expect(lines.slice(-3)).toEqual([
        ['log', 'NestApplication', 'Nest application successfully started'],
        ['log', 'Bootstrap', expect.stringMatching(/^listening on http:\/\/127\.0\.0\.1:\d+$/)],
        ['warn', 'Scheduler', 'nightly sync overdue'],
      ]);
    });

    it('an uncaught exception: the rotating file holds the crash incident, written before exit', () => {
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-nest12-crash-'));
      try {
        const file = path.join(tmp, 'incidents.jsonl');
        const child = runScenario(dir, 'crash', [platform, file]);
        // Node's own exit code for an uncaught exception, and its report: the library changes neither.
        expect(child.status).toBe(1);
        expect(child.stderr).toContain('Error: sync worker exploded');
        expect(child.stdout).toBe('');

        const byIncident = new Map<string, FileLine[]>();
        for (const text of fs.readFileSync(file, 'utf8').split('\n').filter(Boolean)) {
          const line = JSON.parse(text) as FileLine;
          byIncident.set(line.incident, [...(byIncident.get(line.incident) ?? []), line]);
        }
        const [request, global, ...rest] = [...byIncident.values()];
        expect(rest).toEqual([]);
        expect(request[0]).toMatchObject({ type: 'incident', reason: 'crash', scope: 'request', url: '/orders/1/sync' });
        expect(request.slice(1).map((l) => [l.level, l.context, l.message])).toEqual([
          ['debug', 'SyncController', 'sync of order 1 started'],
          ['debug', 'SyncController', 'sync of order 1: in a timer'],
          ['fatal', 'uncaughtException', 'sync worker exploded'],
        ]);
        expect(request.at(-1)?.stack).toMatch(/^Error: sync worker exploded\n\s+at /);
        expect(new Set(request.map((l) => l.requestId)).size).toBe(1);
        expect(global[0]).toMatchObject({ type: 'incident', reason: 'crash', scope: 'global' });
        expect(global.slice(1).map((l) => l.message)).toEqual(
          expect.arrayContaining(['Starting Nest application...', 'global line before the crash']),
        );
      } finally {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    });

    it('one copy of the library and of Nest: import and require() meet, named imports, one DI token', () => {
      const { checks, incidents } = resultOf<{ checks: Record<string, unknown>; incidents: Incident[] }>(
        runScenario(dir, 'identity', [platform]),
      );
      expect(checks).toEqual({
        sameEntry: true,
        sameIncidentLogger: true,
        sameModule: true,
        requiredNames: expect.arrayContaining(['IncidentLoggerModule', 'IncidentLogger', 'IncidentBuffer', 'RotatingFileTarget']),
        notNamedInEsm: [],
        deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        sameCommonNamespace: true,
        sameLogger: true,
        diByImport: true,
        diByRequire: true,
        // The packed tarball installed in the compat folder, not the checkout.
        libraryPath: path.join(dir, 'node_modules/nestjs-incident-logger/dist/index.js'),
      });
      // The app's Logger reached the installed IncidentLogger (and the startup check found it: no warning on stderr).
      expect(incidents.map((incident) => [incident.scope, incident.trigger?.message])).toEqual([
        ['global', 'one logger for the app and the library'],
      ]);
    });
  });
});
