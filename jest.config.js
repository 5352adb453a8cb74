/** Jest runs the TypeScript sources as ESM through ts-jest (see shared toolchain notes). */
export default {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  moduleNameMapper: {
    '^#simulator/(.*)\\.js$': '<rootDir>/local/simulator/$1',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, diagnostics: false }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  // Every fast-check property runs with the file's fixed seed (fresh ones under `npm run test:fuzz`).
  setupFilesAfterEnv: ['<rootDir>/test/helpers/fast-check-seed.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.mjs',
  // The e2e files synthesize the app and run whole pipelines; on 2 cores under the fault campaign a
  // single test can take over a minute. A hang still fails, after 3 minutes.
  testTimeout: 180000,
  maxWorkers: 2,
  // Each test file loads aws-cdk-lib, the AWS SDK and the handlers into a fresh module registry, and
  // a worker does not get all of it back: after a few dozen files its GC dominates (a whole test/infra
  // run in one process: 207 s; recycled at 300 MB: 93 s). A worker whose heap is above this after a
  // file is replaced by a fresh one (about a second).
  workerIdleMemoryLimit: '300MB',
  // Slowest files first even from a fresh clone (no timing cache yet); see the file.
  testSequencer: '<rootDir>/test/helpers/test-sequencer.cjs',
};
