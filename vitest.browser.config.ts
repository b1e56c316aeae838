import { defineConfig } from 'vitest/config';

/**
 * The dashboard in a real headless Chromium (`npm run test:browser`, which builds first): Debian's
 * /usr/bin/chromium driven by playwright-core, against the built CLI's `tokenledger dashboard`.
 */
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
