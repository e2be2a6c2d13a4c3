// Every free-text answer, fed hostile strings through flags and through preset files: each is
// refused with exit 2 and one clean line (and nothing written), or accepted and found in the
// rendered chart and the ApplicationSet as exactly the string given. The bulk runs main()
// in-process (the same parse → validate → render → write path as the binary, minus a process
// start per case); a sample goes through the built binary to prove the process behaves the same.
import { spawn } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { Answers } from '../../src/types.js';
import { CLI } from '../support/cli.js';
import { helmBinaries } from '../support/helm.js';
import { generateInto, limiter, tempRoot } from '../support/project.js';
import { casesFor, FIELDS, RAW_PRESETS, type Case, type Field } from './corpus.js';
import { checkApplicationSet, checkChart, checkRoundTrip, expectCleanRejection, normalized, recordedAnswers, runInProcess, stderrOf } from './support.js';

const root = tempRoot('ck8s-hostile-');
const presets = join(root.dir, 'presets');
mkdirSync(presets);
afterAll(() => root.cleanup());

let helm: string;
beforeAll(async () => {
  helm = (await helmBinaries())[0].bin;
});

type Channel = 'flag' | 'preset';
interface Outcome {
  c: Case;
  channel: Channel;
  accepted: boolean;
  dir: string;
}
const outcomes: Outcome[] = [];
const helmLimit = limiter(3);
// Cases whose answers differ only in what the chart does not hold (the repository and the path
// in it) render the same chart: render each chart once.
const checked = new Map<string, Promise<string[]>>();

async function roundTrip(dir: string, answers: Answers): Promise<string[]> {
  const key = JSON.stringify({ ...answers, 'repo-url': null, 'repo-path': null });
  if (!checked.has(key)) checked.set(key, helmLimit(() => checkChart(dir, answers, helm)));
  return [...checkApplicationSet(dir, answers), ...(await checked.get(key)!)];
}

let presetCount = 0;
function argsFor(c: Case, channel: Channel): string[] {
  if (channel === 'flag') {
    // `--key=value` hands the value over exactly, even one starting with '-'.
    return c.field === 'name' ? [`--name=${c.value}`, '--yes', '--no-lint'] : ['demo', `--${c.field}=${c.value}`, '--yes', '--no-lint'];
  }
  const file = join(presets, `p${presetCount++}.yaml`);
  const text = stringify({ [c.field]: c.value });
  // The preset must carry the string itself, not what YAML quoting made of it.
  expect(parse(text)[c.field], `YAML encoding of ${c.label}`).toBe(c.value);
  writeFileSync(file, text);
  return c.field === 'name' ? ['--preset', file, '--no-lint'] : ['demo', '--preset', file, '--no-lint'];
}

async function runCase(c: Case, channel: Channel): Promise<Outcome> {
  const cwd = root.fresh(`${c.field}-${channel}`);
  const r = await runInProcess(argsFor(c, channel), cwd);
  const what = `${channel} ${c.field} ${c.label} ${JSON.stringify(c.value.slice(0, 60))}`;
  if (r.code === 0) {
    const dirs = readdirSync(cwd);
    expect(dirs, what).toHaveLength(1);
    const dir = join(cwd, dirs[0]);
    const answers = recordedAnswers(dir);
    expect(answers[c.field as keyof Answers], `${what}: recorded answer`).toEqual(normalized(c.field, c.value));
    return { c, channel, accepted: true, dir };
  }
  expectCleanRejection({ code: r.code, stderr: stderrOf(r) }, cwd, c.field);
  rmSync(cwd, { recursive: true });
  return { c, channel, accepted: false, dir: cwd };
}

describe.each(FIELDS)('hostile %s', (field: Field) => {
  const cases = casesFor(field);
  it.each(['flag', 'preset'] as Channel[])(`through a %s: each value is refused cleanly or round-trips exactly (${cases.length} values)`, async (channel) => {
    const mine: Outcome[] = [];
    for (const c of cases) mine.push(await runCase(c, channel));
    outcomes.push(...mine);
    const accepted = mine.filter((o) => o.accepted);
    const problems = await Promise.all(accepted.map(async (o) => (await roundTrip(o.dir, recordedAnswers(o.dir))).map((p) => `${o.c.label}: ${p}`)));
    expect(problems.flat()).toEqual([]);
    // Template syntax from an answer could only be inert if it were escaped for Handlebars, Helm
    // and Argo CD's goTemplate at once: no validator may let it in.
    for (const o of accepted) expect(o.c.value, o.c.label).not.toMatch(/\{\{|\}\}|[\n\r\u0000\u2028\u2029]/);
  });
});

