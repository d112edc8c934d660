/** Unit tests are pure and fast; integration tests start real servers on ephemeral ports. */
const transform = { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' } }] };

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
    },
    {
      displayName: 'integration',
      testEnvironment: 'node',
      transform,
      testMatch: ['<rootDir>/test/integration/**/*.test.ts'],
      // The Firebase Auth emulator (firebase-tools), started once per run for the admin tests.
      globalSetup: '<rootDir>/test/helpers/auth-emulator-setup.ts',
      globalTeardown: '<rootDir>/test/helpers/auth-emulator-teardown.ts',
    },
  ],
};
