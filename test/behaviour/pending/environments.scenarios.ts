// Pending scenario (see vitest.config.ts here): ALB done the ALB way. The namespace and
// ignoreDifferences scenarios that stood here pass and live in test/behaviour/environments.test.ts.
import { describe, expect, it } from 'vitest';
import { generate, ofKind, release } from '../support.js';

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
