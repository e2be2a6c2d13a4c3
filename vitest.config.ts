import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Helm does the heavy lifting in child processes; two workers keep both cores busy.
    maxWorkers: 2,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