describe('hostile hosts behind every router', () => {
  it('an accepted host is the exact Istio host and Gateway API hostname too', async () => {
    const accepted = [...new Set(outcomes.filter((o) => o.accepted && o.c.field === 'host').map((o) => recordedAnswers(o.dir).host!))];
    // The shapes that differ: plain, wildcard, the longest allowed, punycode (the Ingress case covered all).
    const hosts = [...new Set([accepted[0], accepted.find((h) => h.startsWith('*.')), accepted.reduce((a, b) => (b.length > a.length ? b : a)), accepted.find((h) => h.includes('xn--'))])].filter(Boolean) as string[];
    expect(hosts.length).toBeGreaterThanOrEqual(3);
    const problems = await Promise.all(hosts.flatMap((host) => (['istio', 'gateway-api'] as const).map(async (traffic) => {
      const dir = root.fresh(`router-${traffic}`);
      const answers = await generateInto(dir, { name: 'demo', host, strategy: 'canary', traffic });
      return (await helmLimit(() => checkRoundTrip(dir, answers, helm))).map((p) => `${traffic} ${host}: ${p}`);
    })));
    expect(problems.flat()).toEqual([]);
  });
});

describe('hostile preset files', () => {
  it.each(RAW_PRESETS)('%s', async (_label, text) => {
    const file = join(presets, `raw${presetCount++}.yaml`);
    writeFileSync(file, text);
    const cwd = root.fresh('raw');
    const r = await runInProcess(['demo', '--preset', file, '--no-lint'], cwd);
    if (r.code !== 0) {
      expectCleanRejection({ code: r.code, stderr: stderrOf(r) }, cwd, `${file}:`);
      return;
    }
    // Accepted: each key holds what YAML itself says the file holds, nothing else.
    const answers = recordedAnswers(join(cwd, 'demo'));
    for (const [key, raw] of Object.entries(parse(text) as Record<string, unknown>)) {
      if (raw !== null) expect(answers[key as keyof Answers], key).toEqual(normalized(key, raw));
    }
    expect(await roundTrip(join(cwd, 'demo'), answers)).toEqual([]);
  });
});

describe('the built binary behaves like main()', () => {
  // A sample per field: a newline and a Go template, the two that would break the output most.
  const picks = (field: Field) => casesFor(field).filter((c) => /^(newline|go template) after$/.test(c.label));
  const samples = FIELDS.flatMap((field) => picks(field).map((c) => [field, c] as const));
  const spawnLimit = limiter(4);

  function spawnCli(args: string[], cwd: string): Promise<{ code: number; stderr: string; stdout: string }> {
    return spawnLimit(() => new Promise((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...process.env, CI: 'true', DEBUG: '' }, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => resolve({ code: code ?? 128, stdout, stderr }));
    }));
  }

  it(`refuses ${samples.length} hostile values per channel with one line and exit 2`, async () => {
    expect(samples.length).toBe(FIELDS.length * 2);
    await Promise.all(samples.flatMap(([, c]) => (['flag', 'preset'] as Channel[]).map(async (channel) => {
      const cwd = root.fresh('bin');
      const r = await spawnCli(argsFor(c, channel), cwd);
      expectCleanRejection(r, cwd, c.field);
      expect(r.stdout).toBe('');
    })));
  });
});

afterAll(() => {
  const tally = (list: Outcome[]) => `${list.length} cases: ${list.filter((o) => !o.accepted).length} refused, ${list.filter((o) => o.accepted).length} accepted and round-tripped`;
  const lines = FIELDS.map((f) => {
    const mine = outcomes.filter((o) => o.c.field === f);
    const kinds = [...new Set(mine.filter((o) => o.accepted).map((o) => o.c.label.replace(/ (alone|before|inside|after)$/, '')))];
    return `  ${f.padEnd(12)} ${tally(mine)}; accepted kinds: ${kinds.join(', ').slice(0, 300)}`;
  });
  console.log(`hostile corpus (each value through a flag and a preset): ${tally(outcomes)} (${checked.size} distinct charts rendered with helm template)\n${lines.join('\n')}`);
});
