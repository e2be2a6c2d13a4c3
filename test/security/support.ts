// Shared by the security tests: the CLI run in-process with a captured Io, the "one clean line"
// contract for rejections, and the round-trip check that every answer reaches the rendered
// objects as the very string that was given.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { main } from '../../src/cli.js';
import type { Io } from '../../src/io.js';
import type { Answers } from '../../src/types.js';
import { parseImage } from '../../src/validate.js';
import { envHost, productionEnv } from '../../src/view.js';
import { runCli } from '../support/cli.js';
import { runHelm } from '../support/helm.js';
import { MONITORING_APIS } from '../support/project.js';

export interface RunResult {
  code: number;
  out: string[];
  err: string[];
}

/** main() as the bin runs it, minus the process: no terminal, so nothing is ever asked. */
export async function runInProcess(argv: string[], cwd: string): Promise<RunResult> {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    cwd,
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    interactive: false,
    makeAsk: async () => {
      throw new Error('no prompt may be shown without a terminal');
    },
  };
  const code = await main(argv, io);
  return { code, out, err };
}

/** A new case folder in `root` holding `demo`, a project generated with the defaults. */
export function generatedProject(root: { fresh(stem?: string): string }, stem?: string): { cwd: string; project: string } {
  const cwd = root.fresh(stem);
  const r = runCli(['demo', '--yes', '--no-lint'], { cwd });
  expect(r.code, r.stderr).toBe(0);
  return { cwd, project: join(cwd, 'demo') };
}

