import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // expect.poll waits for an event (a cell's title, a count): the default 1 s is a speed limit on a loaded machine
    expect: { poll: { timeout: 20_000 } },
    // Native modules (sharp, better-sqlite3) and tfjs backends are not safe to share across vitest threads.
    pool: 'forks',
    fileParallelism: true,
    maxWorkers: 2,
  },
});
