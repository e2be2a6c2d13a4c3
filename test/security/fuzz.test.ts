// Property-based: random answer sets, valid and not, through main() in-process (flags and a preset
// file, mixed). Every run either exits 2 with one clean line and writes nothing, or writes a
// project that holds exactly the answers given; with answers drawn mostly valid, every generated
// chart passes `helm lint --strict`, alone and with each environment's values.
//
// Seeded: FUZZ_SEED=<n> replays a run (the seed is printed), FUZZ_SEED=random explores new cases,
// FUZZ_RUNS=<n> scales both properties.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseDocument, stringify } from 'yaml';
import { OPTION_BY_KEY } from '../../src/options.js';
import { APP_TYPES, KEDA_TRIGGERS, SCALINGS, SECRET_SOURCES, SECURITY_LEVELS, STRATEGIES, TRAFFIC_ROUTERS, type AnswerKey, type Answers } from '../../src/types.js';
import { helmBinaries, runHelm, type HelmBinary } from '../support/helm.js';
import { limiter, tempRoot } from '../support/project.js';
import { FRAGMENTS } from './corpus.js';
import { normalized, recordedAnswers, runInProcess, stderrOf } from './support.js';

const SEED = process.env.FUZZ_SEED === 'random' ? Math.floor(Math.random() * 2 ** 31) : Number(process.env.FUZZ_SEED ?? 20_250_611);
const SCALE = Number(process.env.FUZZ_RUNS ?? 1);
const CHEAP_RUNS = Math.round(400 * SCALE);
const HELM_RUNS = Math.round(60 * SCALE);

const root = tempRoot('ck8s-fuzz-');
afterAll(() => root.cleanup());

let helms: HelmBinary[];
beforeAll(async () => {
  helms = await helmBinaries();
});

// ---- arbitraries ---------------------------------------------------------------------------

// Starting with a letter keeps clear of labels YAML reads as numbers (tested on their own in the corpus).
const label = (max: number) => fc.stringMatching(new RegExp(`^[a-z]([-a-z0-9]{0,${max - 2}}[a-z0-9])?$`));
const junk = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'binary-ascii', maxLength: 40 }),
  fc.constantFrom(...FRAGMENTS.map(([, text]) => text)),
  fc.constantFrom('', ' ', '0', 'yes', 'null', 'latest', '-1', '{{ .Values.x }}', 'a'.repeat(300)),
);

const hex = (n: number) => fc.stringMatching(new RegExp(`^[a-f0-9]{${n}}$`));
const valid: Record<string, fc.Arbitrary<unknown>> = {
  name: label(20),
  type: fc.constantFrom(...APP_TYPES),
  envs: fc.uniqueArray(label(12), { minLength: 1, maxLength: 3 }),
  scaling: fc.constantFrom(...SCALINGS),
  'keda-trigger': fc.constantFrom(...KEDA_TRIGGERS),
  strategy: fc.constantFrom(...STRATEGIES),
  traffic: fc.constantFrom(...TRAFFIC_ROUTERS),
  security: fc.constantFrom(...SECURITY_LEVELS),
  'secret-keys': fc.uniqueArray(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,15}$/), { maxLength: 4 }),
  secrets: fc.constantFrom(...SECRET_SOURCES),
  image: fc
    .tuple(
      fc.constantFrom('', 'registry.example.com/', 'localhost:5000/', 'ghcr.io/org/'),
      fc.array(label(10), { minLength: 1, maxLength: 3 }),
      fc.oneof(
        fc.stringMatching(/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}$/).filter((t) => t !== 'latest').map((t) => `:${t}`),
        hex(64).map((d) => `@sha256:${d}`),
      ),
    )
    .map(([registry, path, ref]) => `${registry}${path.join('/')}${ref}`),
  port: fc.integer({ min: 1, max: 65535 }),
  host: fc.tuple(fc.boolean(), fc.array(label(15), { minLength: 2, maxLength: 4 })).map(([wild, labels]) => `${wild ? '*.' : ''}${labels.join('.')}`),
  'repo-url': fc
    .tuple(fc.constantFrom('https://git.example.com/', 'git@github.com:', 'ssh://git@git.example.com:2222/'), label(10), label(10))
    .map(([prefix, org, repo]) => `${prefix}${org}/${repo}.git`),
  'repo-path': fc.oneof(fc.constant('.'), fc.array(label(8), { minLength: 1, maxLength: 3 }).map((p) => p.join('/'))),
  monitoring: fc.boolean(),
};
const KEYS = Object.keys(valid) as AnswerKey[];

