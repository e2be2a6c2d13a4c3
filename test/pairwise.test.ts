// The pairwise combinations test/matrix.test.ts checks with real Helm: they cover every pair of
// answers the CLI accepts together, each is accepted as given, and the checker notices a gap.
import { describe, expect, it } from 'vitest';
import { OPTIONS } from '../src/options.js';
import { answersFor } from './support/project.js';
import { NOT_VARIED, REPRESENTATIVES, dimensions, feasiblePairs, pairwiseCombinations, uncoveredPairs } from './support/pairwise.js';

const dims = dimensions();
const combinations = pairwiseCombinations(dims);

describe('pairwise combinations', () => {
  it('vary every option of the option table', () => {
    for (const option of OPTIONS) {
      if (NOT_VARIED.includes(option.key)) continue;
      const dim = dims.find((d) => d.key === option.key);
      // A string, list or map option needs representative values in test/support/pairwise.ts.
      expect(dim?.values.length ?? 0, `--${option.key}: give it representative values in REPRESENTATIVES`).toBeGreaterThan(0);
      if (option.kind === 'enum') expect(dim!.values.map((v) => v.value)).toEqual(option.choices);
      if (option.kind === 'bool') expect(dim!.values.map((v) => v.value)).toEqual([true, false]);
    }
    expect(dims.map((d) => d.key)).toContain('clusters');
    expect(Object.keys(REPRESENTATIVES)).toEqual(expect.arrayContaining(['clusters', 'envs', 'secret-keys']));
  });

  it('cover every pair of values some accepted combination holds, in a few tens of combinations', () => {
    expect(uncoveredPairs(dims, combinations)).toEqual([]);
    expect(combinations.length).toBeGreaterThan(20);
    expect(combinations.length).toBeLessThanOrEqual(70);
    // The rules leave pairs out: a KEDA trigger never meets cron, staging's cluster never meets envs=prod.
    const pairs = feasiblePairs(dims);
    const key = (k: string, label: string) => {
      const d = dims.findIndex((x) => x.key === k);
      return `${d}:${dims[d].values.findIndex((v) => v.label === label)}`;
    };
    const pair = (a: string, b: string) => [a, b].sort((x, y) => Number(x.split(':')[0]) - Number(y.split(':')[0])).join('|');
    expect(pairs.has(pair(key('type', 'cron'), key('keda-trigger', 'kafka')))).toBe(false);
    expect(pairs.has(pair(key('envs', 'prod'), key('clusters', 'staging+prod')))).toBe(false);
    expect(pairs.has(pair(key('envs', 'prod'), key('clusters', 'prod')))).toBe(true);
    expect(pairs.has(pair(key('type', 'grpc'), key('traffic', 'gateway-api')))).toBe(true);
    // --traffic does not apply to a worker (its canary is replica-weighted): giving it would meet nothing.
    expect(pairs.has(pair(key('type', 'worker'), key('traffic', 'none')))).toBe(false);
  });

  it('notices a dropped combination: the pairs only it held are reported', () => {
    // Planted gap: without any one combination, some pair goes uncovered (each one earns its place).
    const feasible = feasiblePairs(dims);
    for (let n = 0; n < combinations.length; n++) {
      const without = combinations.filter((_, i) => i !== n);
      expect(uncoveredPairs(dims, without, feasible).length, combinations[n].id).toBeGreaterThan(0);
    }
    const gap = uncoveredPairs(dims, combinations.slice(1), feasible);
    expect(gap.every((p) => / \+ /.test(p))).toBe(true);
  });

  it('are each accepted with every given answer kept, and the same on every run', async () => {
    for (const { id, given } of combinations) {
      const answers = await answersFor({ ...given, name: 'matrix-app' });
      for (const [key, value] of Object.entries(given)) {
        const resolved = (answers as unknown as Record<string, unknown>)[key];
        if (key === 'clusters') expect(resolved, id).toMatchObject(value as object);
        else expect(resolved, `${id}: ${key}`).toEqual(value);
      }
    }
    expect(pairwiseCombinations(dims)).toEqual(combinations);
  });
});
