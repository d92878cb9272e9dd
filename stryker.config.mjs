// Mutation testing of libs/saga's pure logic: `npm run test:mutation`. Each mutant StrykerJS
// plants (a flipped condition, a removed statement, a changed constant) must make a unit test
// fail; a survivor is either killed by a new test or explained below as equivalent.
//
// Survivors left, each equivalent: no input the code can receive behaves differently.
//
// libs/saga/src/engine/transitions.ts
// - 233 `steps[step]?.name ?? '-'`, the '-' replaced by "": record() is only called with an index
//   of the definition, except when a re-driven parked state names a step the definition does not
//   have; that transition then throws ("has no step") before it returns the entry, so the fallback
//   name is never seen. (The `?.` itself is tested: without it that case throws a TypeError.)
//
// libs/saga/src/orchestrator/keyset-cursor.ts
// - 24 `bar < 0 ? null : ...` made `bar <= 0`: a separator at 0 leaves an empty timestamp, which
//   the timestamp pattern refuses anyway.
// - 30, 31, 32 the month, day and hour checks made true (each one alone; the tests kill every
//   mutant that removes two of them, and the year and minute checks): Date.UTC carries an
//   overflowing field into the next larger one, so a date whose month, day or hour moved always
//   has another checked field that moved too. A month moves only by a month overflow (which moves
//   the year) or a day overflow (which moves the day: the new day is the old one less at least 28);
//   a day moves only by a day overflow (which moves the month) or an hour overflow (which moves the
//   hour); an hour moves only by an hour overflow (which moves the day) or a minute overflow (which
//   moves the minute). The seconds are not compared, so second 60 is what the minute check is for,
//   and the year check catches years 0 to 99, which Date.UTC moves to 1900 to 1999; both tested.
//
// libs/saga/src/transport/message-headers.ts
// - 59 the pool's refill condition `pool.offset + length > pool.bytes.length` made true, or `>`
//   made `>=`: the pool of random bytes is refilled on every call, or one slice early; the ids are
//   as long and as random either way, only made a little dearer.
//
// libs/saga/src/group-commit.ts
// - 55 `a < b ? -1 : 1` made `a <= b`: the keys sorted are those of one Map, so no two are equal
//   and the comparator never sees a == b.
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
