// The chart's values model (src/values/model.ts) writes values.yaml, values-<env>.yaml,
// values.schema.json and the README's values table. Here: the files say what the model says,
// the schema accepts every file the generator writes, and real Helm rejects a typo with it.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { render } from '../src/render.js';
import type { Answers, Plan } from '../src/types.js';
import { defaults } from '../src/values/files.js';
import { CHART_VALUES, PER_ENV, VALUES } from '../src/values/model.js';
import { buildView } from '../src/view.js';
import { everyCombination } from './support/combinations.js';
import { helmBinaries, runHelm } from './support/helm.js';
import { answersFor, builtin, limiter, tempRoot, writePlan } from './support/project.js';

type Schema = { type?: string | string[]; properties?: Record<string, Schema>; additionalProperties?: boolean };

/** What the schema says is wrong with `value`, for the keywords values.schema.json uses. */
function violations(schema: Schema, value: unknown, path = ''): string[] {
  const actual = value === null ? 'null' : Array.isArray(value) ? 'array' : Number.isInteger(value) ? 'integer' : typeof value;
  const allowed = schema.type === undefined ? [actual] : [schema.type].flat();
  if (!allowed.includes(actual) && !(actual === 'integer' && allowed.includes('number'))) {
    return [`${path || '(root)'}: ${actual}, expected ${allowed.join(' or ')}`];
  }
  if (actual !== 'object' || !schema.properties) return [];
  return Object.entries(value as Record<string, unknown>).flatMap(([key, child]) => {
    const at = path ? `${path}.${key}` : key;
    const property = schema.properties![key];
    if (property) return violations(property, child, at);
    return schema.additionalProperties === false ? [`${at}: not in the schema`] : [];
  });
}

const EXTRAS = [
  {},
  { 'secret-keys': ['API_TOKEN', 'DB_PASSWORD'] },
  { 'secret-keys': ['API_TOKEN'], secrets: 'sealed' as const },
  { 'secret-keys': ['API_TOKEN'], secrets: 'existing' as const },
  { monitoring: false, host: '*.apps.example.com' },
];

async function everyProject(): Promise<{ id: string; answers: Answers; plan: Plan }[]> {
  const out = [];
  for (const { id, ...given } of everyCombination(['dev', 'staging', 'prod']).accepted) {
    for (const [i, extra] of EXTRAS.entries()) {
      const answers = await answersFor({ name: 'shop', ...given, ...extra });
      out.push({ id: `${id}#${i}`, answers, plan: render(answers, builtin(), '1.0.0') });
    }
  }
  return out;
}

const valueFiles = (plan: Plan) => [...plan.keys()].filter((path) => /^chart\/values(-[a-z0-9-]+)?\.yaml$/.test(path));
const projects = everyProject();