/** Exit 2, `error: …` and at most a `hint: …`, each one line, no stack, and nothing written. */
export function expectCleanRejection(result: { code: number; stderr: string }, cwd: string, mentions?: string): void {
  const context = result.stderr;
  expect(result.code, context).toBe(2);
  const lines = result.stderr.replace(/\n$/, '').split('\n');
  expect(lines.length, context).toBeLessThanOrEqual(2);
  expect(lines[0], context).toMatch(/^error: \S/);
  if (lines[1] !== undefined) expect(lines[1], context).toMatch(/^hint: /);
  // One line also for terminals: no carriage return, Unicode line break or escape sequence.
  expect(result.stderr, context).not.toMatch(/[\r\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
  expect(result.stderr, context).not.toMatch(/\n\s+at |Error:|\.ts:\d+|\.js:\d+/);
  if (mentions) expect(lines[0], context).toContain(mentions);
  expect(readdirSync(cwd), `${context}: the working directory must stay empty`).toEqual([]);
}

export const stderrOf = (r: RunResult) => r.err.map((l) => `${l}\n`).join('');

/** What coerce makes of a raw value: only spaces and tabs around a value (or a list item) go. */
export function normalized(field: string, raw: unknown): unknown {
  const trim = (s: string) => s.replace(/^[ \t]+|[ \t]+$/g, '');
  if (field === 'envs' || field === 'secret-keys') {
    if (Array.isArray(raw)) return raw.map((s) => trim(String(s)));
    const text = String(raw);
    return trim(text) === '' ? [] : text.split(',').map(trim);
  }
  if (field === 'port') return typeof raw === 'number' ? raw : Number(trim(String(raw)));
  return typeof raw === 'string' ? trim(raw) : raw;
}

export function recordedAnswers(dir: string): Answers {
  return parse(readFileSync(join(dir, '.create-k8s-app.yaml'), 'utf8')).answers as Answers;
}

// Kubernetes' own rule for label values; a version label taken from an image tag must obey it.
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

type Obj = Record<string, any>;

function podSpecOf(obj: Obj): Obj | undefined {
  if (obj.kind === 'CronJob') return obj.spec?.jobTemplate?.spec?.template?.spec;
  if (obj.kind === 'Deployment' || obj.kind === 'Rollout') return obj.spec?.template?.spec;
  return undefined;
}

/** The ApplicationSet carries the repository, path, name and environments verbatim. */
export function checkApplicationSet(dir: string, a: Answers): string[] {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);
  const appset = parse(readFileSync(join(dir, 'argocd', 'applicationset.yaml'), 'utf8'));
  const source = appset?.spec?.template?.spec?.source ?? {};
  if (appset?.metadata?.name !== a.name) fail(`ApplicationSet name ${JSON.stringify(appset?.metadata?.name)} != ${JSON.stringify(a.name)}`);
  if (source.repoURL !== a['repo-url'] || typeof source.repoURL !== 'string') fail(`repoURL ${JSON.stringify(source.repoURL)} != ${JSON.stringify(a['repo-url'])}`);
  const chartPath = a['repo-path'] === '.' ? 'chart' : `${a['repo-path']}/chart`;
  if (source.path !== chartPath) fail(`source.path ${JSON.stringify(source.path)} != ${JSON.stringify(chartPath)}`);
  if (source.helm?.releaseName !== a.name) fail(`releaseName ${JSON.stringify(source.helm?.releaseName)} != ${JSON.stringify(a.name)}`);
  const elements = appset?.spec?.generators?.[0]?.list?.elements ?? [];
  if (JSON.stringify(elements.map((e: Obj) => e.env)) !== JSON.stringify(a.envs)) fail(`ApplicationSet envs ${JSON.stringify(elements.map((e: Obj) => e.env))} != ${JSON.stringify(a.envs)}`);
  return problems;
}

/**
 * Renders the chart in `dir` for every environment and checks that each answer appears as the
 * plain string it was given wherever it is used, and that nothing of Handlebars or of Helm is
 * left in the output.
 */
export async function checkChart(dir: string, a: Answers, helm: string): Promise<string[]> {
  const problems: string[] = [];
  const fail = (what: string) => problems.push(what);
  const chart = join(dir, 'chart');
  const prod = productionEnv(a.envs);

  const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
  const image = parseImage(a.image);
  if (typeof image === 'string') return [`recorded image does not parse: ${image}`];
  if (values.image?.repository !== image.repository) fail(`values image.repository ${JSON.stringify(values.image?.repository)} != ${JSON.stringify(image.repository)}`);
  if (image.tag && values.image?.tag !== image.tag) fail(`values image.tag ${JSON.stringify(values.image?.tag)} != ${JSON.stringify(image.tag)}`);
  if (values.image?.digest !== image.digest) fail(`values image.digest ${JSON.stringify(values.image?.digest)} != ${JSON.stringify(image.digest)}`);
  if (a['secret-keys'].length > 0 && JSON.stringify(values.secrets?.keys) !== JSON.stringify(a['secret-keys']))
    fail(`values secrets.keys ${JSON.stringify(values.secrets?.keys)} != ${JSON.stringify(a['secret-keys'])}`);

  await Promise.all(a.envs.map(async (env) => {
    const r = await runHelm(helm, ['template', a.name, chart, '-f', join(chart, `values-${env}.yaml`), '--namespace', `${a.name}-${env}`,
      ...MONITORING_APIS.flatMap((api) => ['--api-versions', api])]);
    if (r.code !== 0) return void fail(`[${env}] helm template failed: ${r.stderr.trim().split('\n')[0]}`);
    const parsed = parseAllDocuments(r.stdout);
    for (const doc of parsed) if (doc.errors.length > 0) fail(`[${env}] rendered YAML does not parse: ${doc.errors[0].message}`);
    const docs: Obj[] = parsed.map((d) => d.toJS()).filter((d) => d && typeof d === 'object');
    const leftover = r.stdout.replace(/\{\{args\.[a-z-]+\}\}|\{\{ \$labels\.[a-z_]+ \}\}/g, '');
    if (/\{\{|\}\}|&amp;|&#x|&quot;/.test(leftover)) fail(`[${env}] template syntax or HTML escapes left in the output`);

    for (const obj of docs) {
      for (const [key, value] of Object.entries<unknown>(obj.metadata?.labels ?? {})) {
        if (typeof value !== 'string' || value.length > 63 || !LABEL_VALUE.test(value)) fail(`[${env}] ${obj.kind} label ${key}=${JSON.stringify(value)} is not a valid label value`);
      }
      if (obj.metadata?.labels?.['app.kubernetes.io/name'] !== undefined && obj.metadata.labels['app.kubernetes.io/name'] !== a.name)
        fail(`[${env}] ${obj.kind} app.kubernetes.io/name ${JSON.stringify(obj.metadata.labels['app.kubernetes.io/name'])} != ${JSON.stringify(a.name)}`);
    }

    const workload = docs.find((d) => podSpecOf(d));
    const container = workload ? podSpecOf(workload)!.containers?.[0] : undefined;
    if (!container) return void fail(`[${env}] no workload with a container`);
    const wantImage = image.digest ? `${image.repository}@${image.digest}` : a.image;
    if (container.image !== wantImage) fail(`[${env}] container image ${JSON.stringify(container.image)} != ${JSON.stringify(wantImage)}`);
    if (a.port !== null && !(container.ports ?? []).some((p: Obj) => p.containerPort === a.port)) fail(`[${env}] no containerPort ${a.port}`);
    if (a['secret-keys'].length > 0) {
      const refs = (container.envFrom ?? []).map((e: Obj) => e.secretRef?.name).filter(Boolean);
      if (refs.length !== 1) fail(`[${env}] envFrom has ${refs.length} secretRefs`);
      const external = docs.find((d) => d.kind === 'ExternalSecret');
      if (a.secrets === 'external' && JSON.stringify(external?.spec?.data?.map((d: Obj) => d.secretKey)) !== JSON.stringify(a['secret-keys']))
        fail(`[${env}] ExternalSecret keys ${JSON.stringify(external?.spec?.data?.map((d: Obj) => d.secretKey))} != ${JSON.stringify(a['secret-keys'])}`);
    }

    if (a.host !== null) {
      const want = envHost(a.host, env, env === prod);
      const ingress = docs.find((d) => d.kind === 'Ingress');
      const vs = docs.find((d) => d.kind === 'VirtualService');
      const route = docs.find((d) => d.kind === 'HTTPRoute' || d.kind === 'GRPCRoute');
      // A VirtualService also lists the Service itself, for traffic inside the mesh.
      const hosts: unknown[] = ingress ? (ingress.spec?.rules ?? []).map((r: Obj) => r.host)
        : vs ? (vs.spec?.hosts ?? []).filter((h: unknown) => h !== vs.metadata?.name)
        : route ? route.spec?.hostnames ?? [] : [];
      if (hosts.length === 0) fail(`[${env}] host ${JSON.stringify(want)} is not used by any Ingress, VirtualService or route`);
      for (const h of hosts) if (h !== want || typeof h !== 'string') fail(`[${env}] host ${JSON.stringify(h)} != ${JSON.stringify(want)}`);
      if (ingress && JSON.stringify(ingress.spec?.tls?.[0]?.hosts) !== JSON.stringify([want])) fail(`[${env}] Ingress TLS hosts ${JSON.stringify(ingress.spec?.tls?.[0]?.hosts)} != ${JSON.stringify([want])}`);
    }
  }));
  return problems;
}

export async function checkRoundTrip(dir: string, a: Answers, helm: string): Promise<string[]> {
  return [...checkApplicationSet(dir, a), ...(await checkChart(dir, a, helm))];
}
