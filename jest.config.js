// Test lanes, one Jest project each (`npm run test:<lane>` runs one; `npm test` runs all):
//   unit     pure unit specs: no HTTP server, no child process
//   e2e      in-process Nest apps over real HTTP (Express and Fastify)
//   process  specs that spawn child processes (crash, exit, heap, the sample demo, Python)
//   compat   the packed package installed next to Nest 10 (test/compat/nest10) and Nest 12 (test/compat/nest12, ESM)
//   bench    the benchmark's smoke run
// Every spec file runs in its own module registry, so the lanes share one pool of
// workers; test/utils/lane-sequencer.js orders the files (see there).

/** @type {import('jest').Config} */
const base = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  moduleFileExtensions: ['ts', 'js', 'json'],
  testMatch: ['**/*.spec.ts', '**/*.e2e-spec.ts'],
  // The Nest 10 and Nest 12 installs (thousands of files) are run by child processes, never loaded by Jest.
  modulePathIgnorePatterns: ['<rootDir>/test/compat/nest10/', '<rootDir>/test/compat/nest12/'],
};

const lane = (name) => ({ ...base, displayName: name, roots: [`<rootDir>/test/${name}`] });

/** @type {import('jest').Config} */
module.exports = {
  projects: ['unit', 'e2e', 'process', 'compat', 'bench'].map(lane),
  testSequencer: '<rootDir>/test/utils/lane-sequencer.js',
  // Two cores: Jest's default (cores - 1) would be a single worker. The process
  // lane's specs mostly wait on their children, so two workers keep both cores busy.
  maxWorkers: 2,
  testTimeout: 30000,
};
