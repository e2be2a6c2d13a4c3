// KEDA reads this environment's own numbers: each prometheus trigger query evaluated by promtool
// on series whose labels come from the chart's own ServiceMonitor / PodMonitor (this environment
// busy vs another one busy); the cron trigger's busy window above every environment's minimum;
// and KEDA's admission warnings (keda-rules.ts, restated from kedacore/keda's
// apis/keda/v1alpha1/scaledobject_webhook.go) on every rendered ScaledObject.
import { describe, expect, it } from 'vitest';
import { KEDA_TRIGGERS } from '../../src/keda-triggers.js';
import type { AppType } from '../../src/types.js';
import { renderApplicationChart } from '../support/argo/appset.js';
import { helmBinaries } from '../support/helm.js';
import { evalQuery, type Series } from '../support/promtool.js';
import { podFrom, type TargetPod } from '../support/promtool-targets.js';
import { kedaWarnings } from './keda-rules.js';
import { CLUSTER_APIS, generate, one, release, runningPods, seriesFor, targetsOf, workloadOf, type EnvRelease, type Generated, type Load, type Obj } from './support.js';

const promTrigger = (r: EnvRelease) => one(r.objects, 'ScaledObject').spec.triggers.find((t: Obj) => t.type === 'prometheus');

/** The series of every scrape target the release's monitors make of `pods`, each under `load`. */
function seriesOf(r: EnvRelease, type: AppType, pods: TargetPod[], services: Obj[], load: Load, queueDepth = 0): Series[] {
  return pods.flatMap((pod) =>
    targetsOf(r, pod, services).flatMap((t) => [
      ...seriesFor(type, t, load),
      ...(type === 'worker' ? [{ name: 'jobs_queue_depth', labels: t, values: `${queueDepth}x60` }] : []),
    ]),
  );
}

function atRest(r: EnvRelease, type: AppType, perSecond: number, queueDepth = 0): Series[] {
  const { pods, services } = runningPods(r);
  return seriesOf(r, type, [pods.stable!], services, { perSecond }, queueDepth);
}

describe.each(['web', 'api', 'grpc'] as AppType[])('%s KEDA prometheus trigger', (type) => {
  const project = generate({ type, scaling: 'keda', 'keda-trigger': 'prometheus' });

  it("reads prod's own request rate, whatever staging does", async () => {
    const p = await project;
    const prod = release(p, 'prod');
    const query = promTrigger(prod).metadata.query;
    const own = await evalQuery(query, atRest(prod, type, 10), '30m');
    expect(own).toEqual([{ labels: {}, value: 10 }]);
    const withStaging = await evalQuery(query, [...atRest(prod, type, 10), ...atRest(release(p, 'staging'), type, 500)], '30m');
    expect(withStaging).toEqual(own);
    // And staging's trigger reads staging's rate only.
    expect(await evalQuery(promTrigger(release(p, 'staging')).metadata.query, [...atRest(prod, type, 10), ...atRest(release(p, 'staging'), type, 500)], '30m'))
      .toEqual([{ labels: {}, value: 500 }]);
  });
});

describe('web KEDA prometheus trigger with a canary', () => {
  const project = generate({ type: 'web', scaling: 'keda', 'keda-trigger': 'prometheus', strategy: 'canary', traffic: 'nginx' });

  it('counts each pod once: at rest, and during an update the old and the new pods', async () => {
    const prod = release(await project, 'prod');
    const query = promTrigger(prod).metadata.query;
    // The stable and the canary Service both select the pods, but only the metrics Service is scraped.
    const rest = atRest(prod, 'web', 10);
    expect([...new Set(rest.filter((s) => s.name === 'up').map((s) => s.labels.service))]).toEqual(['shop-metrics']);
    expect(await evalQuery(query, rest, '30m')).toEqual([{ labels: {}, value: 10 }]);
    const { pods, services } = runningPods(prod, 'update');
    const update = [
      ...seriesOf(prod, 'web', [pods.stable!], services, { perSecond: 8 }),
      ...seriesOf(prod, 'web', [pods.canary!], services, { perSecond: 2 }),
    ];
    expect(await evalQuery(query, update, '30m')).toEqual([{ labels: {}, value: 10 }]);
  });
});

