// Pending scenarios (see vitest.config.ts here): a namespace per environment, always distinct;
// ALB done the ALB way; ignoreDifferences only for what Argo Rollouts changes on Argo CD's objects.
import { describe, expect, it } from 'vitest';
import { generate, ofKind, release } from '../support.js';

describe('long names and similar environments', () => {
  const name = 'a'.repeat(53);
  const project = generate({ name, envs: ['staging-eu-1', 'staging-eu-2'] });

  it('get distinct namespaces of at most 63 characters', async () => {
    const namespaces = (await project).releases.map((r) => r.namespace);
    expect(new Set(namespaces).size).toBe(2);
    for (const ns of namespaces) expect(ns.length).toBeLessThanOrEqual(63);
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

describe('nginx canary ignoreDifferences', () => {
  const project = generate({ type: 'web', strategy: 'canary', traffic: 'nginx' });

  it("names only objects the chart renders (Argo Rollouts' own canary Ingress is not Argo CD's)", async () => {
    const r = release(await project, 'prod');
    for (const entry of (r.app.spec.ignoreDifferences ?? []) as any[]) {
      const owned = r.objects.filter((o) => o.kind === entry.kind && (!entry.name || o.metadata.name === entry.name));
      // Ignoring an annotation only makes sense on an object of the chart that carries it.
      expect(owned.length, JSON.stringify(entry)).toBeGreaterThan(0);
      for (const path of entry.jqPathExpressions ?? []) {
        const annotation = /annotations\["([^"]+)"\]/.exec(path)?.[1];
        if (annotation) expect(owned.some((o) => o.metadata.annotations?.[annotation] !== undefined), path).toBe(true);
      }
    }
  });
});
