// Each environment deploys to its own cluster, confined by the generated AppProject. The
// ApplicationSet is expanded per element by the Go evaluator (text/template + sprig,
// missingkey=error), each Application rendered by Helm as Argo CD's repo server would, and every
// object Argo CD would apply is judged by Argo CD's own permission rules
// (test/support/argo/appproject.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { Partial_ } from '../../src/options.js';
import {
  appliedByArgoCD, isDestinationPermitted, isGroupKindNamePermitted, isSourcePermitted, refusedObjects, type AppProjectSpec,
} from '../support/argo/appproject.js';
import { validateSchemas } from '../support/checks/schema.js';
import { generate, type Generated, type Obj } from './support.js';

const PROD = 'https://prod.k8s.example.com:6443';
const EU = 'https://rancher.example.com/k8s/clusters/c-m-eu1';

/** Configurations between them rendering every template the chart has. */
const CONFIGS: Partial_[] = [
  { type: 'web', strategy: 'canary', traffic: 'nginx', 'secret-keys': ['API_TOKEN'], secrets: 'external' },
  { type: 'api', strategy: 'canary', traffic: 'istio', scaling: 'keda', 'keda-trigger': 'prometheus', 'secret-keys': ['API_TOKEN'], secrets: 'sealed' },
  { type: 'grpc', strategy: 'canary', traffic: 'gateway-api', 'secret-keys': ['API_TOKEN'], secrets: 'existing' },
  { type: 'web', strategy: 'blue-green', traffic: 'none', security: 'baseline' },
  { type: 'worker', strategy: 'canary', scaling: 'keda', 'keda-trigger': 'rabbitmq' },
  { type: 'worker', scaling: 'hpa' },
  { type: 'cron' },
];

function appProject(g: Generated): { name: string; spec: AppProjectSpec; raw: Obj } {
  const raw = parse(readFileSync(join(g.dir, 'argocd', 'appproject.yaml'), 'utf8'));
  return { name: raw.metadata.name, spec: raw.spec, raw };
}

/** What Argo CD refuses of one Application and its rendered objects, as its sync would say it. */
function refusals(spec: AppProjectSpec, app: Generated['releases'][number]): string[] {
  const out: string[] = [];
  const { server = '', namespace = '' } = app.app.spec.destination;
  if (!isSourcePermitted(spec, app.app.spec.source.repoURL)) out.push(`source ${app.app.spec.source.repoURL} not permitted`);
  // CreateNamespace=true: Argo CD creates the destination namespace itself.
  if (!isGroupKindNamePermitted(spec, { group: '', kind: 'Namespace' }, namespace, false)) out.push('Namespace not permitted');
  return [...out, ...refusedObjects(spec, { server, namespace }, app.objects)];
}

describe.each(CONFIGS)('%j across clusters', (config) => {
  const project = generate({ ...config, envs: ['dev', 'staging', 'prod'], clusters: { staging: EU, prod: PROD } });

  it('sends each Application to its environment\'s cluster, in the project, not default', async () => {
    const g = await project;
    const { name, raw } = appProject(g);
    expect(await validateSchemas([raw])).toEqual([]);
    expect(name).toBe('shop');
    expect(g.releases.map((r) => [r.env, r.app.spec.destination.server, r.app.spec.project])).toEqual([
      ['dev', 'https://kubernetes.default.svc', 'shop'],
      ['staging', EU, 'shop'],
      ['prod', PROD, 'shop'],
    ]);
  });

  it('the AppProject permits every Application and every object Argo CD applies', async () => {
    const g = await project;
    const { spec } = appProject(g);
    for (const r of g.releases) expect(refusals(spec, r), r.env).toEqual([]);
    // Everything the project allows is rendered somewhere: no kind is listed for nothing, except
    // the kinds a values switch turns on (off by default), which must not need a new AppProject.
    const switchedOn = ['batch/Job', 'autoscaling.k8s.io/VerticalPodAutoscaler'];
    const rendered = new Set(g.releases.flatMap((r) => r.objects.filter(appliedByArgoCD).map((o) => `${String(o.apiVersion).replace(/\/?[^/]+$/, '')}/${o.kind}`)));
    for (const k of spec.namespaceResourceWhitelist ?? []) {
      const kind = `${k.group}/${k.kind}`;
      if (!switchedOn.includes(kind)) expect(rendered, kind).toContain(kind);
    }
  });

  it('allows exactly this repository, the clusters and namespaces of the environments, and only Namespace cluster-wide', async () => {
    const g = await project;
    const { spec } = appProject(g);
    expect(spec.sourceRepos).toEqual([g.answers['repo-url']]);
    expect(spec.destinations).toEqual(g.releases.map((r) => ({ server: r.app.spec.destination.server, namespace: r.namespace })));
    expect(spec.clusterResourceWhitelist).toEqual([{ group: '', kind: 'Namespace' }]);
    expect(spec.namespaceResourceBlacklist).toBeUndefined();
  });
});

