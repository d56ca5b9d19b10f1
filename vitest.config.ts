import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Native modules (sharp, better-sqlite3) and tfjs backends are not safe to share across vitest threads.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
