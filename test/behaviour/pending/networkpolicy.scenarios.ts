// Pending scenarios (see vitest.config.ts here): a NetworkPolicy that admits exactly the flows
// the chart needs, each from a documented value, and nothing wider.
import { describe, expect, it } from 'vitest';
import type { AppType, Traffic } from '../../../src/types.js';
import { renderApplicationChart } from '../../support/argo/appset.js';
import { helmBinaries } from '../../support/helm.js';
import { connectionAllowed, type Pod } from '../../support/netpol.js';
import { CLUSTER_APIS, generate, netpolPod, ofKind, release, type EnvRelease, type Generated } from '../support.js';

const policies = (r: EnvRelease) => ofKind(r.objects, 'NetworkPolicy') as any[];
const appPort = (type: AppType) => (type === 'grpc' ? 50051 : 8080);

/** The prod Application rendered again with extra Helm values, as an Argo CD valuesObject would give them. */
async function withValues(project: Generated, values: Record<string, unknown>): Promise<EnvRelease> {
  const r = release(project, 'prod');
  const app = structuredClone(r.app);
  app.spec.source.helm = { ...app.spec.source.helm, valuesObject: values };
  const [helm] = await helmBinaries();
  return { ...r, app, ...(await renderApplicationChart(helm.bin, project.dir, app, CLUSTER_APIS)) };
}

describe.each([['web', 'nginx'], ['api', 'alb'], ['grpc', 'istio'], ['web', 'gateway-api']] as [AppType, Traffic][])('%s behind %s (restricted)', (type, traffic) => {
  const project = generate({ type, strategy: 'canary', traffic, security: 'restricted' });
  const controller: Record<Traffic, Pod | { ip: string } | null> = {
    nginx: { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } },
    alb: { ip: '10.0.37.12' }, // an ALB node in the default loadBalancerCIDRs 10.0.0.0/16, target type ip
    istio: { namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway' } },
    'gateway-api': { namespace: 'gateway-system', labels: { 'gateway.networking.k8s.io/gateway-name': 'public' } },
    none: null,
  };

  it('admits the ingress controller or load balancer to the app port', async () => {
    const r = release(await project, 'prod');
    expect(connectionAllowed(policies(r), controller[traffic]!, netpolPod(r), { port: appPort(type) })).toBe(true);
  });

  it('blocks an unlabelled pod in the ingress namespace and addresses outside the load balancer subnets', async () => {
    const r = release(await project, 'prod');
    const c = controller[traffic]!;
    if ('namespace' in c) expect(connectionAllowed(policies(r), { namespace: c.namespace, labels: {} }, netpolPod(r), { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), { ip: '203.0.113.9' }, netpolPod(r), { port: appPort(type) })).toBe(false);
  });
});

describe.each(['api', 'grpc'] as AppType[])('%s: declared in-cluster callers', (type) => {
  const project = generate({ type, security: 'restricted' });
  const checkout: Pod = { namespace: 'checkout', labels: { app: 'checkout' } };

  it('networkPolicy.allowFrom admits exactly the declared callers', async () => {
    const r = await withValues(await project, { networkPolicy: { allowFrom: [{ namespace: 'checkout', podLabels: { app: 'checkout' } }] } });
    const app = netpolPod(r);
    expect(connectionAllowed(policies(r), checkout, app, { port: appPort(type) })).toBe(true);
    expect(connectionAllowed(policies(r), { ...checkout, labels: { app: 'other' } }, app, { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), { ...checkout, namespace: 'elsewhere' }, app, { port: appPort(type) })).toBe(false);
  });
});

describe('ALB with a custom load balancer subnet', () => {
  const project = generate({ type: 'web', strategy: 'canary', traffic: 'alb', security: 'restricted' });

  it('networkPolicy.loadBalancerCIDRs replaces the default', async () => {
    const r = await withValues(await project, { networkPolicy: { loadBalancerCIDRs: ['192.168.10.0/24'] } });
    expect(connectionAllowed(policies(r), { ip: '192.168.10.7' }, netpolPod(r), { port: 8080 })).toBe(true);
    expect(connectionAllowed(policies(r), { ip: '10.0.37.12' }, netpolPod(r), { port: 8080 })).toBe(false);
  });
});