describe('what the AppProject refuses', () => {
  const project = generate({ type: 'web', strategy: 'canary', envs: ['staging', 'prod'], clusters: { prod: PROD } });

  it('a foreign repository, a foreign cluster, another environment\'s namespace there, and kinds the chart does not render', async () => {
    const g = await project;
    const { spec } = appProject(g);
    const prod = g.releases.find((r) => r.env === 'prod')!;
    const staging = g.releases.find((r) => r.env === 'staging')!;
    const moved = (change: (app: typeof prod.app) => void) => {
      const app = structuredClone(prod.app);
      change(app);
      return refusals(spec, { ...prod, app });
    };
    expect(refusals(spec, prod)).toEqual([]);
    expect(moved((a) => (a.spec.source.repoURL = 'https://git.example.com/platform/other.git'))).toEqual([
      'source https://git.example.com/platform/other.git not permitted',
    ]);
    // The same repository written another way is the same to Argo CD.
    expect(moved((a) => (a.spec.source.repoURL = 'HTTPS://git.example.com/platform/shop'))).toEqual([]);
    expect(moved((a) => (a.spec.destination.server = 'https://evil.example.com'))).toContain('destination https://evil.example.com shop-prod not permitted');
    expect(moved((a) => (a.spec.destination.server = 'https://prod.k8s.example.com'))).toContain('destination https://prod.k8s.example.com shop-prod not permitted');
    // Staging's namespace on the production cluster, production's namespace on staging's.
    expect(moved((a) => (a.spec.destination.namespace = staging.namespace))).toContain(`destination ${PROD} shop-staging not permitted`);
    expect(isDestinationPermitted(spec, { server: 'https://kubernetes.default.svc', namespace: 'shop-prod' })).toBe(false);
    expect(isDestinationPermitted(spec, { server: PROD, namespace: 'kube-system' })).toBe(false);
    for (const [group, kind] of [['', 'Secret'], ['', 'Pod'], ['rbac.authorization.k8s.io', 'Role'], ['apps', 'DaemonSet'], ['batch', 'CronJob']])
      expect(isGroupKindNamePermitted(spec, { group, kind }, 'x', true), `${group}/${kind}`).toBe(false);
    for (const [group, kind] of [['rbac.authorization.k8s.io', 'ClusterRoleBinding'], ['apiextensions.k8s.io', 'CustomResourceDefinition'], ['', 'PersistentVolume']])
      expect(isGroupKindNamePermitted(spec, { group, kind }, 'x', false), `${group}/${kind}`).toBe(false);
    // A rendered object of an unlisted kind is refused by name.
    const extra = { ...prod, objects: [...prod.objects, { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'planted' } }] };
    expect(refusals(spec, extra)).toEqual(['/Secret planted: kind not permitted']);
    // The helm test pod is never applied by Argo CD, so the project need not allow Pods.
    expect(prod.objects.some((o) => o.kind === 'Pod' && !appliedByArgoCD(o))).toBe(true);
  });
});
