// Every accepted combination of answers, generated in-process and checked by real Helm 3 and 4,
// schemas, Pod Security Standards and cross-references. A failing combination names the check,
// the object and the field; the template to look at is the object's `# Source:` file.
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { helmBinaries, runHelm } from './support/helm.js';
import { everyCombination, type Combination } from './support/combinations.js';
import { answersFor, builtin, limit, tempRoot, verifyProject, writePlan } from './support/project.js';
import { helpText } from '../src/help.js';
import { render } from '../src/render.js';
import type { Answers } from '../src/types.js';

const { accepted, rejected } = everyCombination();
const envLists = [['prod'], ['dev', 'qa', 'staging', 'prod']];
const extra: Combination[] = envLists.flatMap((envs) =>
  (['web', 'worker', 'cron'] as const).map((type) => ({
    ...accepted.find((c) => c.type === type && c.security === 'restricted')!,
    id: `${type}/envs=${envs.join(',')}`,
    envs,
  })),
);
// --websocket meets every value of every other answer at least once (pairwise), not the product:
// greedily, the web/api combinations that bring the most values not yet met with it.
function pairwise(answer: Partial<Combination>, suffix: string, applies: (c: Combination) => boolean): Combination[] {
  const dimensions = (c: Combination) => [`type=${c.type}`, `scaling=${c['keda-trigger'] ?? c.scaling}`, `strategy=${c.traffic ?? c.strategy}`, `security=${c.security}`];
  const candidates = accepted.filter(applies);
  const unmet = new Set(candidates.flatMap(dimensions));
  const chosen: Combination[] = [];
  while (unmet.size > 0) {
    const best = candidates.reduce((a, b) => (dimensions(b).filter((d) => unmet.has(d)).length > dimensions(a).filter((d) => unmet.has(d)).length ? b : a));
    for (const d of dimensions(best)) unmet.delete(d);
    chosen.push({ ...best, ...answer, id: `${best.id}/${suffix}` });
  }
  return chosen;
}
const websocket = pairwise({ websocket: true }, 'websocket', (c) => c.type === 'web' || c.type === 'api');
const combinations = [...accepted, ...extra, ...websocket];

const root = tempRoot('ck8s-matrix-');
const projects = new Map<string, { dir: string; answers: Answers }>();
const lintDefaultsFailures = new Map<string, string>();
const totals = { renders: 0, objects: 0, helmCalls: 0, failures: 0 };
const started = performance.now();

/** Lints every chart with its defaults in a few helm calls: one process per batch of charts. */
async function lintDefaultsInBatches(): Promise<void> {
  const dirs = [...projects.entries()];
  for (const helm of await helmBinaries()) {
    const batches: (typeof dirs)[] = [];
    for (let i = 0; i < dirs.length; i += 40) batches.push(dirs.slice(i, i + 40));
    await Promise.all(
      batches.map((batch) =>
        limit(async () => {
          totals.helmCalls++;
          const r = await runHelm(helm.bin, ['lint', '--strict', ...batch.map(([, p]) => join(p.dir, 'chart'))]);
          if (r.code === 0) return;
          // helm prints one "==> Linting <chart>" section per chart.
          for (const section of r.stdout.split('==> Linting ').slice(1)) {
            const [path, ...body] = section.split('\n');
            const errors = body.filter((l) => l.includes('[ERROR]') || l.includes('[WARNING]'));
            const hit = batch.find(([, p]) => join(p.dir, 'chart') === path.trim());
            if (hit && errors.length > 0) lintDefaultsFailures.set(hit[0], `[${helm.name} lint defaults] ${errors.join(' | ')}`);
          }
        }),
      ),
    );
  }
}

beforeAll(async () => {
  for (const combination of combinations) {
    const { id, ...given } = combination;
    const answers = await answersFor({ ...given, name: 'matrix-app' });
    const dir = join(root.dir, id.replace(/[/=,]/g, '_'));
    await writePlan(dir, render(answers, builtin(), '0.0.0-test'));
    projects.set(id, { dir, answers });
    totals.renders++;
  }
  await lintDefaultsInBatches();
});

afterAll(() => {
  const seconds = ((performance.now() - started) / 1000).toFixed(1);
  console.log(
    `matrix: ${combinations.length} combinations, ${totals.renders} renders, ${totals.objects} objects checked, ` +
      `${totals.helmCalls} helm runs, ${totals.failures} failing combinations, ${seconds}s`,
  );
  root.cleanup();
});

describe.concurrent('every accepted combination deploys', () => {
  it.each(combinations.map((c) => c.id))('%s', async (id) => {
    const { dir, answers } = projects.get(id)!;
    const result = await verifyProject(dir, answers, {
      lintDefaults: false,
      templateWithAll: false,
      // once per app type is enough to prove the CRD gate; the rest render with the CRDs
      withoutCrds: answers.scaling === 'none' && answers.strategy === 'rolling',
    });
    const failures = [...(lintDefaultsFailures.has(id) ? [lintDefaultsFailures.get(id)!] : []), ...result.failures];
    totals.objects += result.objects;
    totals.helmCalls += result.helmCalls;
    if (failures.length > 0) totals.failures++;
    expect(failures, `${id} failed:\n${failures.join('\n')}`).toEqual([]);
  });
});

it('covers the whole space: every choice --help offers, each in a chart the matrix checks', () => {
  // The choices come from what users are offered, not from the lists the matrix iterates, so a
  // choice the matrix leaves out fails here, and a new one needs no edit of this test.
  const help = helpText();
  const offered = (flag: string) => {
    const m = new RegExp(`^ {2}--${flag} <\\w+> +([a-z-]+(?: \\| [a-z-]+)*)`, 'm').exec(help);
    if (!m) throw new Error(`--help lists no choices for --${flag}`);
    return m[1]!.split(' | ').sort();
  };
  const all = [...accepted, ...rejected];
  const seen = (of: Combination[], key: keyof Combination) => [...new Set(of.map((c) => c[key]).filter((v) => v !== undefined).map(String))].sort();
  // Every choice is in the space, and in at least one chart the matrix generates and checks.
  for (const [name, of] of [['space', all], ['accepted', accepted]] as const) {
    expect(seen(of, 'type'), name).toEqual(offered('type'));
    expect(seen(of, 'scaling'), name).toEqual(offered('scaling'));
    expect(seen(of.filter((c) => c.scaling === 'keda'), 'keda-trigger'), name).toEqual(offered('keda-trigger'));
    expect(seen(of, 'strategy'), name).toEqual(offered('strategy'));
    expect(seen(of.filter((c) => c.strategy === 'canary'), 'traffic'), name).toEqual(offered('traffic'));
    expect(seen(of, 'security'), name).toEqual(offered('security'));
  }
  // Every point once: a trigger only with keda, a router only with canary.
  const points = offered('type').length * (offered('scaling').length - 1 + offered('keda-trigger').length) *
    (offered('strategy').length - 1 + offered('traffic').length) * offered('security').length;
  expect(new Set(all.map((c) => c.id)).size).toBe(points);
  expect(all).toHaveLength(points);
});
