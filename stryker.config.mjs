// Mutation testing of libs/saga's pure logic: `npm run test:mutation`. Each mutant StrykerJS
// plants (a flipped condition, a removed statement, a changed constant) must make a unit test
// fail; a survivor is either killed by a new test or explained below as equivalent.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { projects } = require('./jest.config.js');
const unit = projects.find((project) => project.displayName === 'unit');

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'jest',
  checkers: ['typescript'],
  // The library's own build config: each check compiles libs/saga alone, not the whole repository.
  tsconfigFile: 'libs/saga/tsconfig.build.json',
  // Each mutant type-checked on its own: grouped checks marked whole groups as compile errors.
  typescriptChecker: { prioritizePerformanceOverAccuracy: false },
  // Mutants of module-level constants (the default retry policies' figures) run every test once
  // per mutant and took half the run's time; the policies' effect is tested through the
  // transitions instead.
  ignoreStatic: true,
  jest: {
    projectType: 'custom',
    config: { ...unit, displayName: undefined, testMatch: ['<rootDir>/libs/saga/**/*.spec.ts'] },
    enableFindRelatedTests: true,
  },
  mutate: [
    'libs/saga/src/engine/transitions.ts',
    'libs/saga/src/engine/saga-state.ts',
    'libs/saga/src/definition/saga-definition.ts',
    'libs/saga/src/definition/retry-policy.ts',
    'libs/saga/src/definition/command.ts',
    'libs/saga/src/orchestrator/keyset-cursor.ts',
    'libs/saga/src/group-commit.ts',
    'libs/saga/src/transport/message-headers.ts',
  ],
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  reporters: ['clear-text', 'progress'],
  clearTextReporter: { allowColor: false, logTests: false, reportScoreTable: true, reportMutants: true },
  concurrency: 2,
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
  thresholds: { high: 90, low: 80, break: null },
};