/** `arb` with probability `p`, else absent. */
function maybe<T>(arb: fc.Arbitrary<T>, p: number): fc.Arbitrary<T | undefined> {
  if (p >= 1) return arb;
  if (p <= 0) return fc.constant(undefined);
  return fc.oneof({ arbitrary: fc.constant(undefined), weight: Math.round((1 - p) * 100) }, { arbitrary: arb, weight: Math.round(p * 100) });
}

// Values of one enum given to another ("keda" as a strategy) are the likeliest wrong enum.
const ANY_CHOICE = fc.constantFrom(...new Set([...APP_TYPES, ...SCALINGS, ...KEDA_TRIGGERS, ...STRATEGIES, ...TRAFFIC_ROUTERS, ...SECURITY_LEVELS, ...SECRET_SOURCES]));
// The options whose presence most often makes a combination invalid are given less often.
const RARELY_GIVEN = new Set<AnswerKey>(['traffic', 'keda-trigger', 'secrets']);

interface Given {
  options: Partial<Record<AnswerKey, { value: unknown; inPreset: boolean }>>;
  yes: boolean;
  extra: string | undefined;
}

/**
 * A valid value for each option given (each in a flag or in the preset), then, with probability
 * `corrupt`, one option replaced by junk or another enum's choice, and with probability `extras`
 * one stray argument.
 */
function answerSet({ corrupt, extras, yes, name }: { corrupt: number; extras: number; yes: number; name: number }): fc.Arbitrary<Given> {
  const entry = (value: fc.Arbitrary<unknown>) => fc.record({ value, inPreset: fc.boolean() });
  const options = fc.record(
    Object.fromEntries(KEYS.map((k) => [k, maybe(entry(valid[k]), k === 'name' ? name : RARELY_GIVEN.has(k) ? 0.25 : 0.5)])),
  ) as fc.Arbitrary<Given['options']>;
  const corruption = maybe(fc.record({ key: fc.constantFrom(...KEYS), value: fc.oneof(junk, ANY_CHOICE), inPreset: fc.boolean() }), corrupt);
  const extra = maybe(fc.constantFrom('--bogus', '--replicas=3', '-x', '--yes=no', '--port', '--preset', '--check', '--set=a=b', 'second-dir'), extras);
  return fc.record({ options, corruption, yes: maybe(fc.constant(true), yes), extra }).map(({ options: given, corruption: c, yes: y, extra: e }) => ({
    options: c ? { ...given, [c.key]: { value: c.value, inPreset: c.inPreset } } : given,
    yes: Boolean(y),
    extra: e,
  }));
}

// ---- running one answer set ------------------------------------------------------------------

const asText = (key: string, value: unknown) => (Array.isArray(value) ? value.join(',') : typeof value === 'boolean' ? String(value) : String(value));

let presetCount = 0;
function argvFor(given: Given): string[] {
  const argv: string[] = [];
  const preset: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(given.options)) {
    if (!entry) continue;
    if (entry.inPreset) preset[key] = entry.value;
    else if (key === 'monitoring' && typeof entry.value === 'boolean') argv.push(entry.value ? '--monitoring' : '--no-monitoring');
    else argv.push(`--${key}=${asText(key, entry.value)}`);
  }
  if (Object.keys(preset).length > 0) {
    const file = join(root.dir, `preset-${presetCount++}.yaml`);
    writeFileSync(file, stringify(preset));
    argv.push('--preset', file);
  }
  if (given.yes) argv.push('--yes');
  if (given.extra) argv.push(given.extra);
  argv.push('--no-lint');
  return argv;
}

/** What the run must have recorded for each answer given (when the option applies to the app type). */
function expectRecorded(answers: Answers, given: Given): void {
  const applies: Partial<Record<AnswerKey, boolean>> = {
    host: answers.type === 'web' || answers.type === 'api' || answers.type === 'grpc',
    port: answers.type !== 'cron',
    scaling: answers.type !== 'cron',
    strategy: answers.type !== 'cron',
    traffic: answers.strategy === 'canary' && answers.type !== 'worker',
    'keda-trigger': answers.scaling === 'keda',
    secrets: answers['secret-keys'].length > 0,
  };
  for (const [key, entry] of Object.entries(given.options) as [AnswerKey, { value: unknown }][]) {
    if (!entry || applies[key] === false) continue;
    const kind = OPTION_BY_KEY.get(key)!.kind;
    const want = kind === 'enum' || kind === 'bool' ? entry.value : normalized(key, kind === 'int' && typeof entry.value !== 'number' ? String(entry.value) : entry.value);
    expect(answers[key], `recorded ${key}`).toEqual(want);
  }
}

interface Tally {
  runs: number;
  generated: number;
  rejected: number;
  reasons: Map<string, number>;
  lintCalls: number;
}
const newTally = (): Tally => ({ runs: 0, generated: 0, rejected: 0, reasons: new Map(), lintCalls: 0 });

