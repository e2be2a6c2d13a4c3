import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    // Helm does the heavy lifting in child processes; two workers keep both cores busy.
    maxWorkers: 2,
    // The CLIs the tests run keep their code cache in the ignored .cache/, not the user's.
    env: { NODE_COMPILE_CACHE: fileURLToPath(new URL('.cache/code-cache', import.meta.url)) },
  },
});
