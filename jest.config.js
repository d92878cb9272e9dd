// Jest runs TypeScript through SWC (decorator metadata included). NestJS 12 ships ES modules
// only, which Jest 30 on Node 20 cannot load natively, so @nestjs/* is transformed to CommonJS
// like our own code.
const swc = [
  '@swc/jest',
  {
    sourceMaps: 'inline',
    module: { type: 'commonjs' },
    jsc: {
      target: 'es2022',
      parser: { syntax: 'typescript', decorators: true, dynamicImport: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  },
];

const common = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': swc },
  transformIgnorePatterns: ['/node_modules/(?!(@nestjs)/)'],
  moduleNameMapper: {
    '^@zhongtai/(saga|contracts|platform)$': '<rootDir>/libs/$1/src',
    '^@zhongtai/saga/testing$': '<rootDir>/libs/saga/src/testing',
  },
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
};

// A test against real servers waits for them: under a loaded CI machine a checkout can take
// seconds, and Jest's default of 5 s per test would fail tests that are not wrong, only slow.
const realServers = { testTimeout: 30_000 };

module.exports = {
  // Two cores: end-to-end suites each run five services, so two suites at a time is the most.
  maxWorkers: 2,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,test}/**/*.spec.ts'] },
    {
      ...common,
      ...realServers,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,test}/**/*.int-spec.ts'],
      setupFiles: ['<rootDir>/test/support/quiet-nest-logger.ts'],
    },
    {
      ...common,
      ...realServers,
      displayName: 'e2e',
      testMatch: ['<rootDir>/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/test/support/global-setup.ts',
      globalTeardown: '<rootDir>/test/support/global-teardown.ts',
      setupFiles: ['<rootDir>/test/support/quiet-nest-logger.ts'],
    },
  ],
};