async function runOne(given: Given, tally: Tally): Promise<{ dir: string; answers: Answers } | null> {
  tally.runs++;
  const cwd = root.fresh('run');
  const argv = argvFor(given);
  const r = await runInProcess(argv, cwd);
  const context = `argv ${JSON.stringify(argv)}\n${stderrOf(r)}`;
  expect([0, 2], context).toContain(r.code);
  if (r.code === 2) {
    tally.rejected++;
    const lines = stderrOf(r).replace(/\n$/, '').split('\n');
    expect(lines.length, context).toBeLessThanOrEqual(2);
    expect(lines[0], context).toMatch(/^error: \S/);
    if (lines[1] !== undefined) expect(lines[1], context).toMatch(/^hint: /);
    expect(lines.join('\n'), context).not.toMatch(/[\r\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]|this is a bug|\n\s+at /);
    expect(readdirSync(cwd), context).toEqual([]);
    // Grouped by what comes before the quoted value, for the log.
    const reason = lines[0].replace(/^error: /, '').replace(/\S*preset-\d+\.yaml:\d+: /, 'preset ').replace(/["(].*$/, '…').slice(0, 60);
    tally.reasons.set(reason, (tally.reasons.get(reason) ?? 0) + 1);
    return null;
  }
  tally.generated++;
  const entries = readdirSync(cwd);
  expect(entries, context).toHaveLength(1);
  const dir = join(cwd, entries[0]);
  const answers = recordedAnswers(dir);
  expectRecorded(answers, given);
  // Every YAML file Handlebars wrote (not the Helm templates, which are Go templates) parses cleanly.
  const yamlFiles = ['argocd/applicationset.yaml', 'chart/Chart.yaml', 'chart/values.yaml', ...answers.envs.map((e) => `chart/values-${e}.yaml`), '.create-k8s-app.yaml'];
  for (const file of yamlFiles) {
    const doc = parseDocument(readFileSync(join(dir, file), 'utf8'));
    expect(doc.errors.map((e) => e.message), `${file}\n${context}`).toEqual([]);
  }
  return { dir, answers };
}

function report(name: string, tally: Tally): void {
  const reasons = [...tally.reasons].sort((a, b) => b[1] - a[1]).slice(0, 8).map(([r, n]) => `${n}× ${r}`);
  console.log(
    `${name} (seed ${SEED}): ${tally.runs} runs, ${tally.generated} generated, ${tally.rejected} rejected with exit 2` +
      `${tally.lintCalls ? `, ${tally.lintCalls} helm lint --strict calls, all passing` : ''}\n  most common rejections: ${reasons.join('; ')}`,
  );
}

describe(`fuzzing (seed ${SEED}; replay with FUZZ_SEED=${SEED})`, () => {
  it(`any answers: exit 2 with one clean line and nothing written, or a project holding exactly those answers (${CHEAP_RUNS} runs)`, async () => {
    const tally = newTally();
    await fc.assert(fc.asyncProperty(answerSet({ corrupt: 0.6, extras: 0.1, yes: 0.85, name: 0.9 }), async (given) => void (await runOne(given, tally))), { seed: SEED, numRuns: CHEAP_RUNS });
    report('any answers', tally);
    // A generator that rejects everything or nothing would make this property hollow.
    expect(tally.generated).toBeGreaterThan(CHEAP_RUNS / 20);
    expect(tally.rejected).toBeGreaterThan(CHEAP_RUNS / 4);
  });

  it(`mostly valid answers: every generated chart passes helm lint --strict on Helm 3 and 4 (${HELM_RUNS} runs)`, async () => {
    const tally = newTally();
    const lint = limiter(3);
    await fc.assert(
      fc.asyncProperty(answerSet({ corrupt: 0, extras: 0, yes: 1, name: 1 }), async (given) => {
        const made = await runOne(given, tally);
        if (!made) return;
        // Alternate the two majors so both see about half of the charts.
        const helm = helms[tally.generated % helms.length];
        const chart = join(made.dir, 'chart');
        const results = await Promise.all([null, ...made.answers.envs].map((env) => lint(async () => {
          tally.lintCalls++;
          const r = await runHelm(helm.bin, ['lint', '--strict', chart, ...(env ? ['-f', join(chart, `values-${env}.yaml`)] : [])]);
          return { env, ...r };
        })));
        for (const r of results) expect(r.code, `${helm.name} lint ${r.env ?? 'defaults'} of ${JSON.stringify(made.answers)}\n${r.stdout}${r.stderr}`).toBe(0);
      }),
      { seed: SEED, numRuns: HELM_RUNS },
    );
    report('mostly valid answers', tally);
    expect(tally.generated).toBeGreaterThan(HELM_RUNS / 3);
  });
});
