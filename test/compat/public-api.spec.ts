import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as ts from 'typescript';

// The public API as users get it: the package is built into a temp dir with
// the release tsconfig (stripInternal), then its runtime exports and its
// declarations are compared with what is pinned here. A change to the public
// API must show in this file or in public-api.report.txt, in a reviewed diff.
// After an intended change: `UPDATE_PUBLIC_API=1 npx jest test/compat/public-api.spec.ts`.

const ROOT = path.resolve(__dirname, '..', '..');
const REPORT = path.join(__dirname, 'public-api.report.txt');

const VALUE_EXPORTS = [
  'ConsoleTarget',
  'DEFAULT_CAPTURE_LIMITS',
  'DEFAULT_REDACT_KEYS',
  'INCIDENT_LOGGER_MODULE_OPTIONS',
  'IncidentBuffer',
  'IncidentLogger',
  'IncidentLoggerModule',
  'IncidentScopeInterceptor',
  'IncidentScopeMiddleware',
  'IncidentScoped',
  'LoggerServiceTarget',
  'OpenTelemetryTarget',
  'PinoTarget',
  'RotatingFileTarget',
  'formatIncident',
  'formatRecordLine',
  'incidentRequestId',
];

const TYPE_EXPORTS = [
  'CaptureLimits',
  'ConsoleTargetOptions',
  'ContextFlushLevels',
  'Incident',
  'IncidentAfterTriggerOptions',
  'IncidentBufferStats',
  'IncidentFormat',
  'IncidentLinkOptions',
  'IncidentLoggerModuleOptions',
  'IncidentOutcome',
  'IncidentOutcomeOptions',
  'IncidentReason',
  'IncidentRecord',
  'IncidentRequest',
  'IncidentScopeKind',
  'IncidentScopeOptions',
  'IncidentScopedOptions',
  'IncidentStormOptions',
  'IncidentSuppression',
  'IncidentTarget',
  'IncidentTriggerPredicate',
  'IncidentTriggerScope',
  'LoggerServiceTargetOptions',
  'OpenTelemetryLogRecord',
  'OpenTelemetryLogger',
  'OpenTelemetryLoggerProvider',
  'OpenTelemetryTargetOptions',
  'PinoInstance',
  'PinoTargetOptions',
  'RedactOptions',
  'RotatingFileTargetOptions',
  'RotatingFileTargetStats',
  'SetFlushLevelOptions',
];

/** Every exported declaration of the built index.d.ts, printed without comments, sorted by name. */
function declarationReport(indexDts: string): { names: string[]; report: string } {
  const program = ts.createProgram([indexDts], { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(indexDts)!;
  const printer = ts.createPrinter({ removeComments: true });
  const exports = checker.getExportsOfModule(checker.getSymbolAtLocation(source)!);
  const sections = exports
    .map((symbol) => {
      const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
      const text = (target.declarations ?? [])
        .map((declaration) => {
          // A const (possibly destructured, as Nest's module builder output is): its name and type.
          if (ts.isVariableDeclaration(declaration) || ts.isBindingElement(declaration)) {
            return `export declare const ${symbol.name}: ${checker.typeToString(checker.getTypeOfSymbolAtLocation(target, declaration))};`;
          }
          return printer.printNode(ts.EmitHint.Unspecified, declaration, declaration.getSourceFile());
        })
        .join('\n');
      return { name: symbol.name, text };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  return { names: sections.map((s) => s.name), report: sections.map((s) => `## ${s.name}\n${s.text}\n`).join('\n') };
}

describe('public API of the built package', () => {
  let outDir: string;
  let runtime: Record<string, unknown>;

  beforeAll(() => {
    outDir = fs.mkdtempSync(path.join(os.tmpdir(), 'incident-logger-api-'));
    const tsc = require.resolve('typescript/bin/tsc');
    const build = spawnSync(process.execPath, [tsc, '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', outDir], {
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`build failed:\n${build.stdout}${build.stderr}`);
    // The peers (Nest, rxjs) resolve from the repo's node_modules, as from an app's.
    fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(outDir, 'node_modules'), 'dir');
    runtime = require(path.join(outDir, 'index.js'));
  }, 120_000);

  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it('exports exactly these values at runtime', () => {
    expect(Object.keys(runtime).sort()).toEqual([...VALUE_EXPORTS].sort());
  });

  it('declares exactly these names (values and types)', () => {
    expect(declarationReport(path.join(outDir, 'index.d.ts')).names).toEqual(
      [...VALUE_EXPORTS, ...TYPE_EXPORTS].sort((a, b) => a.localeCompare(b)),
    );
  });

  it('IncidentLogger carries only the LoggerService methods, setLogLevels, setFlushLevel and isLevelEnabled', () => {
    const proto = (runtime.IncidentLogger as { prototype: object }).prototype;
    expect(Object.getOwnPropertyNames(proto).sort()).toEqual(
      ['constructor', 'debug', 'error', 'fatal', 'isLevelEnabled', 'log', 'setFlushLevel', 'setLogLevels', 'verbose', 'warn'].sort(),
    );
  });

  it('IncidentBuffer carries only its handle methods', () => {
    const proto = (runtime.IncidentBuffer as { prototype: object }).prototype;
    expect(Object.getOwnPropertyNames(proto).sort()).toEqual(
      ['assign', 'clear', 'constructor', 'dumpAll', 'flush', 'markForIncident', 'request', 'run', 'snapshot', 'stats'].sort(),
    );
  });

  it('ships no @internal member or test seam in the declarations', () => {
    const { report } = declarationReport(path.join(outDir, 'index.d.ts'));
    for (const internal of [
      'createScope',
      'flushScope',
      'currentScope',
      'globalScope',
      'scrub(',
      'internals',
      'RotatingFileTargetInternals',
      'IncidentEngine',
    ]) {
      expect(report).not.toContain(internal);
    }
    const section = (name: string) => report.split(/^## /m).find((part) => part.startsWith(`${name}\n`)) ?? '';
    // The constructors that take the engine are Nest's business, not the user's.
    for (const name of [
      'IncidentLogger',
      'IncidentBuffer',
      'IncidentScopeMiddleware',
      'IncidentScopeInterceptor',
      'IncidentLoggerModule',
    ]) {
      expect(section(name)).toContain(`class ${name}`);
      expect(section(name)).not.toContain('constructor(');
    }
    // RotatingFileTarget: one constructor, options only (the fault-test seam is internal).
    expect(section('RotatingFileTarget').match(/constructor\(/g)).toHaveLength(1);
    expect(section('RotatingFileTarget')).toContain('constructor(options: RotatingFileTargetOptions);');
  });

  it('matches the pinned declaration report', () => {
    const { report } = declarationReport(path.join(outDir, 'index.d.ts'));
    if (process.env.UPDATE_PUBLIC_API === '1') fs.writeFileSync(REPORT, report);
    expect(report).toBe(fs.readFileSync(REPORT, 'utf8'));
  });
});
