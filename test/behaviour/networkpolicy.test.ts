// The NetworkPolicy a `restricted` project renders, evaluated by the Kubernetes rules
// (test/support/netpol.ts) for every app type and traffic router: each flow the chart needs is
// allowed (the ingress controller or load balancer, declared callers, Prometheus, DNS, a worker's
// broker), and strangers are blocked (an unlabelled pod in the ingress namespace, another
// namespace, an address outside the load balancer subnets). Then the ALB Ingress, checked by the
// AWS Load Balancer Controller's own rules.
//
// The peers are the pods as their upstream projects label them, not as the chart's values say:
// - ingress-nginx: charts/ingress-nginx/templates/_helpers.tpl (`ingress-nginx.selectorLabels`) and
//   controller-deployment.yaml (`app.kubernetes.io/component: controller`), kubernetes/ingress-nginx;
// - the Istio ingress gateway: manifests/charts/gateway/templates/_helpers.tpl (`app: <name>`,
//   `istio: <name without istio->`), istio/istio, for the `istio-ingressgateway` of istioctl's
//   default profile; istiod: `app: istiod`, `istio: pilot`;
// - a Gateway API gateway deployed in its namespace: `gateway.networking.k8s.io/gateway-name:
//   <Gateway>` (GEP-1762, as Istio labels it: pkg/config/constants GatewayLabel);
// - Prometheus: pkg/prometheus/server/statefulset.go (`app.kubernetes.io/name: prometheus`,
//   `prometheus: <name>`), prometheus-operator/prometheus-operator, for kube-prometheus-stack's
//   `kube-prometheus-stack-prometheus` in `monitoring`;
// - CoreDNS / kube-dns: `k8s-app: kube-dns` in kube-system.
import { describe, expect, it } from 'vitest';
import type { AppType, Traffic } from '../../src/types.js';
import { renderApplicationChart } from '../support/argo/appset.js';
import { helmBinaries } from '../support/helm.js';
import { connectionAllowed, egressAllowed, type Peer, type Pod } from '../support/netpol.js';
import { CLUSTER_APIS, generate, netpolPod, ofKind, one, release, runningPods, targetsOf, type EnvRelease, type Generated } from './support.js';

const policies = (r: EnvRelease) => ofKind(r.objects, 'NetworkPolicy') as any[];
const appPort = (type: AppType) => (type === 'grpc' ? 50051 : 8080);

/** The port Prometheus scrapes, as the chart's monitor resolves it. */
function metricsPort(r: EnvRelease): number {
  const { pods, services } = runningPods(r);
  return Number(targetsOf(r, pods.stable!, services)[0].instance.split(':')[1]);
}

/** The prod Application rendered again with extra Helm values, as an Argo CD valuesObject would give them. */
async function withValues(project: Generated, values: Record<string, unknown>): Promise<EnvRelease> {
  const r = release(project, 'prod');
  const app = structuredClone(r.app);
  app.spec.source.helm = { ...app.spec.source.helm, valuesObject: values };
  const [helm] = await helmBinaries();
  return { ...r, app, ...(await renderApplicationChart(helm.bin, project.dir, app, CLUSTER_APIS)) };
}

const ingressNginx: Pod = {
  namespace: 'ingress-nginx',
  labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/instance': 'ingress-nginx', 'app.kubernetes.io/component': 'controller', 'pod-template-hash': '6d5f8c7b9' },
};
const istioGateway: Pod = { namespace: 'istio-system', labels: { app: 'istio-ingressgateway', istio: 'ingressgateway', 'sidecar.istio.io/inject': 'false' } };
const istiod: Pod = { namespace: 'istio-system', labels: { app: 'istiod', istio: 'pilot' }, ports: [{ name: 'https-dns', containerPort: 15012 }] };
const prometheus: Pod = {
  namespace: 'monitoring',
  labels: { 'app.kubernetes.io/name': 'prometheus', 'app.kubernetes.io/instance': 'kube-prometheus-stack-prometheus', prometheus: 'kube-prometheus-stack-prometheus', 'operator.prometheus.io/shard': '0' },
};
const coreDns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }, { name: 'dns-tcp', containerPort: 53 }] };
const stranger: Pod = { namespace: 'other-team', labels: { app: 'curious' }, ports: [{ containerPort: 8080 }] };
const internet: Peer = { ip: '203.0.113.9' };

