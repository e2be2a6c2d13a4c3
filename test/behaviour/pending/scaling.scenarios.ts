// Pending scenarios (see vitest.config.ts here): KEDA reads this environment's own numbers, the
// cron trigger scales above every minimum, and KEDA's admission webhook has nothing to warn about.
import { describe, expect, it } from 'vitest';
import type { AppType } from '../../../src/types.js';
import { evalQuery, type Series } from '../../support/promtool.js';
import { kedaWarnings } from '../keda-rules.js';
import { generate, one, release, runningPods, seriesFor, targetsOf, type EnvRelease } from '../support.js';

const promTrigger = (r: EnvRelease) => one(r.objects, 'ScaledObject').spec.triggers.find((t: any) => t.type === 'prometheus');

function seriesOf(r: EnvRelease, type: AppType, perSecond: number, queueDepth = 0): Series[] {
  const { pods, services } = runningPods(r);
  return targetsOf(r, pods.stable!, services).flatMap((t) => [
    ...seriesFor(type, t, { perSecond }),
    ...(type === 'worker' ? [{ name: 'jobs_queue_depth', labels: t, values: `${queueDepth}x60` }] : []),
  ]);
}

describe.each(['web', 'api', 'grpc'] as AppType[])('%s KEDA prometheus trigger', (type) => {
  const project = generate({ type, scaling: 'keda', 'keda-trigger': 'prometheus' });

  it("reads prod's own request rate, whatever staging does", async () => {
    const p = await project;
    const prod = release(p, 'prod');
    const query = promTrigger(prod).metadata.query;
    const own = await evalQuery(query, seriesOf(prod, type, 10), '30m');
    expect(own).toHaveLength(1);
    expect(own[0].value).toBeGreaterThan(0);
    const withStaging = await evalQuery(query, [...seriesOf(prod, type, 10), ...seriesOf(release(p, 'staging'), type, 500)], '30m');
    expect(withStaging).toEqual(own);
  });
});

describe('worker KEDA prometheus trigger', () => {
  const project = generate({ type: 'worker', scaling: 'keda', 'keda-trigger': 'prometheus' });

  it("matches the series the chart's PodMonitor produces, in its own namespace only", async () => {
    const p = await project;
    const prod = release(p, 'prod');
    const query = promTrigger(prod).metadata.query;
    expect(await evalQuery(query, seriesOf(prod, 'worker', 1, 400), '30m')).toEqual([{ labels: {}, value: 400 }]);
    const both = [...seriesOf(prod, 'worker', 1, 400), ...seriesOf(release(p, 'staging'), 'worker', 1, 9000)];
    expect(await evalQuery(query, both, '30m')).toEqual([{ labels: {}, value: 400 }]);
  });
});

describe('KEDA cron trigger and admission', () => {
  const project = generate({ type: 'web', scaling: 'keda', 'keda-trigger': 'cron' });

  it("scales above every environment's minimum", async () => {
    for (const r of (await project).releases) {
      const so = one(r.objects, 'ScaledObject');
      const cron = so.spec.triggers.find((t: any) => t.type === 'cron');
      expect(Number(cron.metadata.desiredReplicas), r.env).toBeGreaterThan(so.spec.minReplicaCount ?? 0);
    }
  });

});

describe.each([['web', 'cron'], ['web', 'prometheus'], ['worker', 'kafka'], ['worker', 'aws-sqs']] as const)('%s KEDA %s trigger admission', (type, trigger) => {
  const project = generate({ type, scaling: 'keda', 'keda-trigger': trigger });

  it('draws no KEDA admission warning', async () => {
    for (const r of (await project).releases) expect(kedaWarnings(one(r.objects, 'ScaledObject')), r.env).toEqual([]);
  });
});
