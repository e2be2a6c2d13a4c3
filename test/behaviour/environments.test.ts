// A namespace per environment, always distinct, and ignoreDifferences only for what Argo Rollouts
// rewrites on the objects Argo CD owns. The ApplicationSet is expanded per element by the Go
// evaluator (text/template + sprig, missingkey=error) and each Application rendered by Helm with
// its own release name, namespace and value files (support.ts).
import { describe, expect, it } from 'vitest';
import type { Partial_ } from '../../src/options.js';
import { generate, ofKind, one, release, type EnvRelease, type Obj } from './support.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('long names and environments alike up to the cut', () => {
  const name = 'a'.repeat(53);
  const envs = ['staging-eu-1', 'staging-eu-2'];
  const project = generate({ name, envs });
  const again = generate({ name, envs });

  it('get distinct namespaces that are DNS labels of at most 63 characters, the same on every run', async () => {
    const p = await project;
    const namespaces = p.releases.map((r) => r.namespace);
    expect(p.releases.map((r) => r.env)).toEqual(envs);
    expect(new Set(namespaces).size).toBe(2);
    for (const ns of namespaces) {
      expect(ns.length, ns).toBeLessThanOrEqual(63);
      expect(ns, ns).toMatch(DNS_LABEL);
      expect(ns.startsWith(`${name}-`), ns).toBe(true);
    }
    expect((await again).releases.map((r) => r.namespace)).toEqual(namespaces);
  });

  it('each Application renders with its release name, its namespace and its values file', async () => {
    for (const r of (await project).releases) {
      expect(r.app.spec.destination.namespace).toBe(r.namespace);
      expect(r.app.spec.source.helm?.valueFiles).toEqual([`values-${r.env}.yaml`]);
      expect(r.releaseName).toBe(name);
      expect(r.args).toEqual(expect.arrayContaining(['--name-template', name, '--namespace', r.namespace]));
      // Helm gave the chart this namespace: the alert rules select it.
      const rules = JSON.stringify(ofKind(r.objects, 'PrometheusRule').map((o) => o.spec));
      expect(rules).toContain(`namespace=\\"${r.namespace}\\"`);
    }
  });
});

describe('short names', () => {
  const project = generate({ envs: ['staging', 'prod'] });

  it('keep <name>-<env> as the namespace', async () => {
    expect((await project).releases.map((r) => r.namespace)).toEqual(['shop-staging', 'shop-prod']);
  });
});

/**
 * A jq path as Argo CD's jqPathExpressions use them here (`.a.b`, `[]`, `["key"]`), evaluated on
 * an object: the values it reaches.
 */