describe('worker KEDA prometheus trigger', () => {
  const project = generate({ type: 'worker', scaling: 'keda', 'keda-trigger': 'prometheus' });

  it("matches the series the chart's PodMonitor produces, in its own namespace only", async () => {
    const p = await project;
    const prod = release(p, 'prod');
    const query = promTrigger(prod).metadata.query;
    expect(await evalQuery(query, atRest(prod, 'worker', 1, 400), '30m')).toEqual([{ labels: {}, value: 400 }]);
    const both = [...atRest(prod, 'worker', 1, 400), ...atRest(release(p, 'staging'), 'worker', 1, 9000)];
    expect(await evalQuery(query, both, '30m')).toEqual([{ labels: {}, value: 400 }]);
  });

  it('reads the queue depth once however many pods report it', async () => {
    const prod = release(await project, 'prod');
    const { services } = runningPods(prod);
    const pods = [1, 2, 3].map((i) => podFrom(workloadOf(prod.objects) as any, prod.namespace, `5f6d7c8b9-pod0${i}`, `10.244.1.${10 + i}`));
    const series = seriesOf(prod, 'worker', pods, services, { perSecond: 1 }, 400);
    expect(new Set(series.filter((s) => s.name === 'up').map((s) => s.labels.pod)).size).toBe(3);
    expect(await evalQuery(promTrigger(prod).metadata.query, series, '30m')).toEqual([{ labels: {}, value: 400 }]);
  });
});

describe('KEDA cron trigger', () => {
  const project = generate({ type: 'web', scaling: 'keda', 'keda-trigger': 'cron', envs: ['dev', 'staging', 'prod'] });

  it("scales above every environment's minimum", async () => {
    const { releases } = await project;
    expect(releases).toHaveLength(3);
    for (const r of releases) {
      const so = one(r.objects, 'ScaledObject');
      const cron = so.spec.triggers.find((t: Obj) => t.type === 'cron');
      expect(Number(cron.metadata.desiredReplicas), r.env).toBeGreaterThan(so.spec.minReplicaCount ?? 0);
      expect(Number(cron.metadata.desiredReplicas), r.env).toBeLessThanOrEqual(so.spec.maxReplicaCount);
    }
  });
});

/** The Application of `env` rendered again with extra Helm parameters, as Argo CD would pass them. */
async function withParameters(p: Generated, env: string, parameters: { name: string; value: string }[]): Promise<Obj[]> {
  const app = structuredClone(release(p, env).app);
  app.spec.source.helm = { ...app.spec.source.helm, parameters };
  const [helm] = await helmBinaries();
  return (await renderApplicationChart(helm.bin, p.dir, app, CLUSTER_APIS)).objects;
}

describe.each(KEDA_TRIGGERS.map((t) => [['prometheus', 'cron'].includes(t) ? 'web' : 'worker', t] as const))('%s KEDA %s trigger admission', (type, trigger) => {
  const project = generate({ type, scaling: 'keda', 'keda-trigger': trigger });

  it('draws no KEDA admission warning in any environment', async () => {
    const { releases } = await project;
    expect(releases.length).toBeGreaterThan(1);
    for (const r of releases) expect(kedaWarnings(one(r.objects, 'ScaledObject')), r.env).toEqual([]);
  });

  it('keeps pollingInterval and cooldownPeriod where KEDA uses them: scaling to zero', async () => {
    const so = one(await withParameters(await project, 'staging', [{ name: 'keda.minReplicas', value: '0' }]), 'ScaledObject');
    expect(so.spec.minReplicaCount).toBe(0);
    expect(so.spec).toMatchObject({ pollingInterval: 30, cooldownPeriod: 300 });
    expect(kedaWarnings(so)).toEqual([]);
  });
});
