import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'test/browser/**', 'node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    pool: 'forks',
    // The tests run a copy of the build, made once per run (test/helpers/built-cli.ts).
    globalSetup: ['test/setup/test-build.ts'],
  },
});
