/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'A cycle between modules of the library (type-only imports included: they still tie the two modules together ' +
        'and turn into a runtime cycle as soon as one of them imports a value).',
      from: { path: '^lib/' },
      to: { circular: true },
    },
    {
      name: 'lib-not-to-test-or-bench',
      severity: 'error',
      comment: 'The published library must not depend on the tests, their fixtures or the benchmarks.',
      from: { path: '^lib/' },
      to: { path: '^(test|bench)/' },
    },
    {
      name: 'glue-on-top',
      severity: 'error',
      comment:
        'The Nest glue (module, services, middleware, lifecycle) sits at the top of lib/ and calls down into the ' +
        'folders; nothing in a folder reaches back up to it (data flows one way).',
      from: { path: '^lib/[^/]+/' },
      to: { path: '^lib/[^/]+[.]ts$' },
    },
    {
      name: 'engines-without-nest',
      severity: 'error',
      comment: 'Below the glue, Nest is used for its types only (LogLevel, Type): the engines run without it.',
      from: { path: '^lib/(capture|engine|format|interfaces|options|redact|scope|serialize|shared|targets|viewer)/' },
      to: { path: '^@nestjs/|node_modules/@nestjs/', dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      comment: 'An import that resolves to nothing (a file moved without its importers) is an error, not an external.',
      from: { path: '^lib/' },
      to: { couldNotResolve: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|sample/dist|coverage)/' },
    // Count `import type` and type-only imports too (they vanish from the compiled JavaScript).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.d.ts', '.js', '.json'],
    },
  },
};
