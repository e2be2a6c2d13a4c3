// Generates projects in-process (rendering is pure) and verifies them the way the matrix and
// preset tests need: real helm lint/template on Helm 3 and 4, schemas, policies, references.
import { mkdirSync, mkdtempSync, rmSync, existsSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { resolveAnswers } from '../../src/answers.js';
import { checkObjects, formatFindings } from './checks/index.js';
import { validateSchemas } from './checks/schema.js';
import { loadTemplates } from '../../src/load-templates.js';
import type { Partial_ } from '../../src/options.js';
import { render, type Templates } from '../../src/render.js';
import type { Answers, Plan } from '../../src/types.js';
import { helmBinaries, runHelm, type HelmBinary } from './helm.js';
import { refusedObjects } from './argo/appproject.js';

export const TEMPLATES_DIR = join(import.meta.dirname, '..', '..', 'templates');
let templates: Templates | undefined;
export const builtin = () => (templates ??= loadTemplates(TEMPLATES_DIR));

export const MONITORING_APIS = [
  'monitoring.coreos.com/v1/ServiceMonitor',
  'monitoring.coreos.com/v1/PodMonitor',
  'monitoring.coreos.com/v1/PrometheusRule',
];

export async function answersFor(given: Partial_): Promise<Answers> {
  return resolveAnswers({ flags: given, preset: null, facts: { originUrl: null, repoPath: null }, ask: null, yes: true });
}

/**
 * A temporary folder for one test file. `name(stem)` is a path in it nothing uses yet (`<stem>-<n>`);
 * `fresh(stem)` makes a new empty folder there.
 */
export function tempRoot(prefix: string) {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  let n = 0;
  const name = (stem: string) => join(dir, `${stem}-${n++}`);
  return {
    dir,
    name,
    fresh(stem = 'case'): string {
      const path = name(stem);
      mkdirSync(path);
      return path;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

export async function writePlan(dir: string, plan: Plan): Promise<void> {
  for (const [path, content] of plan) {
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
}

/** A small semaphore: helm runs in child processes, a few at a time per worker. */
export function limiter(concurrency: number) {
  let active = 0;
  const queue: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= concurrency) await new Promise<void>((r) => queue.push(r));
    active++;
    try {
      return await task();
    } finally {
      active--;
      queue.shift()?.();
    }
  };
}

export interface Verification {
  failures: string[];
  objects: number;
  helmCalls: number;
}

export const limit = limiter(3);

/**
 * Every check of the output standard on one generated project at `dir`. Returns failures as
 * lines naming the check, the file or object and the field; empty when all pass.
 */
export interface VerifyOptions {
  helms?: HelmBinary[];
  /** lint the chart with its defaults (the matrix lints all charts at once instead) */
  lintDefaults?: boolean;
  /** render with every helm binary, or only the first (lint already runs on all) */
  templateWithAll?: boolean;
  /** also render without the Prometheus Operator CRDs */
  withoutCrds?: boolean;
}

export async function verifyProject(dir: string, answers: Answers, options: VerifyOptions = {}): Promise<Verification> {
  const { lintDefaults = true, templateWithAll = true, withoutCrds: checkWithoutCrds = true } = options;
  const helms = options.helms ?? (await helmBinaries());
  const chart = join(dir, 'chart');
  const failures: string[] = [];
  let objects = 0;
  let helmCalls = 0;
  const valueSets = lintDefaults ? [null, ...answers.envs] : answers.envs;

  const lint = helms.flatMap((helm) =>
    valueSets.map((env) =>
      limit(async () => {
        helmCalls++;
        const args = ['lint', '--strict', chart, ...(env ? ['-f', join(chart, `values-${env}.yaml`)] : [])];
        const r = await runHelm(helm.bin, args);
        if (r.code !== 0) failures.push(`[${helm.name} lint ${env ?? 'defaults'}] ${(r.stdout + r.stderr).trim().split('\n').filter((l) => /ERROR|Error|WARNING/.test(l)).join(' | ')}`);
      }),
    ),
  );

  const template = (templateWithAll ? helms : helms.slice(0, 1)).flatMap((helm) =>
    answers.envs.map((env) =>
      limit(async () => {
        helmCalls++;
        const args = ['template', answers.name, chart, '-f', join(chart, `values-${env}.yaml`), '--namespace', `${answers.name}-${env}`, ...MONITORING_APIS.flatMap((api) => ['--api-versions', api])];
        const r = await runHelm(helm.bin, args);
        if (r.code !== 0) {
          failures.push(`[${helm.name} template ${env}] ${r.stderr.trim()}`);
          return;
        }
        const { docs, sources } = renderedObjects(r.stdout);
        objects += docs.length;
        const where = `${helm.name} ${env}`;
        const findings = [...checkObjects(docs, { security: answers.security, externalSecrets: userSecrets(chart) }), ...(await validateSchemas(docs))];
        for (const finding of findings) {
          const template = sources.get(`${finding.kind}/${finding.name}`);
          failures.push(`[${where}] ${formatFindings([finding])}${template ? ` (from ${template}.hbs)` : ''}`);
        }
        failures.push(...leaks(r.stdout).map((l) => `[${where}] template leak: ${l}`));
        // The AppProject lets Argo CD apply every object to the environment's cluster and namespace.
        const project = parse(readFileSync(join(dir, 'argocd', 'appproject.yaml'), 'utf8'));
        const server = answers.clusters[env];
        failures.push(...refusedObjects(project.spec, { server, namespace: `${answers.name}-${env}` }, docs).map((f) => `[${where}] appproject: ${f}`));
        if (answers.monitoring) {
          const kinds = new Set(docs.map((d) => d.kind));
          if (!kinds.has('PrometheusRule')) failures.push(`[${where}] monitoring on but no PrometheusRule rendered`);
        }
      }),
    ),
  );

  // Without the Prometheus Operator CRDs the chart must still render, minus the monitors.
  const withoutCrds = limit(async () => {
    if (!checkWithoutCrds) return;
    helmCalls++;
    const env = answers.envs[0];
    const r = await runHelm(helms[0].bin, ['template', answers.name, chart, '-f', join(chart, `values-${env}.yaml`)]);
    if (r.code !== 0) return void failures.push(`[template without monitoring CRDs] ${r.stderr.trim()}`);
    const kinds = parseAllDocuments(r.stdout).map((d) => d.toJS()?.kind);
    for (const kind of ['ServiceMonitor', 'PodMonitor', 'PrometheusRule']) {
      if (kinds.includes(kind)) failures.push(`[template without monitoring CRDs] ${kind} rendered although its CRD is absent`);
    }
  });

  await Promise.all([...lint, ...template, withoutCrds]);
  const appset = await checkApplicationSet(dir, answers);
  failures.push(...appset.failures);
  objects += appset.objects;
  return { failures, objects, helmCalls };
}

/** The objects helm rendered, and for each Kind/name the template it came from (helm's `# Source:` line). */
function renderedObjects(stdout: string): { docs: Record<string, any>[]; sources: Map<string, string> } {
  const docs: Record<string, any>[] = [];
  const sources = new Map<string, string>();
  for (const doc of parseAllDocuments(stdout)) {
    const object = doc.toJS();
    if (!object || typeof object !== 'object') continue;
    docs.push(object);
    const source = /Source: [^/]+\/(\S+)/.exec(String(doc.contents?.commentBefore ?? ''));
    if (source) sources.set(`${object.kind}/${object.metadata?.name}`, `templates/chart/${source[1]}`);
  }
  return { docs, sources };
}

// Handlebars must leave nothing of its own, and Helm must have evaluated all of its own:
// the only braces left are Argo Rollouts' {{args.*}} and Prometheus' {{ $labels.* }}.
function leaks(rendered: string): string[] {
  const allowed = /\{\{args\.[a-z-]+\}\}|\{\{ \$labels\.[a-z_]+ \}\}/g;
  return rendered
    .split('\n')
    .filter((line) => line.replace(allowed, '').includes('{{') || line.includes('&amp;') || line.includes('&#x'))
    .slice(0, 3);
}

/** Secrets the chart documents as created by the user (never by the chart): KEDA credentials, an existing Secret. */
function userSecrets(chart: string): string[] {
  const values = parse(readFileSync(join(chart, 'values.yaml'), 'utf8'));
  return [values.keda?.auth?.secretName, values.secrets?.existingSecret].filter((s): s is string => typeof s === 'string');
}

async function checkApplicationSet(dir: string, answers: Answers): Promise<{ failures: string[]; objects: number }> {
  const failures: string[] = [];
  const appset = parse(readFileSync(join(dir, 'argocd', 'applicationset.yaml'), 'utf8'));
  const findings = await validateSchemas([appset]);
  failures.push(...findings.map((f) => `[applicationset] ${f.field}: ${f.message}`));
  const spec = appset?.spec ?? {};
  if (spec.goTemplate !== true) failures.push('[applicationset] goTemplate is not true');
  if (JSON.stringify(spec.goTemplateOptions) !== JSON.stringify(['missingkey=error'])) failures.push('[applicationset] goTemplateOptions is not ["missingkey=error"]');
  const elements: Record<string, string>[] = spec.generators?.[0]?.list?.elements ?? [];
  if (elements.map((e) => e.env).join(',') !== answers.envs.join(',')) failures.push(`[applicationset] elements ${elements.map((e) => e.env)} != envs ${answers.envs}`);
  const source = spec.template?.spec?.source ?? {};
  // The generated tree is the repository root here (repo-path "."), so the chart path is relative to dir.
  const chartDir = join(dir, answers['repo-path'] === '.' ? source.path : source.path.slice(answers['repo-path'].length + 1));
  if (!existsSync(join(chartDir, 'Chart.yaml'))) failures.push(`[applicationset] source.path ${source.path} has no Chart.yaml`);
  if ((source.helm?.releaseName ?? '').length > 53) failures.push('[applicationset] releaseName longer than 53');
  for (const element of elements) {
    for (const file of source.helm?.valueFiles ?? []) {
      // Argo CD fills the element into the Go template; missingkey=error means every key must exist.
      const filled = file.replace(/\{\{\s*\.(\w+)\s*\}\}/g, (_: string, key: string) => {
        if (!(key in element)) failures.push(`[applicationset] valueFiles uses .${key}, missing in element ${element.env}`);
        return element[key];
      });
      if (!existsSync(join(chartDir, filled))) failures.push(`[applicationset] ${element.env}: value file ${filled} does not exist`);
    }
  }
  const ns = spec.template?.spec?.syncPolicy?.managedNamespaceMetadata?.labels ?? {};
  if (ns['pod-security.kubernetes.io/enforce'] !== answers.security) failures.push('[applicationset] namespace enforce label does not match the security level');
  return { failures, objects: 1 };
}

export async function generateInto(dir: string, given: Partial_): Promise<Answers> {
  const answers = await answersFor(given);
  await writePlan(dir, render(answers, builtin(), '0.0.0-test'));
  return answers;
}