describe('values model', () => {
  it('names each value once, and overrides per environment only values it has', () => {
    const keys = VALUES.map((v) => v.key);
    expect(new Set(keys).size).toBe(keys.length);
    // A value is a leaf: no key is the parent of another.
    for (const key of keys) expect(keys.filter((other) => other.startsWith(`${key}.`)), key).toEqual([]);
    for (const override of PER_ENV) expect(keys, override.key).toContain(override.key);
    expect(new Set(PER_ENV.map((o) => o.key)).size).toBe(PER_ENV.length);
  });

  it('refuses a model that lists a key apart from its siblings (values.yaml would hold the parent twice)', async () => {
    const answers = await answersFor({ name: 'shop' });
    const moved = VALUES.find((v) => v.key === 'image.pullPolicy')!;
    const values = [...VALUES.filter((v) => v !== moved), moved];
    expect(() => render(answers, builtin(), '1.0.0', { ...CHART_VALUES, values })).toThrow(
      'values model: image.pullPolicy is listed apart from the other image.* keys',
    );
    const perEnv = [...PER_ENV.filter((o) => o.key !== 'autoscaling.minReplicas'), PER_ENV.find((o) => o.key === 'autoscaling.minReplicas')!];
    expect(() => render(answers, builtin(), '1.0.0', { ...CHART_VALUES, perEnv })).toThrow(/autoscaling\.minReplicas is listed apart/);
  });

  it('writes values.yaml that reads back as the model’s defaults, for every accepted combination', async () => {
    for (const { id, answers, plan } of await projects) {
      const values = parse(plan.get('chart/values.yaml')!);
      expect(values, id).toStrictEqual(defaults(CHART_VALUES, buildView(answers, '1.0.0')));
    }
  });

  it('writes a schema every generated values file satisfies, and a README row per documented value', async () => {
    let files = 0;
    for (const { id, plan } of await projects) {
      const schema = JSON.parse(plan.get('chart/values.schema.json')!) as Schema;
      for (const path of valueFiles(plan)) {
        expect(violations(schema, parse(plan.get(path)!)), `${id} ${path}`).toEqual([]);
        files++;
      }
      const documented = [...plan.get('chart/values.yaml')!.matchAll(/^\s*## @param (\S+)/gm)].map((m) => m[1]);
      const rows = [...plan.get('chart/README.md')!.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]);
      expect(rows, id).toEqual(documented);
    }
    expect(files).toBeGreaterThan(1000);
  });

  describe('with real Helm', () => {
    const root = tempRoot('ck8s-values-');
    afterAll(() => root.cleanup());

    /** Few projects that between them hold every value of the model (greedy set cover). */
    async function covering() {
      const candidates = (await projects).map((project) => ({
        project,
        keys: VALUES.filter((v) => v.when?.(buildView(project.answers, '1.0.0')) ?? true).map((v) => v.key),
      }));
      const seen = new Set<string>();
      const picked = [];
      for (;;) {
        const gain = (c: (typeof candidates)[number]) => c.keys.filter((k) => !seen.has(k)).length;
        const best = candidates.reduce((a, b) => (gain(b) > gain(a) ? b : a));
        if (gain(best) === 0) break;
        picked.push(best.project);
        for (const k of best.keys) seen.add(k);
      }
      expect([...seen].sort()).toEqual(VALUES.map((v) => v.key).sort());
      return picked;
    }

    it('lints every values file with --strict, and rejects an unknown key or a wrong type', async () => {
      const helms = await helmBinaries();
      const run = limiter(2);
      const picked = await covering();
      expect(picked.length).toBeLessThan(10);
      const failures: string[] = [];
      const typos = [
        ['replicaCont: 3', /replicaCont/],
        ['image:\n  tagg: "1.0"', /tagg/],
        ['logLevel: 3', /logLevel/],
      ] as const;
      await Promise.all(picked.map(async ({ id, plan }, i) => {
        const dir = join(root.dir, `p${i}`);
        await writePlan(dir, plan);
        const chart = join(dir, 'chart');
        const envFiles = valueFiles(plan).filter((p) => p !== 'chart/values.yaml').map((p) => join(dir, p));
        for (const helm of helms) {
          for (const file of [null, ...envFiles]) {
            const result = await run(() => runHelm(helm.bin, ['lint', '--strict', chart, ...(file ? ['-f', file] : [])]));
            if (result.code !== 0) failures.push(`${helm.name} ${id} ${file ?? 'values.yaml'}: ${result.stdout}${result.stderr}`);
          }
        }
      }));
      expect(failures).toEqual([]);

      const dir = join(root.dir, 'p0');
      for (const helm of helms) {
        for (const [text, named] of typos) {
          const file = join(dir, 'typo.yaml');
          await writePlan(dir, new Map([['typo.yaml', `${text}\n`]]));
          const result = await runHelm(helm.bin, ['lint', '--strict', join(dir, 'chart'), '-f', file]);
          expect(result.code, `${helm.name} ${text}`).not.toBe(0);
          expect(`${result.stdout}${result.stderr}`, `${helm.name} ${text}`).toMatch(named);
        }
      }
    });
  });
});
