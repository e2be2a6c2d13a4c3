// kedaWarnings against the cases kedacore/keda's apis/keda/v1alpha1/scaledobject_webhook.go distinguishes.
import { describe, expect, it } from 'vitest';
import { kedaWarnings } from './keda-rules.js';

const so = (spec: Record<string, unknown>) => ({ kind: 'ScaledObject', spec: { triggers: [{ type: 'cron' }], ...spec } });

describe('KEDA admission warnings', () => {
  it('pollingInterval and cooldownPeriod warn when minReplicaCount > 0 without idle mode', () => {
    expect(kedaWarnings(so({ minReplicaCount: 2, pollingInterval: 30, cooldownPeriod: 300 }))).toEqual([expect.stringMatching(/^PollingInterval/), expect.stringMatching(/^CooldownPeriod/)]);
  });
  it('no warning at minReplicaCount 0 (the default), with idleReplicaCount, or without the fields', () => {
    expect(kedaWarnings(so({ pollingInterval: 30, cooldownPeriod: 300 }))).toEqual([]);
    expect(kedaWarnings(so({ minReplicaCount: 0, pollingInterval: 30, cooldownPeriod: 300 }))).toEqual([]);
    expect(kedaWarnings(so({ minReplicaCount: 2, idleReplicaCount: 0, pollingInterval: 30, cooldownPeriod: 300 }))).toEqual([]);
    expect(kedaWarnings(so({ minReplicaCount: 2 }))).toEqual([]);
  });
  it('useCachedMetrics keeps pollingInterval relevant, not cooldownPeriod', () => {
    const cached = { minReplicaCount: 2, pollingInterval: 30, cooldownPeriod: 300, triggers: [{ type: 'prometheus', useCachedMetrics: true }] };
    expect(kedaWarnings(so(cached))).toEqual([expect.stringMatching(/^CooldownPeriod/)]);
  });
});