export function jqValues(obj: unknown, path: string): unknown[] {
  const steps = path.match(/\.[A-Za-z_][\w]*|\[\]|\["[^"]*"\]/g) ?? [];
  if (steps.join('') !== path) throw new Error(`jq path not understood: ${path}`);
  let values: unknown[] = [obj];
  for (const step of steps) {
    values = values.flatMap((v): unknown[] => {
      if (v === null || typeof v !== 'object') return [];
      if (step === '[]') return Array.isArray(v) ? v : Object.values(v);
      const key = step.startsWith('.') ? step.slice(1) : JSON.parse(step.slice(1, -1));
      return key in v ? [(v as Record<string, unknown>)[key]] : [];
    });
  }
  return values;
}

interface Written { group: string; kind: string; name: string; path: string }

/**
 * What Argo Rollouts writes on objects for a canary, read in its code (argoproj/argo-rollouts,
 * and argoproj-labs/rollouts-plugin-trafficrouter-gatewayapi for Gateway API):
 * - rollout/service.go: the stable and canary Services get a `rollouts-pod-template-hash`
 *   selector key and the `argo-rollouts.argoproj.io/managed-by-rollouts` annotation;
 * - rollout/trafficrouting/nginx/nginx.go: the weight goes on an Ingress of its own,
 *   `<rollout>-<stableIngress>-canary`, created and owned by the Rollout;
 * - rollout/trafficrouting/alb/alb.go (getDesiredAnnotations): the Ingress gets
 *   `alb.ingress.kubernetes.io/actions.<stableService>` and `rollouts.argoproj.io/managed-alb-annotations`;
 * - rollout/trafficrouting/istio/istio.go (reconcileVirtualService): the weights of the
 *   destinations of the named http routes;
 * - the Gateway API plugin's pkg/plugin/httproute.go / grpcroute.go: the weights of the stable and
 *   canary backendRefs, and the `rollouts.argoproj.io/gatewayapi-canary` label (labels.go).
 */
function rolloutsWrites(rollout: Obj): Written[] {
  const c = rollout.spec.strategy.canary;
  const tr = c.trafficRouting ?? {};
  const writes: Written[] = [];
  for (const name of [c.stableService, c.canaryService].filter(Boolean)) {
    writes.push({ group: '', kind: 'Service', name, path: '.spec.selector["rollouts-pod-template-hash"]' });
    writes.push({ group: '', kind: 'Service', name, path: '.metadata.annotations["argo-rollouts.argoproj.io/managed-by-rollouts"]' });
  }
  if (tr.nginx) {
    const canaryIngress = `${rollout.metadata.name}-${tr.nginx.stableIngress}-canary`;
    writes.push({ group: 'networking.k8s.io', kind: 'Ingress', name: canaryIngress, path: '.metadata.annotations["nginx.ingress.kubernetes.io/canary-weight"]' });
  }
  if (tr.alb) {
    for (const key of [`alb.ingress.kubernetes.io/actions.${tr.alb.rootService ?? c.stableService}`, 'rollouts.argoproj.io/managed-alb-annotations']) {
      writes.push({ group: 'networking.k8s.io', kind: 'Ingress', name: tr.alb.ingress, path: `.metadata.annotations["${key}"]` });
    }
  }
  if (tr.istio) {
    writes.push({ group: 'networking.istio.io', kind: 'VirtualService', name: tr.istio.virtualService.name, path: '.spec.http[].route[].weight' });
  }
  const gw = tr.plugins?.['argoproj-labs/gatewayAPI'];
  if (gw) {
    const [kind, name] = gw.grpcRoute ? ['GRPCRoute', gw.grpcRoute] : ['HTTPRoute', gw.httpRoute];
    writes.push({ group: 'gateway.networking.k8s.io', kind, name, path: '.spec.rules[].backendRefs[].weight' });
    writes.push({ group: 'gateway.networking.k8s.io', kind, name, path: '.metadata.labels["rollouts.argoproj.io/gatewayapi-canary"]' });
  }
  return writes;
}

/** The written fields Argo CD sees as drift: on an object the chart renders, in a field it renders. */
function drift(r: EnvRelease): Written[] {
  return rolloutsWrites(one(r.objects, 'Rollout')).filter((w) => {
    const owned = r.objects.find((o) => o.kind === w.kind && o.metadata.name === w.name);
    return owned !== undefined && jqValues(owned, w.path).length > 0;
  });
}

const CANARIES: [string, Partial_][] = [
  ['web, replica-weighted', { type: 'web', strategy: 'canary', traffic: 'none' }],
  ['web, nginx', { type: 'web', strategy: 'canary', traffic: 'nginx' }],
  ['grpc, nginx', { type: 'grpc', strategy: 'canary', traffic: 'nginx' }],
  ['web, alb', { type: 'web', strategy: 'canary', traffic: 'alb' }],
  ['web, istio', { type: 'web', strategy: 'canary', traffic: 'istio' }],
  ['api, gateway-api', { type: 'api', strategy: 'canary', traffic: 'gateway-api' }],
  ['grpc, gateway-api', { type: 'grpc', strategy: 'canary', traffic: 'gateway-api' }],
  ['worker, replica-weighted', { type: 'worker', strategy: 'canary', traffic: 'none' }],
];

describe.each(CANARIES)('%s canary ignoreDifferences', (_, given) => {
  const project = generate(given);

  it('ignore exactly the rendered fields Argo Rollouts rewrites', async () => {
    for (const r of (await project).releases) {
      const entries = (r.app.spec.ignoreDifferences ?? []) as Obj[];
      const ignored = entries.flatMap((e) => (e.jqPathExpressions as string[]).map((path) => `${e.group}/${e.kind} ${path}`));
      const expected = [...new Set(drift(r).map((w) => `${w.group}/${w.kind} ${w.path}`))];
      expect(ignored.sort(), r.env).toEqual(expected.sort());
      // Each entry reaches a field of an object the chart renders.
      for (const e of entries) {
        const owned = r.objects.filter((o) => o.kind === e.kind && (!e.name || o.metadata.name === e.name));
        for (const path of e.jqPathExpressions) expect(owned.flatMap((o) => jqValues(o, path)).length, `${e.kind} ${path}`).toBeGreaterThan(0);
      }
      const syncOptions: string[] = (r.app.spec.syncPolicy as Obj | undefined)?.syncOptions ?? [];
      expect(syncOptions.includes('RespectIgnoreDifferences=true'), r.env).toBe(entries.length > 0);
    }
  });
});

describe('jqValues', () => {
  const vs = { metadata: { annotations: { 'a/b': 'x' } }, spec: { http: [{ route: [{ weight: 100 }, { weight: 0 }] }, { route: [{}] }] } };
  it('reaches the values a path names, and nothing where there is none', () => {
    expect(jqValues(vs, '.spec.http[].route[].weight')).toEqual([100, 0]);
    expect(jqValues(vs, '.metadata.annotations["a/b"]')).toEqual(['x']);
    expect(jqValues(vs, '.metadata.annotations["c"]')).toEqual([]);
    expect(jqValues(vs, '.spec.rules[].backendRefs[].weight')).toEqual([]);
    expect(() => jqValues(vs, '.spec | keys')).toThrow(/not understood/);
  });
});

describe('ALB Ingress', () => {
  const project = generate({ type: 'web', strategy: 'canary', traffic: 'alb' });

  it('takes TLS from ACM, listens on HTTPS with a redirect, and has no cert-manager issuer or TLS secret', async () => {
    for (const ingress of ofKind(release(await project, 'prod').objects, 'Ingress')) {
      const annotations = ingress.metadata.annotations ?? {};
      expect(Object.keys(annotations).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
      expect(ingress.spec.tls ?? []).toEqual([]);
      expect(annotations['alb.ingress.kubernetes.io/listen-ports']).toMatch(/HTTPS/);
      expect(annotations['alb.ingress.kubernetes.io/ssl-redirect']).toBe('443');
    }
  });
});