/** The Gateway API gateway's pods: in the namespace of the Gateway the route attaches to, labelled with its name. */
function gatewayPods(r: EnvRelease): Pod {
  const route = r.objects.find((o) => o.kind === 'HTTPRoute' || o.kind === 'GRPCRoute')!;
  const [parent] = route.spec.parentRefs;
  return { namespace: parent.namespace ?? r.namespace, labels: { 'gateway.networking.k8s.io/gateway-name': parent.name } };
}

/** Whoever carries north-south traffic into the pods. */
function controllerOf(r: EnvRelease, traffic: Traffic): Peer {
  switch (traffic) {
    case 'none':
    case 'nginx':
      return ingressNginx;
    case 'istio':
      return istioGateway;
    case 'gateway-api':
      return gatewayPods(r);
    case 'alb':
      return { ip: '10.0.37.12' }; // an ALB node in the default loadBalancerCIDRs 10.0.0.0/16, target type ip
  }
}

const SERVERS: AppType[] = ['web', 'api', 'grpc'];
const ROUTED: [AppType, Traffic][] = SERVERS.flatMap((t) => (['none', 'nginx', 'alb', 'istio', 'gateway-api'] as Traffic[]).map((r): [AppType, Traffic] => [t, r]));

describe.each(ROUTED)('%s behind %s (restricted)', (type, traffic) => {
  const project = generate(traffic === 'none' ? { type, security: 'restricted' } : { type, strategy: 'canary', traffic, security: 'restricted' });

  it('admits the ingress controller or load balancer to the app port, and nothing else of it', async () => {
    for (const r of (await project).releases) {
      const app = netpolPod(r);
      const controller = controllerOf(r, traffic);
      expect(connectionAllowed(policies(r), controller, app, { port: appPort(type) }), r.env).toBe(true);
      if (type === 'grpc') expect(connectionAllowed(policies(r), controller, app, { port: metricsPort(r) })).toBe(false);
      expect(connectionAllowed(policies(r), controller, app, { port: 22 })).toBe(false);
    }
  });

  it('blocks an unlabelled pod in the ingress namespace, another namespace, and addresses outside the load balancer subnets', async () => {
    const r = release(await project, 'prod');
    const app = netpolPod(r);
    const controller = controllerOf(r, traffic);
    if ('namespace' in controller) {
      expect(connectionAllowed(policies(r), { namespace: controller.namespace, labels: {} }, app, { port: appPort(type) })).toBe(false);
      // Same namespace, one label different: ingress-nginx's admission-webhook job, another istio
      // gateway (`istio-eastwestgateway`), another Gateway's proxy.
      const key = ['app.kubernetes.io/component', 'istio', 'gateway.networking.k8s.io/gateway-name'].find((k) => k in controller.labels)!;
      const neighbour = { ...controller.labels, [key]: key === 'app.kubernetes.io/component' ? 'admission-webhook' : `eastwest-${controller.labels[key]}` };
      expect(connectionAllowed(policies(r), { namespace: controller.namespace, labels: neighbour }, app, { port: appPort(type) })).toBe(false);
      // The right labels in another namespace.
      expect(connectionAllowed(policies(r), { ...controller, namespace: 'other-team' }, app, { port: appPort(type) })).toBe(false);
    }
    expect(connectionAllowed(policies(r), stranger, app, { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), internet, app, { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), { ip: '10.1.0.5' }, app, { port: appPort(type) })).toBe(false);
    // No in-cluster caller is declared by default.
    expect(connectionAllowed(policies(r), { namespace: 'checkout', labels: { app: 'checkout' } }, app, { port: appPort(type) })).toBe(false);
  });

  it('admits Prometheus to the metrics port only, and this release\'s helm test pod', async () => {
    const r = release(await project, 'prod');
    const app = netpolPod(r);
    expect(connectionAllowed(policies(r), prometheus, app, { port: metricsPort(r) })).toBe(true);
    if (type === 'grpc') expect(connectionAllowed(policies(r), prometheus, app, { port: appPort(type) })).toBe(false);
    // Another pod of the monitoring namespace (Grafana) is not Prometheus.
    expect(connectionAllowed(policies(r), { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'grafana' } }, app, { port: metricsPort(r) })).toBe(false);
    const test = ofKind(r.objects, 'Pod').find((p) => p.metadata.annotations?.['helm.sh/hook'] === 'test')!;
    expect(connectionAllowed(policies(r), { namespace: r.namespace, labels: test.metadata.labels }, app, { port: appPort(type) })).toBe(true);
  });

  it('lets the pods out to DNS only (and to istiod behind istio)', async () => {
    const r = release(await project, 'prod');
    const app = netpolPod(r);
    expect(connectionAllowed(policies(r), app, coreDns, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(connectionAllowed(policies(r), app, coreDns, { port: 53, protocol: 'TCP' })).toBe(true);
    expect(connectionAllowed(policies(r), app, { ...coreDns, labels: { 'k8s-app': 'metrics-server' } }, { port: 53, protocol: 'UDP' })).toBe(false);
    expect(connectionAllowed(policies(r), app, stranger, { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), app, { ...istiod, labels: { app: 'istiod' } }, { port: 15012 })).toBe(traffic === 'istio');
  });
});

describe.each(SERVERS)('%s: declared in-cluster callers', (type) => {
  const project = generate({ type, security: 'restricted' });
  const checkout: Pod = { namespace: 'checkout', labels: { 'app.kubernetes.io/name': 'checkout', team: 'payments' } };

  it('networkPolicy.allowFrom admits exactly the declared callers, on the app port', async () => {
    const r = await withValues(await project, {
      networkPolicy: { allowFrom: [{ namespace: 'checkout', podLabels: { 'app.kubernetes.io/name': 'checkout' } }, { namespace: 'batch', podLabels: { app: 'reports' } }] },
    });
    const app = netpolPod(r);
    expect(connectionAllowed(policies(r), checkout, app, { port: appPort(type) })).toBe(true);
    expect(connectionAllowed(policies(r), { namespace: 'batch', labels: { app: 'reports' } }, app, { port: appPort(type) })).toBe(true);
    expect(connectionAllowed(policies(r), { ...checkout, labels: { 'app.kubernetes.io/name': 'cart' } }, app, { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), { ...checkout, namespace: 'elsewhere' }, app, { port: appPort(type) })).toBe(false);
    // Labels of one entry with the namespace of the other.
    expect(connectionAllowed(policies(r), { namespace: 'batch', labels: checkout.labels }, app, { port: appPort(type) })).toBe(false);
    expect(connectionAllowed(policies(r), checkout, app, { port: 22 })).toBe(false);
    // The controller is still let in.
    expect(connectionAllowed(policies(r), ingressNginx, app, { port: appPort(type) })).toBe(true);
  });
});

describe('ALB load balancer subnets', () => {
  const project = generate({ type: 'web', strategy: 'canary', traffic: 'alb', security: 'restricted' });

  it('networkPolicy.loadBalancerCIDRs replaces the default', async () => {
    const r = await withValues(await project, { networkPolicy: { loadBalancerCIDRs: ['192.168.10.0/24', '192.168.11.0/24'] } });
    expect(connectionAllowed(policies(r), { ip: '192.168.10.7' }, netpolPod(r), { port: 8080 })).toBe(true);
    expect(connectionAllowed(policies(r), { ip: '192.168.11.200' }, netpolPod(r), { port: 8080 })).toBe(true);
    expect(connectionAllowed(policies(r), { ip: '192.168.12.1' }, netpolPod(r), { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), { ip: '10.0.37.12' }, netpolPod(r), { port: 8080 })).toBe(false);
  });

  it('an empty list lets no address in (never a rule without peers, which would admit everyone)', async () => {
    const r = await withValues(await project, { networkPolicy: { loadBalancerCIDRs: [] } });
    expect(connectionAllowed(policies(r), { ip: '10.0.37.12' }, netpolPod(r), { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), stranger, netpolPod(r), { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), prometheus, netpolPod(r), { port: 8080 })).toBe(true);
  });
});

describe.each([
  ['kafka', { ip: '10.20.30.40' }, 9092],
  ['rabbitmq', { ip: '10.20.30.40' }, 5672],
  ['redis', { ip: '10.20.30.40' }, 6379],
  ['aws-sqs', { ip: '52.94.133.131' }, 443], // sqs.us-east-1.amazonaws.com answers on public addresses
  ['prometheus', null, 0],
] as [string, Peer | null, number][])('worker with the %s trigger (restricted)', (trigger, broker, port) => {
  const project = generate({ type: 'worker', scaling: 'keda', 'keda-trigger': trigger as any, security: 'restricted' });

  it('lets the worker out to DNS and its broker only; lets Prometheus in to the metrics port only', async () => {
    const r = release(await project, 'prod');
    const app = netpolPod(r);
    expect(connectionAllowed(policies(r), app, coreDns, { port: 53, protocol: 'UDP' })).toBe(true);
    if (broker) {
      expect(egressAllowed(policies(r), app, broker, { port })).toBe(true);
      expect(egressAllowed(policies(r), app, broker, { port: 22 })).toBe(false);
    }
    if (trigger !== 'aws-sqs') expect(egressAllowed(policies(r), app, internet, { port: 443 })).toBe(false);
    expect(connectionAllowed(policies(r), app, stranger, { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), prometheus, app, { port: metricsPort(r) })).toBe(true);
    expect(connectionAllowed(policies(r), ingressNginx, app, { port: metricsPort(r) })).toBe(false);
    expect(connectionAllowed(policies(r), stranger, app, { port: metricsPort(r) })).toBe(false);
  });
});

describe('cron (restricted)', () => {
  const project = generate({ type: 'cron', security: 'restricted' });

  it('takes no connection and lets the job out to DNS only', async () => {
    const r = release(await project, 'prod');
    const app = netpolPod(r);
    for (const peer of [prometheus, ingressNginx, stranger, internet]) expect(connectionAllowed(policies(r), peer, app, { port: 8080 })).toBe(false);
    expect(connectionAllowed(policies(r), app, coreDns, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(egressAllowed(policies(r), app, internet, { port: 443 })).toBe(false);
  });
});

/**
 * The listeners the AWS Load Balancer Controller builds from an Ingress, by its rules in
 * kubernetes-sigs/aws-load-balancer-controller:
 * - pkg/ingress/model_build_listener.go: `listen-ports` is a JSON list of {"HTTP"|"HTTPS": port}
 *   (1-65535); absent, it is HTTPS 443 when `certificate-arn` is set, else HTTP 80
 *   (computeIngressListenPorts). An HTTPS listener takes the `certificate-arn` list, or else the
 *   ACM certificates discovered for the hosts of spec.rules and spec.tls
 *   (computeIngressInferredTLSCertARNs; pkg/ingress/cert_discovery.go fails when a host has none);
 * - pkg/ingress/model_builder.go buildSSLRedirectConfig: `ssl-redirect` names a listener port that
 *   must exist and be HTTPS, and every HTTP listener then only redirects to it;
 * - annotation names: pkg/annotations/constants.go (prefix alb.ingress.kubernetes.io).
 * The ALB serves TLS itself; a TLS Secret on the Ingress is not read (docs/guide/ingress/annotations.md, "SSL").
 */
function albListeners(ingress: any): { listeners: Record<number, 'HTTP' | 'HTTPS'>; certificates: { arns: string[] } | { discoveredFor: string[] }; redirectTo: number | null } {
  const a: Record<string, string> = ingress.metadata.annotations ?? {};
  const get = (suffix: string) => a[`alb.ingress.kubernetes.io/${suffix}`];
  const arns = (get('certificate-arn') ?? '').split(',').map((x) => x.trim()).filter(Boolean);
  const listeners: Record<number, 'HTTP' | 'HTTPS'> = {};
  const raw = get('listen-ports');
  if (raw === undefined) listeners[arns.length ? 443 : 80] = arns.length ? 'HTTPS' : 'HTTP';
  else {
    const entries = JSON.parse(raw) as Record<string, number>[];
    if (!Array.isArray(entries) || entries.length === 0) throw new Error(`empty listen-ports configuration: ${raw}`);
    for (const entry of entries)
      for (const [protocol, port] of Object.entries(entry)) {
        if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`listen port must be within [1, 65535]: ${port}`);
        if (protocol !== 'HTTP' && protocol !== 'HTTPS') throw new Error(`listen protocol must be within [HTTP, HTTPS]: ${protocol}`);
        listeners[port] = protocol;
      }
  }
  const hosts = [...new Set([...(ingress.spec.rules ?? []).map((r: any) => r.host).filter(Boolean), ...(ingress.spec.tls ?? []).flatMap((t: any) => t.hosts ?? [])])];
  let redirectTo: number | null = null;
  const redirect = get('ssl-redirect');
  if (redirect !== undefined) {
    if (!/^\d+$/.test(redirect)) throw new Error(`ssl-redirect is not an integer: ${redirect}`);
    redirectTo = Number(redirect);
    if (!(redirectTo in listeners)) throw new Error(`listener does not exist for SSLRedirect port: ${redirectTo}`);
    if (listeners[redirectTo] !== 'HTTPS') throw new Error(`listener protocol non-SSL for SSLRedirect port: ${redirectTo}`);
  }
  return { listeners, certificates: arns.length ? { arns } : { discoveredFor: hosts as string[] }, redirectTo };
}

describe.each(['web', 'api', 'grpc'] as AppType[])('%s behind ALB: TLS the ALB way', (type) => {
  const project = generate({ type, strategy: 'canary', traffic: 'alb', security: 'restricted' });

  it('listens on HTTPS 443 with an ACM certificate discovered for each environment\'s host, and redirects HTTP 80 to it', async () => {
    const g = await project;
    for (const r of g.releases) {
      const ingress = one(r.objects, 'Ingress');
      const alb = albListeners(ingress);
      expect(alb.listeners).toEqual({ 80: 'HTTP', 443: 'HTTPS' });
      expect(alb.redirectTo).toBe(443);
      const host = ingress.spec.rules[0].host;
      expect(host).toBe(r.env === 'prod' ? 'shop.example.com' : `${r.env}.shop.example.com`);
      expect(alb.certificates).toEqual({ discoveredFor: [host] });
      // No cert-manager and no TLS Secret: the ALB terminates TLS.
      expect(Object.keys(ingress.metadata.annotations).filter((k) => k.startsWith('cert-manager.io/'))).toEqual([]);
      expect(ingress.spec.tls).toBeUndefined();
      expect(ofKind(r.objects, 'Certificate')).toEqual([]);
      if (type === 'grpc') expect(ingress.metadata.annotations['alb.ingress.kubernetes.io/backend-protocol-version']).toBe('GRPC');
    }
  });

  it('ingress.certificateArn names the ACM certificate instead', async () => {
    const arn = 'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789';
    const r = await withValues(await project, { ingress: { certificateArn: arn } });
    const alb = albListeners(one(r.objects, 'Ingress'));
    expect(alb.certificates).toEqual({ arns: [arn] });
    expect(alb.listeners[443]).toBe('HTTPS');
    expect(alb.redirectTo).toBe(443);
  });

  it('ingress.tls.enabled: false leaves a plain HTTP listener', async () => {
    const r = await withValues(await project, { ingress: { tls: { enabled: false } } });
    const alb = albListeners(one(r.objects, 'Ingress'));
    expect(alb.listeners).toEqual({ 80: 'HTTP' });
    expect(alb.redirectTo).toBeNull();
  });
});

describe('nginx Ingress keeps cert-manager', () => {
  const project = generate({ type: 'web', strategy: 'canary', traffic: 'nginx' });

  it('asks cert-manager for the TLS Secret of each environment', async () => {
    for (const r of (await project).releases) {
      const ingress = one(r.objects, 'Ingress');
      expect(ingress.metadata.annotations['cert-manager.io/cluster-issuer']).toBe(r.env === 'prod' ? 'letsencrypt-prod' : 'letsencrypt-staging');
      expect(ingress.spec.tls[0].secretName).toBe(`${r.releaseName}-tls`);
      expect(Object.keys(ingress.metadata.annotations).filter((k) => k.startsWith('alb.'))).toEqual([]);
    }
  });
});

describe('the ALB listener rules themselves', () => {
  const ing = (annotations: Record<string, string>, tls?: unknown) => ({ metadata: { annotations }, spec: { rules: [{ host: 'a.example.com' }], tls } });
  it('follow the controller: defaults, a redirect to a missing or plain port, discovery from rule and TLS hosts', () => {
    expect(albListeners(ing({})).listeners).toEqual({ 80: 'HTTP' });
    expect(albListeners(ing({ 'alb.ingress.kubernetes.io/certificate-arn': 'arn:x' })).listeners).toEqual({ 443: 'HTTPS' });
    expect(() => albListeners(ing({ 'alb.ingress.kubernetes.io/ssl-redirect': '443' }))).toThrow(/does not exist/);
    expect(() => albListeners(ing({ 'alb.ingress.kubernetes.io/listen-ports': '[{"HTTP": 443}]', 'alb.ingress.kubernetes.io/ssl-redirect': '443' }))).toThrow(/non-SSL/);
    expect(() => albListeners(ing({ 'alb.ingress.kubernetes.io/listen-ports': '[]' }))).toThrow(/empty/);
    expect(albListeners(ing({ 'alb.ingress.kubernetes.io/listen-ports': '[{"HTTPS": 443}]' }, [{ hosts: ['b.example.com'] }])).certificates).toEqual({ discoveredFor: ['a.example.com', 'b.example.com'] });
  });
});
