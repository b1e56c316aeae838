import { defineConfig } from 'vitest/config';

/** End-to-end suites: the built CLI, run as a user would (and, from issue 3, the real Claude Code CLI). */
export default defineConfig({
  test: {
    include: ['test/e2e/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
