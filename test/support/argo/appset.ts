// An ApplicationSet as Argo CD expands it (appset-render/main.go: Go text/template + sprig per
// list element), and each resulting Application's chart rendered the way Argo CD's repo server
// calls Helm (argo-cd reposerver/repository/repository.go helmTemplate, util/helm/cmd.go):
//   helm template <source.path> --name-template <helm.releaseName, else the Application name>
//     --namespace <helm.namespace, else destination.namespace> [--set …] --values <valueFiles,
//     relative to source.path> [--values <helm.values/valuesObject>] --api-versions … --include-crds
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { runHelm } from '../helm.js';
import { runTool } from './build.js';

export interface Application {
  metadata: { name: string; labels?: Record<string, string> };
  spec: {
    project: string;
    source: {
      repoURL: string;
      path: string;
      targetRevision?: string;
      helm?: {
        releaseName?: string;
        namespace?: string;
        valueFiles?: string[];
        values?: string;
        valuesObject?: unknown;
        parameters?: { name: string; value: string; forceString?: boolean }[];
        skipCrds?: boolean;
        skipTests?: boolean;
      };
    };
    destination: { server?: string; name?: string; namespace?: string };
    [key: string]: unknown;
  };
}

/** The Applications the ApplicationSet (its YAML) generates; fails as Argo CD would (e.g. missingkey=error). */
export function renderApplications(applicationSetYaml: string): Promise<Application[]> {
  return runTool<Application[]>('appset-render', parse(applicationSetYaml));
}

export interface RenderedApplication {
  /** Helm's arguments after the binary, as Argo CD would pass them */
  args: string[];
  releaseName: string;
  namespace: string;
  objects: Record<string, any>[];
}

/**
 * `helm template` of the Application's source in `repoDir` (the checked-out repository), with
 * `apiVersions` standing in for what the destination cluster serves.
 */
export async function renderApplicationChart(helmBin: string, repoDir: string, app: Application, apiVersions: string[] = []): Promise<RenderedApplication> {
  const source = app.spec.source;
  const helm = source.helm ?? {};
  const releaseName = helm.releaseName || app.metadata.name;
  const namespace = helm.namespace || app.spec.destination.namespace || '';
  const chartDir = resolve(repoDir, source.path);
  if (!chartDir.startsWith(resolve(repoDir))) throw new Error(`${app.metadata.name}: source.path leaves the repository`);
  const args = ['template', chartDir, '--name-template', releaseName];
  if (namespace) args.push('--namespace', namespace);
  for (const p of helm.parameters ?? []) args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${p.value}`);
  for (const f of helm.valueFiles ?? []) args.push('--values', resolve(chartDir, f));
  const tmp = await mkdtemp(join(tmpdir(), 'argocd-values-'));
  try {
    const inline = helm.valuesObject !== undefined ? stringify(helm.valuesObject) : helm.values;
    if (inline) {
      await writeFile(join(tmp, 'values.yaml'), inline);
      args.push('--values', join(tmp, 'values.yaml'));
    }
    for (const v of apiVersions) args.push('--api-versions', v);
    if (!helm.skipCrds) args.push('--include-crds');
    if (helm.skipTests) args.push('--skip-tests');
    const r = await runHelm(helmBin, args);
    if (r.code !== 0) throw new Error(`${app.metadata.name}: helm template failed: ${r.stderr.trim()}`);
    const objects = parseAllDocuments(r.stdout).map((d) => d.toJS()).filter((o) => o && typeof o === 'object');
    return { args, releaseName, namespace, objects };
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}
