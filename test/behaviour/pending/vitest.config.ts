// The behaviour scenarios the template fixes for "Generated projects behave right once running"
// must make pass. `npm test` does not collect them (its pattern is test/**/*.test.ts) so that it
// stays green until then; run them with:
//   npx vitest run --config test/behaviour/pending/vitest.config.ts
// As each fix lands, move its scenarios to a test/behaviour/*.test.ts file so `npm test` keeps them.
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('../../../', import.meta.url)),
  test: {
    include: ['test/behaviour/pending/*.scenarios.ts'],
    pool: 'forks',
    testTimeout: 120_000,
    hookTimeout: 300_000,
    maxWorkers: 2,
  },
});
