// The flows the generated NetworkPolicy (security: restricted) already admits and blocks, by the
// Kubernetes rules (test/support/netpol.ts). The missing flows (ALB, declared callers, the ingress
// controller by its pod labels) are in test/behaviour/pending/.
import { describe, expect, it } from 'vitest';
import type { AppType } from '../../src/types.js';
import { connectionAllowed, type Pod } from '../support/netpol.js';
import { generate, netpolPod, ofKind, release, runningPods, targetsOf, type EnvRelease } from './support.js';

/** The port Prometheus scrapes, as the chart's monitor resolves it. */
function metricsPort(r: EnvRelease): number {
  const { pods, services } = runningPods(r);
  return Number(targetsOf(r, pods.stable!, services)[0].instance.split(':')[1]);
}

const nginx: Pod = { namespace: 'ingress-nginx', labels: { 'app.kubernetes.io/name': 'ingress-nginx', 'app.kubernetes.io/component': 'controller' } };
const prometheus: Pod = { namespace: 'monitoring', labels: { 'app.kubernetes.io/name': 'prometheus' } };
const stranger: Pod = { namespace: 'other-team', labels: { app: 'curious' } };
const coreDns: Pod = { namespace: 'kube-system', labels: { 'k8s-app': 'kube-dns' }, ports: [{ name: 'dns', containerPort: 53, protocol: 'UDP' }] };

describe.each(['web', 'api', 'grpc', 'worker'] as AppType[])('%s NetworkPolicy (restricted)', (type) => {
  const project = generate({ type, security: 'restricted' });
  const port = type === 'grpc' ? 50051 : type === 'worker' ? 9090 : 8080;

  it('admits Prometheus to the metrics port and DNS out; blocks a stranger', async () => {
    const r = release(await project, 'prod');
    const policies = ofKind(r.objects, 'NetworkPolicy') as any[];
    expect(policies.length).toBeGreaterThan(0);
    const app = netpolPod(r);
    expect(connectionAllowed(policies, prometheus, app, { port: metricsPort(r) })).toBe(true);
    expect(connectionAllowed(policies, stranger, app, { port })).toBe(false);
    expect(connectionAllowed(policies, stranger, app, { port: metricsPort(r) })).toBe(false);
    expect(connectionAllowed(policies, { ip: '203.0.113.9' }, app, { port })).toBe(false);
    expect(connectionAllowed(policies, app, coreDns, { port: 53, protocol: 'UDP' })).toBe(true);
    expect(connectionAllowed(policies, app, { ...stranger, ports: [{ containerPort: 8080 }] }, { port: 8080 })).toBe(false);
  });

  if (type !== 'worker') {
    it('admits the ingress-nginx controller to the app port', async () => {
      const r = release(await project, 'prod');
      expect(connectionAllowed(ofKind(r.objects, 'NetworkPolicy') as any[], nginx, netpolPod(r), { port })).toBe(true);
    });
  }
});
